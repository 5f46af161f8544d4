using System.Buffers.Binary;
using Packtree.Keys;

namespace Packtree.Nodes;

/// <summary>
/// The fields of bcachefs's 160-byte <c>struct btree_node</c> (the header of a node's first write)
/// other than the checksum and the first bset header: magic, flags, the node's key range and format.
/// The range's keys are key fields of the format's schema (<see cref="KeyFields"/>): for positions, inode,
/// offset and snapshot.
/// </summary>
/// <remarks>
/// Layout: csum 0..15, magic 16 (le64), flags 24 (le64), min_key 32 (bpos), max_key 52 (bpos),
/// obsolete pointer 72..79 (zero), format 80..135, first bset header 136..159, keys from 160.
/// </remarks>
internal sealed record NodeHeader(ulong Magic, ulong Flags, ulong[] MinKey, ulong[] MaxKey, BkeyFormat Format)
{
    /// <summary>A header whose range is given as positions (the schema of bcachefs's nodes).</summary>
    public NodeHeader(ulong magic, ulong flags, Bpos minKey, Bpos maxKey, BkeyFormat format)
        : this(magic, flags, KeyFields.FromPosition(minKey), KeyFields.FromPosition(maxKey), format)
    {
    }

    /// <summary>The schema of the node's keys (its format's).</summary>
    public KeySchema Schema => Format.Schema;

    /// <summary>The smallest key as a position (positions only).</summary>
    public Bpos MinPosition => KeyFields.ToPosition(MinKey);

    /// <summary>The largest key as a position (positions only).</summary>
    public Bpos MaxPosition => KeyFields.ToPosition(MaxKey);

    /// <summary>Whether <paramref name="key"/> lies in the node's range.</summary>
    public bool Covers(ReadOnlySpan<ulong> key) => KeyFields.Compare(key, MinKey) >= 0 && KeyFields.Compare(key, MaxKey) <= 0;

    /// <summary>The range as messages print it.</summary>
    public string RangeText => $"{KeyFields.Text(Schema, MinKey)}..{KeyFields.Text(Schema, MaxKey)}";

    /// <summary>Size of the first write's header, first bset header included.</summary>
    public const int ByteCount = 160;

    /// <summary>Byte offset of the first bset header.</summary>
    public const int BsetOffset = 136;

    /// <summary>Byte offset of the format.</summary>
    public const int FormatOffset = 80;

    private const ulong NewExtentOverwriteBit = 1UL << 8;

    /// <summary>The largest btree id: the header keeps it in 20 bits.</summary>
    public const uint MaxBtreeId = (1 << 20) - 1;

    /// <summary>The btree ID: flags bits 0..3 and 9..24.</summary>
    public uint BtreeId => (uint)(Flags & 0xF) | (uint)((Flags >> 9) & 0xFFFF) << 4;

    /// <summary>Level, 0 for a leaf: flags bits 4..7.</summary>
    public int Level => (int)((Flags >> 4) & 0xF);

    /// <summary>Flags bit 8, which current writers set on every node.</summary>
    public bool NewExtentOverwrite => (Flags & NewExtentOverwriteBit) != 0;

    /// <summary>Generation counter: flags bits 32..63.</summary>
    public uint NodeSeq => (uint)(Flags >> 32);

    /// <summary>The flags word for a node of <paramref name="btreeId"/> at <paramref name="level"/>, generation <paramref name="nodeSeq"/>.</summary>
    public static ulong MakeFlags(uint btreeId, int level, uint nodeSeq)
    {
        if (btreeId > MaxBtreeId) throw new ArgumentOutOfRangeException(nameof(btreeId), btreeId, "A btree ID has 20 bits.");
        if ((uint)level > 15) throw new ArgumentOutOfRangeException(nameof(level), level, "A node level has 4 bits (0..15).");
        return (btreeId & 0xF) | ((ulong)level << 4) | NewExtentOverwriteBit | ((ulong)(btreeId >> 4) << 9) | ((ulong)nodeSeq << 32);
    }

    /// <summary>Writes bytes 16..135 (magic, flags, range, pointer, format); the checksum and bset header are the codec's.</summary>
    public void Write(Span<byte> node)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(node[16..], Magic);
        BinaryPrimitives.WriteUInt64LittleEndian(node[24..], Flags);
        if (!Schema.IsPositions) throw new NotSupportedException($"Nodes of {Schema} keys are not written to disk in this version.");
        MinPosition.Write(node[32..]);
        MaxPosition.Write(node[52..]);
        node.Slice(72, 8).Clear();
        Format.Write(node[FormatOffset..]);
    }

    /// <summary>As a node dump prints it.</summary>
    public override string ToString() =>
        $"btree {BtreeId} level {Level} seq {NodeSeq} min {KeyFields.Text(Schema, MinKey)} max {KeyFields.Text(Schema, MaxKey)} magic {Magic:x16}\n  format {Format}";
}
