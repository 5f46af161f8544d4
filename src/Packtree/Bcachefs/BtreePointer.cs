using System.Buffers.Binary;
using Packtree.Keys;

namespace Packtree.Bcachefs;

/// <summary>
/// A pointer to a btree node: the value of a <c>btree_ptr_v2</c> (type 18) or legacy <c>btree_ptr</c> (type 5) key
/// (btree-facts §6.2) with the key's position, which is the child's max_key.
/// </summary>
internal sealed record BtreePointer(Bpos MaxKey, Bpos MinKey, ulong Seq, int SectorsWritten, bool RangeUpdated, IReadOnlyList<ExtentPointer> Pointers, bool IsV2)
{
    /// <summary>Where the pointer was read: its parent node's byte offset, or its root record's (for error messages).</summary>
    public long SourceOffset { get; init; } = -1;

    /// <summary>Key type of a <c>btree_ptr</c>.</summary>
    public const byte TypeV1 = 5;

    /// <summary>Key type of a <c>btree_ptr_v2</c>.</summary>
    public const byte TypeV2 = 18;

    /// <summary>The fixed part of a v2 value: mem_ptr, seq, sectors_written, flags, min_key.</summary>
    public const int V2FixedBytes = 40;

    /// <summary>Largest v2 value, in words (BKEY_BTREE_PTR_VAL_U64s_MAX).</summary>
    public const int MaxValueU64s = 15;

    /// <summary>Largest v1 value, in words.</summary>
    public const int MaxV1ValueU64s = 4;

    /// <summary>Parses a pointer key's value; null with the reason when it is malformed.</summary>
    public static BtreePointer? TryParse(Bpos position, byte type, ReadOnlySpan<byte> value, out string? problem)
    {
        problem = null;
        if (type == TypeV2)
        {
            if (value.Length < V2FixedBytes + 8) { problem = $"a btree_ptr_v2 value of {value.Length} bytes, below the {V2FixedBytes + 8} of the fixed part and one pointer"; return null; }
            if (value.Length > MaxValueU64s * 8) { problem = $"a btree_ptr_v2 value of {value.Length / 8} u64s, above the {MaxValueU64s} allowed"; return null; }
            var min = Bpos.Read(value[20..]);
            if (min >= position) { problem = $"the pointer's min_key {min} is not below its position"; return null; }
            var pointers = ParseEntries(value[V2FixedBytes..], out problem);
            if (pointers is null) return null;
            return new BtreePointer(position, min,
                BinaryPrimitives.ReadUInt64LittleEndian(value[8..]),
                BinaryPrimitives.ReadUInt16LittleEndian(value[16..]),
                (BinaryPrimitives.ReadUInt16LittleEndian(value[18..]) & 1) != 0,
                pointers, IsV2: true);
        }
        if (type == TypeV1)
        {
            if (value.Length == 0 || value.Length > MaxV1ValueU64s * 8) { problem = $"a btree_ptr value of {value.Length / 8} u64s, not 1..{MaxV1ValueU64s}"; return null; }
            var pointers = ParseEntries(value, out problem);
            return pointers is null ? null : new BtreePointer(position, Bpos.Min, 0, 0, false, pointers, IsV2: false);
        }
        problem = $"key type {BcachefsNames.KeyType(type)} is not a btree pointer";
        return null;
    }

    /// <summary>The extent entries' <c>bch_extent_ptr</c>s (entries are split as an extent's are; other entries are stepped over).</summary>
    private static List<ExtentPointer>? ParseEntries(ReadOnlySpan<byte> entries, out string? problem)
    {
        problem = null;
        List<ExtentPointer> pointers;
        try
        {
            pointers = [.. BcachefsExtent.Entries(entries).OfType<ExtentPointer>()];
        }
        catch (InvalidDataException e)
        {
            problem = e.Message;
            return null;
        }
        if (pointers.Count == 0) problem = "the pointer names no device location";
        return pointers.Count == 0 ? null : pointers;
    }
}
