using Packtree.Keys;

namespace Packtree.Tests.Vectors;

/// <summary>keys.jsonl.gz: packing a whole key and unpacking it again.</summary>
[Trait("Category", "Vectors")]
public sealed class KeysVectorTests
{
    [Fact]
    public void EveryKeyPacksAndUnpacksAsInBcachefs()
    {
        VectorCheck.Run("keys.jsonl.gz", (r, check) =>
        {
            r.Informational("idx", "class", "member");
            var format = FormatCatalog.Get(r, "format_id");
            var key = VectorKeys.FromJson(r, r.Get("key"));
            var packed = new byte[format.KeyBytes];
            var packOk = format.TryPack(key, packed);
            check.Equal(r, "pack_ok", r.Bool("pack_ok"), packOk);
            check.Equal(r, "CanPack", packOk, format.CanPack(key));
            if (!r.Bool("pack_ok"))
            {
                if (r.Has("packed_hex")) check.Fail(r, "a failed pack has packed bytes");
                return;
            }
            check.Equal(r, "packed_u64s", r.Int("packed_u64s"), (int)packed[0]);
            check.EqualBytes(r, "packed_hex", r.Hex("packed_hex"), packed);

            var expectedUnpacked = r.Hex("unpacked_hex");
            var unpacked = VectorKeys.Bytes(format.Unpack(r.Hex("packed_hex")));
            check.EqualBytes(r, "unpacked_hex", expectedUnpacked, unpacked);
            check.Equal(r, "roundtrip_equal", r.Bool("roundtrip_equal"), unpacked.AsSpan().SequenceEqual(VectorKeys.Bytes(key)));
            check.Equal(r, "UnpackPosition", Bkey.Read(expectedUnpacked).Position, format.UnpackPosition(r.Hex("packed_hex")));

            // Present only where bcachefs's fast unpackers disagreed with its generic one; Packtree follows the generic one.
            r.OptionalHex("unpacked_b_hex");
            r.OptionalHex("unpacked_jit_hex");
        });
    }
}
