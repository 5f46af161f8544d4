using Packtree.Keys;

namespace Packtree.Tests.Vectors;

/// <summary>formats.jsonl.gz: parsing, layout constants, and format computation from member keys and from the recorded state.</summary>
[Trait("Category", "Vectors")]
public sealed class FormatsVectorTests
{
    [Fact]
    public void EveryFormatAgreesWithBcachefs()
    {
        var members = MemberKeys();
        var formatsWithMembers = 0;
        VectorCheck.Run("formats.jsonl.gz", (r, check) =>
        {
            r.Informational("origin", "desc");
            var id = r.String("id");
            var bytes = r.Hex("format_hex");
            var valid = r.Int("invalid_rc") == 0;
            if (!BkeyFormat.TryRead(bytes, out var format, out var error))
            {
                check.Fail(r, valid ? $"rejected a valid format: {error}" : "invalid formats are not expected in formats.jsonl");
                return;
            }
            if (!valid) check.Fail(r, "accepted a format bcachefs rejects");
            check.EqualBytes(r, "format_hex (written back)", bytes, format!.ToBytes());
            check.Equal(r, "key_u64s", r.Int("key_u64s"), format.KeyU64s);
            check.Equal(r, "nr_fields", r.Int("nr_fields"), BkeyFields.Count);
            var bits = r.Get("bits_per_field").EnumerateArray().Select(e => e.GetInt32()).ToArray();
            var offsets = r.U64Array("field_offset");
            for (var i = 0; i < BkeyFields.Count; i++)
            {
                check.Equal(r, $"bits_per_field[{i}]", bits[i], format.Fields[i].Width);
                check.Equal(r, $"field_offset[{i}]", offsets[i], format.Fields[i].Offset);
            }
            check.Equal(r, "nr_key_bits", r.Int("nr_key_bits"), format.KeyBits);
            check.Equal(r, "total_field_bits", r.Int("total_field_bits"), format.TotalFieldBits);
            CheckByteAligned(r, check, format);
            CheckComputation(r, check, format, members.GetValueOrDefault(id), ref formatsWithMembers);
            CheckBcachefsSelfChecks(r, check);
        });
        Assert.True(formatsWithMembers > 0, "No format was recomputed from its member keys: keys.jsonl.gz has no member records.");
    }

    private static void CheckByteAligned(VectorRecord r, VectorCheck check, BkeyFormat format)
    {
        var aligned = r.Bool("byte_aligned_fields");
        check.Equal(r, "byte_aligned_fields", aligned, format.IsByteAligned);
        var consts = r.Get("unpack_consts");
        if (!aligned || !format.IsByteAligned) return;
        var expected = consts.EnumerateArray().Select(c => new ByteAlignedField(c[0].GetInt32(), c[1].GetInt32())).ToArray();
        for (var i = 0; i < BkeyFields.Count; i++)
            check.Equal(r, $"unpack_consts[{i}]", expected[i], format.ByteAlignedFields[i]);
    }

    /// <summary>
    /// The recorded state (per-field min and max before the final step) must give this format, and
    /// when the member keys are in keys.jsonl, adding them (then add_pos) must give that state.
    /// </summary>
    private static void CheckComputation(VectorRecord r, VectorCheck check, BkeyFormat format, List<Bkey>? keys, ref int formatsWithMembers)
    {
        var state = r.Get("state");
        var memberCount = r.Int("members");
        var positions = r.Has("add_pos") ? r.Get("add_pos").EnumerateArray().Select(p => r.ReadPosition(p, "add_pos")).ToList() : [];
        if (state.ValueKind == System.Text.Json.JsonValueKind.Null)
        {
            if (keys is not null) check.Fail(r, "a format without state has member keys");
            return;
        }

        var min = state.GetProperty("field_min").EnumerateArray().Select(e => ulong.Parse(e.GetString()!, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        var max = state.GetProperty("field_max").EnumerateArray().Select(e => ulong.Parse(e.GetString()!, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        var fromState = new BkeyFormatBuilder(min, max).Build();
        if (!fromState.Equals(format)) check.Fail(r, $"format from the recorded state: expected [{format}], got [{fromState}]");

        if (keys is null) return; // a subset format: its keys are not in the set, only its state is
        formatsWithMembers++;
        check.Equal(r, "members (member keys in keys.jsonl)", memberCount, keys.Count);
        var builder = new BkeyFormatBuilder();
        foreach (var key in keys) builder.AddKey(key);
        foreach (var position in positions) builder.AddPosition(position);
        for (var i = 0; i < BkeyFields.Count; i++)
        {
            check.Equal(r, $"state.field_min[{i}]", min[i], builder.FieldMin[i]);
            check.Equal(r, $"state.field_max[{i}]", max[i], builder.FieldMax[i]);
        }
        var computed = builder.Build();
        if (!computed.Equals(format)) check.Fail(r, $"format from member keys: expected [{format}], got [{computed}]");
    }

    /// <summary>
    /// bcachefs's own cross-checks between its unpackers (and its x86 machine code, which Packtree
    /// does not emit): recorded facts about bcachefs, consistent with each other.
    /// </summary>
    private static void CheckBcachefsSelfChecks(VectorRecord r, VectorCheck check)
    {
        var jit = r.Get("jit");
        if (jit.GetProperty("matches_generic").GetBoolean() != (jit.GetProperty("mismatches").GetInt32() == 0))
            check.Fail(r, "jit.matches_generic disagrees with jit.mismatches");
        if (jit.GetProperty("ok").GetBoolean() && jit.GetProperty("code_hex").GetString()!.Length != 2 * jit.GetProperty("len").GetInt32())
            check.Fail(r, "jit.code_hex length disagrees with jit.len");
        if (!r.Bool("unpack_b_matches_generic")) check.Fail(r, "bcachefs's byte-aligned unpacker disagreed with its generic one");
        if (!r.Bool("unpack_pos_matches_generic")) check.Fail(r, "bcachefs's position unpackers disagreed with its generic one");
    }

    private static Dictionary<string, List<Bkey>> MemberKeys()
    {
        var members = new Dictionary<string, List<Bkey>>();
        foreach (var r in VectorFile.Read("keys.jsonl.gz"))
        {
            if (!r.Bool("member")) continue;
            var id = r.String("format_id");
            if (!members.TryGetValue(id, out var list)) members[id] = list = [];
            list.Add(VectorKeys.FromJson(r, r.Get("key")));
        }
        return members;
    }
}
