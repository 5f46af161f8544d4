using System.Buffers.Binary;
using System.Numerics;

namespace Packtree.Bcachefs;

/// <summary>
/// Splits an extent's value (or the pointer list of a btree pointer) into its entries: each entry's
/// type is the index of the lowest set bit of its first u64, and its size in u64s follows from the type.
/// </summary>
internal static class BcachefsExtent
{
    /// <summary>Entry types 0..8 at 1.36.</summary>
    public static readonly string[] EntryNames = ["ptr", "crc32", "crc64", "crc128", "stripe_ptr", "rebalance_v1", "flags", "reconcile", "reconcile_bp"];

    /// <summary>The size in u64s of an entry of type <paramref name="type"/>, or 0 if 1.36 has no such type.</summary>
    public static int EntryU64s(int type) => type switch
    {
        2 => 2,
        3 => 3,
        >= 0 and <= 8 => 1,
        _ => 0,
    };

    /// <summary>Decodes every entry of <paramref name="entries"/> (whole u64s).</summary>
    /// <exception cref="InvalidDataException">An entry is of an unknown type, runs past the end, or the length is not whole u64s.</exception>
    public static IReadOnlyList<BcachefsExtentEntry> Entries(ReadOnlySpan<byte> entries)
    {
        if (entries.Length % 8 != 0)
            throw new InvalidDataException($"extent entries at value byte 0: {entries.Length} bytes is not a whole number of u64s.");
        var list = new List<BcachefsExtentEntry>(entries.Length / 8);
        for (var at = 0; at < entries.Length;)
        {
            var first = BinaryPrimitives.ReadUInt64LittleEndian(entries[at..]);
            var type = first == 0 ? -1 : BitOperations.TrailingZeroCount(first);
            var u64s = EntryU64s(type);
            if (u64s == 0)
                throw new InvalidDataException(type < 0
                    ? $"extent entry at value byte {at}: the first u64 is zero, so it has no type."
                    : $"extent entry at value byte {at}: unknown entry type {type} (1.36 knows 0..8), its size is unknown.");
            if (entries.Length - at < u64s * 8)
                throw new InvalidDataException($"extent entry {EntryNames[type]} at value byte {at}: needs {u64s * 8} bytes, only {entries.Length - at} remain.");
            list.Add(Decode(type, first, entries.Slice(at, u64s * 8)));
            at += u64s * 8;
        }
        return list;
    }

    private static BcachefsExtentEntry Decode(int type, ulong w, ReadOnlySpan<byte> entry)
    {
        switch (type)
        {
            case 0:
                return new ExtentPointer(Bits(w, 4, 44), (byte)(w >> 48), (byte)(w >> 56), (w & 2) != 0, (w & 8) != 0);
            case 1:
                return new ExtentChecksum(32, (uint)Bits(w, 2, 7) + 1, (uint)Bits(w, 9, 7) + 1, (uint)Bits(w, 16, 7), 0,
                    (byte)Bits(w, 24, 4), (byte)Bits(w, 28, 4), 0, w >> 32);
            case 2:
                return new ExtentChecksum(64, (uint)Bits(w, 3, 9) + 1, (uint)Bits(w, 12, 9) + 1, (uint)Bits(w, 21, 9), (uint)Bits(w, 30, 10),
                    (byte)Bits(w, 40, 4), (byte)Bits(w, 44, 4), w >> 48, BinaryPrimitives.ReadUInt64LittleEndian(entry[8..]));
            case 3:
                return new ExtentChecksum(128, (uint)Bits(w, 4, 13) + 1, (uint)Bits(w, 17, 13) + 1, (uint)Bits(w, 30, 13), (uint)Bits(w, 43, 13),
                    (byte)Bits(w, 56, 4), (byte)Bits(w, 60, 4),
                    BinaryPrimitives.ReadUInt64LittleEndian(entry[16..]), BinaryPrimitives.ReadUInt64LittleEndian(entry[8..]));
            case 4:
                return new ExtentStripePointer(w >> 17, (uint)Bits(w, 5, 8), (uint)Bits(w, 13, 4));
            default:
                var words = new ulong[entry.Length / 8];
                for (var i = 0; i < words.Length; i++)
                    words[i] = BinaryPrimitives.ReadUInt64LittleEndian(entry[(8 * i)..]);
                return new ExtentOtherEntry(type, words);
        }
    }

    private static ulong Bits(ulong word, int shift, int width) => (word >> shift) & ((1UL << width) - 1);
}
