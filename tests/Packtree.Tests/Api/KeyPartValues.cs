using System.Text;
using CsCheck;

namespace Packtree.Tests.Api;

/// <summary>
/// Values of typed key parts as the run-time API holds them (boxed, one per <see cref="KeyPartInfo"/>): random ones
/// skewed to the edges (extremes, negatives, the empty string and bytes, runs of 0x00 and 0xFF, every DateTime kind and
/// offset), how .NET orders them, and equality that also sees a DateTime's kind and a DateTimeOffset's offset.
/// </summary>
internal static class KeyPartValues
{
    // Text pieces of 1 to 4 UTF-8 bytes, the CLI's separator and escape among them.
    private static readonly string[] Atoms = ["a", "b", "z", "\0", "é", "€", "\U0001F600", ",", "\\", "\t", " "];

    /// <summary>A random value of <paramref name="part"/>.</summary>
    public static Gen<object> Of(KeyPartInfo part) => part.Kind switch
    {
        KeyPartKind.Int8 => Gen.OneOf(Gen.SByte, Gen.SByte[-2, 2], Gen.OneOf(Gen.Const(sbyte.MinValue), Gen.Const(sbyte.MaxValue))).Select(v => (object)v),
        KeyPartKind.Int16 => Gen.OneOf(Gen.Short, Gen.Short[-2, 2], Gen.OneOf(Gen.Const(short.MinValue), Gen.Const(short.MaxValue))).Select(v => (object)v),
        KeyPartKind.Int32 => Gen.OneOf(Gen.Int, Gen.Int[-2, 2], Gen.OneOf(Gen.Const(int.MinValue), Gen.Const(int.MaxValue))).Select(v => (object)v),
        KeyPartKind.Int64 => Gen.OneOf(Gen.Long, Gen.Long[-2, 2], Gen.OneOf(Gen.Const(long.MinValue), Gen.Const(long.MaxValue))).Select(v => (object)v),
        KeyPartKind.UInt8 => Gen.OneOf(Gen.Byte, Gen.Byte[0, 2], Gen.Const(byte.MaxValue)).Select(v => (object)v),
        KeyPartKind.UInt16 => Gen.OneOf(Gen.UShort, Gen.UShort[0, 2], Gen.Const(ushort.MaxValue)).Select(v => (object)v),
        KeyPartKind.UInt32 => Gen.OneOf(Gen.UInt, Gen.UInt[0, 2], Gen.Const(uint.MaxValue)).Select(v => (object)v),
        KeyPartKind.UInt64 => Gen.OneOf(Gen.ULong, Gen.ULong[0, 2], Gen.Const(ulong.MaxValue)).Select(v => (object)v),
        KeyPartKind.Guid => Gen.OneOf(Gen.Guid, Gen.Byte[0, 1].Array[16].Select(b => new Guid(b)), Gen.OneOf(Gen.Const(Guid.Empty), Gen.Const(Guid.AllBitsSet))).Select(v => (object)v),
        KeyPartKind.DateTime => Gen.Select(Gen.OneOf(Gen.Long[0, DateTime.MaxValue.Ticks], Gen.Long[0, 2], Gen.Const(DateTime.MaxValue.Ticks)), Gen.Int[0, 2])
            .Select((ticks, kind) => (object)new DateTime(ticks, (DateTimeKind)kind)),
        KeyPartKind.DateTimeOffset => Gen.Select(Gen.OneOf(Gen.Long[0, DateTime.MaxValue.Ticks], Gen.Long[0, 2], Gen.Const(DateTime.MaxValue.Ticks)), Gen.OneOf(Gen.Int[-14 * 60, 14 * 60], Gen.Int[-1, 1]))
            .Select((ticks, minutes) => (object)Instant(ticks, minutes)),
        KeyPartKind.String => Gen.Int[0, Atoms.Length - 1].Array[0, 6].Select(pieces => (object)Text(pieces, part.MaxBytes)),
        _ => Gen.OneOf(Gen.Byte[0, 1], Gen.Byte[254, 255], Gen.Byte).Array[0, part.MaxBytes].Select(b => (object)b),
    };

    /// <summary>A random key of <paramref name="kind"/>: one value per part.</summary>
    public static Gen<object[]> Key(KeyKind kind)
    {
        var key = Gen.Const(Array.Empty<object>());
        foreach (var part in kind.Parts) key = Gen.Select(key, Of(part), (values, value) => (object[])[.. values, value]);
        return key;
    }

    /// <summary>Orders keys as .NET orders their values, component by component (a DateTime by ticks then kind, a DateTimeOffset by instant then offset, text by code point).</summary>
    public static int Compare(object[] a, object[] b)
    {
        for (var i = 0; i < a.Length; i++)
        {
            var order = Compare(a[i], b[i]);
            if (order != 0) return order;
        }
        return 0;
    }

    /// <summary>Whether two keys hold the same values, kinds and offsets included.</summary>
    public static bool Same(object[] a, object[] b) => a.Length == b.Length && Compare(a, b) == 0;

    /// <summary>A key as one line, for messages.</summary>
    public static string Show(object[] key) => string.Join(" | ", key.Select(v => v switch
    {
        DateTime t => $"{t.Ticks}/{t.Kind}",
        DateTimeOffset o => $"{o.UtcTicks}/{o.Offset}",
        byte[] b => Convert.ToHexString(b),
        string s => $"\"{s}\"",
        _ => v.ToString(),
    }));

    private static int Compare(object a, object b) => (a, b) switch
    {
        (DateTime x, DateTime y) => x.Ticks != y.Ticks ? x.Ticks.CompareTo(y.Ticks) : x.Kind.CompareTo(y.Kind),
        (DateTimeOffset x, DateTimeOffset y) => x.UtcTicks != y.UtcTicks ? x.UtcTicks.CompareTo(y.UtcTicks) : x.Offset.CompareTo(y.Offset),
        (string x, string y) => Encoding.UTF8.GetBytes(x).AsSpan().SequenceCompareTo(Encoding.UTF8.GetBytes(y)),
        (byte[] x, byte[] y) => x.AsSpan().SequenceCompareTo(y),
        _ when a.GetType() == b.GetType() => Comparer<object>.Default.Compare(a, b),
        _ => throw new ArgumentException($"{a.GetType()} beside {b.GetType()}"),
    };

    /// <summary>Atoms up to the size: each that still fits is taken.</summary>
    private static string Text(int[] pieces, int maxBytes)
    {
        var text = new StringBuilder();
        foreach (var piece in pieces)
        {
            if (Encoding.UTF8.GetByteCount(text + Atoms[piece]) <= maxBytes) text.Append(Atoms[piece]);
        }
        return text.ToString();
    }

    /// <summary>A DateTimeOffset of local ticks near <paramref name="ticks"/>, moved so that its UTC instant exists.</summary>
    private static DateTimeOffset Instant(long ticks, int minutes)
    {
        var offset = TimeSpan.FromMinutes(minutes);
        var local = Math.Clamp(ticks, Math.Max(0, offset.Ticks), Math.Min(DateTime.MaxValue.Ticks, DateTime.MaxValue.Ticks + offset.Ticks));
        return new DateTimeOffset(local, offset);
    }
}
