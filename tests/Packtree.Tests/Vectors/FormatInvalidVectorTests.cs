using Packtree.Keys;

namespace Packtree.Tests.Vectors;

/// <summary>format_invalid.jsonl.gz: bcachefs's verdict and message on candidate formats.</summary>
[Trait("Category", "Vectors")]
public sealed class FormatInvalidVectorTests
{
    [Fact]
    public void EveryVerdictAgreesWithBcachefs()
    {
        VectorCheck.Run("format_invalid.jsonl.gz", (r, check) =>
        {
            r.Informational("desc");
            var bytes = r.Hex("format_hex");
            check.Equal(r, "key_u64s", r.Int("key_u64s"), (int)bytes[0]);
            check.Equal(r, "nr_fields", r.Int("nr_fields"), (int)bytes[1]);
            var bits = r.Get("bits_per_field").EnumerateArray().Select(e => e.GetInt32()).ToArray();
            var offsets = r.U64Array("field_offset");
            for (var i = 0; i < BkeyFields.Count; i++)
            {
                check.Equal(r, $"bits_per_field[{i}]", bits[i], (int)bytes[2 + i]);
                check.Equal(r, $"field_offset[{i}]", offsets[i], BitConverter.ToUInt64(bytes, 8 + 8 * i));
            }

            var valid = r.Bool("valid");
            check.Equal(r, "rc is 0 exactly when valid", valid, r.Int("rc") == 0);
            var ok = BkeyFormat.TryRead(bytes, out var format, out var error);
            check.Equal(r, "valid", valid, ok);
            var message = r.String("msg");
            if (ok)
            {
                check.Equal(r, "msg", message, "");
                check.EqualBytes(r, "format_hex (written back)", bytes, format!.ToBytes());
                return;
            }

            // bcachefs prints ones(bits) for the packed maximum; for widths above 64 only the rule and field are compared.
            if (bits.All(b => b <= 64)) check.Equal(r, "msg", message, error!.BcachefsText);
            else check.Equal(r, "msg (rule and field)", message.Split(':')[0], error!.BcachefsText.Split(':')[0]);
            try
            {
                BkeyFormat.Read(bytes);
                check.Fail(r, "Read accepted an invalid format");
            }
            catch (InvalidBkeyFormatException e)
            {
                if (!e.Message.Contains(error.BcachefsText, StringComparison.Ordinal)) check.Fail(r, $"exception message lacks the rule: {e.Message}");
            }
        });
    }
}
