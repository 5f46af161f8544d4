using System.Collections.Concurrent;
using Packtree.Codegen;
using Packtree.Keys;
using Packtree.Tests.Vectors;

namespace Packtree.Tests.Codegen;

/// <summary>Every codec strategy reproduces bcachefs's results on the vector records it covers.</summary>
[Trait("Category", "Vectors")]
public sealed class CodecVectorTests
{
    public static TheoryData<UnpackStrategy> Strategies => [UnpackStrategy.Generic, UnpackStrategy.ByteAligned, UnpackStrategy.Compiled, UnpackStrategy.Auto];

    [Theory]
    [MemberData(nameof(Strategies))]
    public void KeysUnpackAsInBcachefs(UnpackStrategy strategy)
    {
        var codecs = Codecs(strategy);
        VectorCheck.Run("keys.jsonl.gz", (r, check) =>
        {
            r.Informational("idx", "class", "member", "key", "pack_ok", "packed_u64s", "roundtrip_equal", "unpacked_b_hex", "unpacked_jit_hex");
            var codec = codecs(FormatCatalog.Get(r, "format_id"));
            if (!r.Has("packed_hex")) return;
            var packed = r.Hex("packed_hex");
            var expected = r.Hex("unpacked_hex");
            codec.Unpack(packed, out var key);
            check.EqualBytes(r, $"unpacked_hex ({codec.Strategy})", expected, VectorKeys.Bytes(key));
            check.Equal(r, $"position ({codec.Strategy})", Bkey.Read(expected).Position, codec.UnpackPosition(packed));
        });
    }

    [Theory]
    [MemberData(nameof(Strategies))]
    public void RandomBitsUnpackAsInBcachefs(UnpackStrategy strategy)
    {
        var codecs = Codecs(strategy);
        VectorCheck.Run("unpack_raw.jsonl.gz", (r, check) =>
        {
            r.Informational("idx", "class", "unpacked_b_hex", "unpacked_jit_hex");
            var codec = codecs(FormatCatalog.Get(r, "format_id"));
            var packed = r.Hex("packed_hex");
            var expected = r.Hex("unpacked_hex");
            if (!r.Bool("valid_u64s"))
            {
                Assert.Throws<InvalidPackedKeyException>(() => codec.Unpack(packed, out _));
                Assert.Throws<InvalidPackedKeyException>(() => codec.UnpackPosition(packed));
                return;
            }
            codec.Unpack(packed, out var key);
            check.EqualBytes(r, $"unpacked_hex ({codec.Strategy})", expected, VectorKeys.Bytes(key));
            check.Equal(r, $"position ({codec.Strategy})", Bkey.Read(expected).Position, codec.UnpackPosition(packed));
        });
    }

    [Theory]
    [MemberData(nameof(Strategies))]
    public void ComparisonsAgreeWithBcachefs(UnpackStrategy strategy)
    {
        var codecs = Codecs(strategy);
        VectorCheck.Run("cmp.jsonl.gz", (r, check) =>
        {
            r.Informational("class", "r_pos", "cmp_left_packed");
            var codec = codecs(FormatCatalog.Get(r, "format_id"));
            var left = r.Hex("l_hex");
            var right = r.Hex("r_hex");
            check.Equal(r, $"cmp ({codec.Strategy})", r.Int("cmp"), codec.ComparePacked(left, right));
            check.Equal(r, $"cmp reversed ({codec.Strategy})", -r.Int("cmp"), codec.ComparePacked(right, left));
        });
    }

    [Theory]
    [MemberData(nameof(Strategies))]
    public void PositionsPackAsInBcachefs(UnpackStrategy strategy)
    {
        var codecs = Codecs(strategy);
        VectorCheck.Run("pack_pos.jsonl.gz", (r, check) =>
        {
            r.Informational("class", "exact_ok", "lossy_rc", "lossy_pos");
            var codec = codecs(FormatCatalog.Get(r, "format_id"));
            var position = r.Position("pos");
            var exact = new byte[codec.Format.KeyBytes];
            var expectedExact = r.HexOrNull("exact_hex");
            if (codec.TryPackPosition(position, exact)) check.EqualBytes(r, "exact_hex", expectedExact, exact);
            else if (expectedExact is not null) check.Fail(r, "exact pack failed");
            var lossy = new byte[codec.Format.KeyBytes];
            var result = codec.PackPositionLossy(position, lossy);
            check.Equal(r, "lossy_ret", r.String("lossy_ret"), result.ToString().ToUpperInvariant());
            var expectedLossy = r.HexOrNull("lossy_hex");
            if (result != PackPositionResult.Fail) check.EqualBytes(r, "lossy_hex", expectedLossy, lossy);
        });
    }

    /// <summary>One codec per format, as nodes sharing a format share their code.</summary>
    private static Func<BkeyFormat, KeyCodec> Codecs(UnpackStrategy strategy)
    {
        var cache = new ConcurrentDictionary<BkeyFormat, KeyCodec>();
        return format => cache.GetOrAdd(format, f => KeyCodecFactory.Create(f, strategy));
    }
}
