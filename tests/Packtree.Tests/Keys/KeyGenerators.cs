using CsCheck;
using Packtree.Keys;

namespace Packtree.Tests.Keys;

/// <summary>CsCheck generators of formats, keys and positions, skewed towards the edges (0, full width, extremes).</summary>
internal static class KeyGenerators
{
    private static readonly Gen<int> Width = Gen.Frequency(
        (3, Gen.Int[0, 16]),
        (3, Gen.Int[0, 64]),
        (1, Gen.OneOf(Gen.Const(0), Gen.Const(64), Gen.Const(32), Gen.Const(8))));

    /// <summary>A value skewed to 0, the maximum and small numbers.</summary>
    private static readonly Gen<ulong> Skewed = Gen.Frequency(
        (4, Gen.ULong),
        (2, Gen.ULong[0, 1000]),
        (1, Gen.OneOf(Gen.Const(0UL), Gen.Const(ulong.MaxValue), Gen.Const((ulong)uint.MaxValue))));

    /// <summary>A valid format from random widths and offsets: non-byte-aligned, straddling and full-width fields included.</summary>
    public static readonly Gen<BkeyFormat> HandFormat =
        from widths in Width.Array[6]
        from seeds in Skewed.Array[6]
        from zeroOffset in Gen.Bool.Array[6]
        select MakeFormat(widths, seeds, zeroOffset);

    /// <summary>A format as a node computes it, from a random population of keys and its range.</summary>
    public static readonly Gen<BkeyFormat> ComputedFormat =
        from keys in AnyKey.Array[1, 12]
        from roundToBytes in Gen.Bool
        select Build(keys, roundToBytes);

    public static readonly Gen<BkeyFormat> Format = Gen.OneOf(HandFormat, ComputedFormat, Gen.Const(BkeyFormat.Current));

    /// <summary>A key whose fields are anywhere in their unpacked range.</summary>
    public static Gen<Bkey> AnyKey => Gen.Select(Skewed.Array[6], Gen.Byte, Gen.Int[0, Bkey.ValueU64sMax], Gen.Bool, (f, type, value, whiteout) => MakeKey(f, type, value, whiteout));

    /// <summary>A format and a key every field of which fits it (at the format's bounds often).</summary>
    public static readonly Gen<(BkeyFormat Format, Bkey Key)> FormatAndFittingKey =
        from format in Format
        from raw in Skewed.Array[6]
        from type in Gen.Byte
        from value in Gen.Int[0, Bkey.ValueU64sMax]
        from whiteout in Gen.Bool
        select (format, MakeKey(FitFields(format, raw), type, value, whiteout));

    /// <summary>A position near the format's edges: fitting, below an offset, above a range, or anywhere.</summary>
    public static Gen<Bpos> PositionNear(BkeyFormat format) =>
        from raw in Skewed.Array[3]
        from shifts in Gen.Int[-2, 2].Array[3]
        from anywhere in Gen.Bool
        select anywhere ? new Bpos(raw[0], raw[1], (uint)raw[2]) : Near(format, raw, shifts);

    public static Bkey MakeKey(ulong[] f, byte type, int valueU64s, bool whiteout) =>
        new(new Bpos(f[0], f[1], (uint)f[2]), type, valueU64s, (uint)f[3], new Bversion((uint)f[4], f[5]), whiteout);

    /// <summary>Maps raw values into each field's representable range.</summary>
    public static ulong[] FitFields(BkeyFormat format, ulong[] raw)
    {
        var values = new ulong[BkeyFields.Count];
        for (var i = 0; i < values.Length; i++)
        {
            var field = format.Fields[i];
            values[i] = field.Offset + (raw[i] & field.Mask);
        }
        return values;
    }

    private static Bpos Near(BkeyFormat format, ulong[] raw, int[] shifts)
    {
        var values = FitFields(format, [.. raw, 0, 0, 0]);
        for (var i = 0; i < 3; i++)
        {
            var field = format.Fields[i];
            values[i] = shifts[i] switch
            {
                -2 => field.Offset - 1,        // just below the offset (wraps at 0)
                -1 => field.Offset,
                1 => field.Offset + field.Mask,
                2 => field.Offset + field.Mask + 1, // just above the range (wraps at the top)
                _ => values[i],
            };
        }
        return new Bpos(values[0], values[1], (uint)values[2]);
    }

    private static BkeyFormat MakeFormat(int[] widths, ulong[] seeds, bool[] zeroOffset)
    {
        var bits = new byte[BkeyFields.Count];
        var offsets = new ulong[BkeyFields.Count];
        for (var i = 0; i < bits.Length; i++)
        {
            var unpacked = BkeyFields.UnpackedWidth(i);
            bits[i] = (byte)Math.Min(widths[i], unpacked);
            var maxOffset = BkeyFields.UnpackedMax(i) - (bits[i] >= 64 ? ulong.MaxValue : (1UL << bits[i]) - 1);
            offsets[i] = zeroOffset[i] || bits[i] == unpacked ? 0 : maxOffset == ulong.MaxValue ? seeds[i] : seeds[i] % (maxOffset + 1);
        }
        return BkeyFormat.Create(bits, offsets);
    }

    private static BkeyFormat Build(Bkey[] keys, bool roundToBytes)
    {
        var builder = new BkeyFormatBuilder();
        foreach (var key in keys) builder.AddKey(key);
        return builder.Build(roundToBytes);
    }
}
