using System.Buffers.Binary;
using Packtree.Keys;

namespace Packtree.Trees;

/// <summary>
/// The value of an interior node's pointer key, bcachefs's <c>btree_ptr_v2</c> (docs/DESIGN.md §6.2): the key sits at
/// the child's max_key; the value holds a cache hint, the child's seq, how many of its sectors are
/// written, flags, its min_key, and one <c>bch_extent_ptr</c> giving where the child starts.
/// </summary>
/// <param name="CacheSlot">bcachefs's <c>mem_ptr</c>: where the child sits in memory, 0 for unknown. A hint, never trusted alone.</param>
/// <param name="Seq">The child's bset seq: a pointer whose seq differs from the node found is stale.</param>
/// <param name="SectorsWritten">Sectors of the child holding valid writes (0: unknown, scan).</param>
/// <param name="Flags">Bit 0: <c>BTREE_PTR_RANGE_UPDATED</c>.</param>
/// <param name="MinKey">The child's first position.</param>
/// <param name="Sector">Where the child starts on the device, in 512-byte sectors (44 bits).</param>
internal readonly record struct BtreePointer(ulong CacheSlot, ulong Seq, ushort SectorsWritten, ushort Flags, Bpos MinKey, ulong Sector)
{
    /// <summary>Value size: 5 words of fixed part and one extent pointer.</summary>
    public const int ValueBytes = 48;

    /// <summary>Value size in words.</summary>
    public const int ValueU64s = ValueBytes / 8;

    /// <summary>The largest sector offset an extent pointer holds.</summary>
    public const ulong MaxSector = (1UL << 44) - 1;

    /// <summary>The pointer key for a child ending at <paramref name="maxKey"/>: type btree_ptr_v2, size 0, version 0.</summary>
    public static Bkey KeyFor(Bpos maxKey) => new(maxKey, (byte)BkeyType.BtreePtrV2, ValueU64s);

    /// <summary>Reads a pointer value.</summary>
    /// <exception cref="CorruptStoreException">The value is too short, or its first extent entry is not a pointer: the node holding it is damaged (<see cref="StorePart.Node"/>).</exception>
    public static BtreePointer Read(ReadOnlySpan<byte> value)
    {
        if (value.Length < ValueBytes)
            throw new CorruptStoreException($"A btree_ptr_v2 value needs {ValueBytes} bytes; this one has {value.Length}.", StorePart.Node, null, $"a btree_ptr_v2 value of {value.Length} bytes, not {ValueBytes}");
        var entry = BinaryPrimitives.ReadUInt64LittleEndian(value[40..]);
        if ((entry & 1) == 0)
            throw new CorruptStoreException($"The first extent entry of a btree_ptr_v2 value ({entry:x16}) is not a pointer (type bit 0 clear).", StorePart.Node, null, "the pointer's first extent entry is not a pointer (type bit 0 clear)");
        return new BtreePointer(
            BinaryPrimitives.ReadUInt64LittleEndian(value),
            BinaryPrimitives.ReadUInt64LittleEndian(value[8..]),
            BinaryPrimitives.ReadUInt16LittleEndian(value[16..]),
            BinaryPrimitives.ReadUInt16LittleEndian(value[18..]),
            Bpos.Read(value[20..]),
            (entry >> 4) & MaxSector);
    }

    /// <summary>Writes the value: 48 bytes, the extent pointer on device 0, generation 0.</summary>
    public void Write(Span<byte> value)
    {
        if (Sector > MaxSector) throw new InvalidOperationException($"Sector {Sector} does not fit the 44-bit offset of an extent pointer.");
        BinaryPrimitives.WriteUInt64LittleEndian(value, CacheSlot);
        BinaryPrimitives.WriteUInt64LittleEndian(value[8..], Seq);
        BinaryPrimitives.WriteUInt16LittleEndian(value[16..], SectorsWritten);
        BinaryPrimitives.WriteUInt16LittleEndian(value[18..], Flags);
        MinKey.Write(value[20..]);
        BinaryPrimitives.WriteUInt64LittleEndian(value[40..], (Sector << 4) | 1);
    }

    /// <summary>The value as bytes.</summary>
    public byte[] ToBytes()
    {
        var bytes = new byte[ValueBytes];
        Write(bytes);
        return bytes;
    }
}
