using Packtree.Keys;

namespace Packtree.Tests.Vectors;

/// <summary>unpack_raw.jsonl.gz: unpacking bytes no packer produced; unused bits ignored, inconsistent headers refused.</summary>
[Trait("Category", "Vectors")]
public sealed class UnpackRawVectorTests
{
    [Fact]
    public void RandomBitsUnpackAsInBcachefsAndBadHeadersAreRefused()
    {
        VectorCheck.Run("unpack_raw.jsonl.gz", (r, check) =>
        {
            r.Informational("idx", "class");
            var format = FormatCatalog.Get(r, "format_id");
            var packed = r.Hex("packed_hex");
            var generic = r.Hex("unpacked_hex");
            // The fast unpackers' results document bcachefs's behaviour on bad headers; Packtree refuses those.
            r.OptionalHex("unpacked_b_hex");
            r.OptionalHex("unpacked_jit_hex");

            var headerValid = format.IsPackedHeaderValid(packed, out var reason);
            check.Equal(r, "valid_u64s", r.Bool("valid_u64s"), headerValid);
            if (r.Bool("valid_u64s"))
            {
                check.EqualBytes(r, "unpacked_hex", generic, VectorKeys.Bytes(format.Unpack(packed)));
                check.Equal(r, "UnpackPosition", Bkey.Read(generic).Position, format.UnpackPosition(packed));
                return;
            }
            try
            {
                format.Unpack(packed);
                check.Fail(r, "a key whose u64s does not fit its format was unpacked instead of refused");
            }
            catch (InvalidPackedKeyException e)
            {
                if (!e.Message.Contains($"u64s {packed[0]}", StringComparison.Ordinal))
                    check.Fail(r, $"the error does not name the bad u64s: {e.Message} ({reason})");
            }
        });
    }
}
