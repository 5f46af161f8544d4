using System.Buffers.Binary;
using Packtree.Keys;

namespace Packtree.Trees;

/// <summary>
/// The value of an interior node's pointer key, bcachefs's <c>btree_ptr_v2</c> (docs/DESIGN.md §6.2): the key sits at
/// the child's max_key; the value holds a cache hint, the child's seq, how many of its sectors are
/// written, flags, its min_key, and one <c>bch_extent_ptr</c> giving where the child starts. For position keys the
/// min_key is bcachefs's 20-byte bpos at byte 20; for keys of other schemas those bytes are zero and the min_key's
/// key fields follow the extent pointer, one word each.
/// </summary>
/// <param name="CacheSlot">bcachefs's <c>mem_ptr</c>: where the child sits in memory, 0 for unknown. A hint, never trusted alone.</param>
/// <param name="Seq">The child's bset seq: a pointer whose seq differs from the node found is stale.</param>
/// <param name="SectorsWritten">Sectors of the child holding valid writes (0: unknown, scan).</param>
/// <param name="Flags">Bit 0: <c>BTREE_PTR_RANGE_UPDATED</c>.</param>
/// <param name="MinKey">The child's first key (key fields).</param>
/// <param name="Sector">Where the child starts on the device, in 512-byte sectors (44 bits).</param>
internal readonly record struct BtreePointer(ulong CacheSlot, ulong Seq, ushort SectorsWritten, ushort Flags, ulong[] MinKey, ulong Sector)
{
    /// <summary>Value size for position keys: 5 words of fixed part and one extent pointer.</summary>
    public const int ValueBytes = 48;

    /// <summary>The largest sector offset an extent pointer holds.</summary>
    public const ulong MaxSector = (1UL << 44) - 1;

    /// <summary>A pointer whose min_key is a position.</summary>
    public BtreePointer(ulong cacheSlot, ulong seq, ushort sectorsWritten, ushort flags, Bpos minKey, ulong sector)
        : this(cacheSlot, seq, sectorsWritten, flags, KeyFields.FromPosition(minKey), sector)
    {
    }

    /// <summary>Value size for keys of <paramref name="schema"/>: 48 bytes, and a word per key field beyond positions.</summary>
    public static int ValueBytesFor(KeySchema schema) => schema.IsPositions ? ValueBytes : ValueBytes + 8 * schema.KeyFieldCount;

    /// <summary>The min_key as a position (position keys only).</summary>
    public Bpos MinPosition => KeyFields.ToPosition(MinKey);

    /// <summary>The pointer key's fields for a child ending at <paramref name="maxKey"/>: the key fields, the others 0.</summary>
    public static ulong[] KeyFor(KeySchema schema, ReadOnlySpan<ulong> maxKey)
    {
        var fields = new ulong[schema.FieldCount];
        maxKey.CopyTo(fields);
        return fields;
    }

    /// <summary>The pointer key for a child ending at <paramref name="maxKey"/>: type btree_ptr_v2, size 0, version 0.</summary>
    public static Bkey KeyFor(Bpos maxKey) => new(maxKey, (byte)BkeyType.BtreePtrV2, ValueBytes / 8);

    /// <summary>Reads a pointer value of a tree of position keys.</summary>
    /// <exception cref="CorruptStoreException">The value is too short, or its first extent entry is not a pointer: the node holding it is damaged (<see cref="StorePart.Node"/>).</exception>
    public static BtreePointer Read(ReadOnlySpan<byte> value) => Read(value, KeySchema.Positions);

    /// <summary>Reads a pointer value of a tree of <paramref name="schema"/> keys.</summary>
    /// <exception cref="CorruptStoreException">The value is too short, or its first extent entry is not a pointer: the node holding it is damaged (<see cref="StorePart.Node"/>).</exception>
    public static BtreePointer Read(ReadOnlySpan<byte> value, KeySchema schema)
    {
        var bytes = ValueBytesFor(schema);
        if (value.Length < bytes)
            throw new CorruptStoreException($"A btree_ptr_v2 value needs {bytes} bytes; this one has {value.Length}.", StorePart.Node, null, $"a btree_ptr_v2 value of {value.Length} bytes, not {bytes}");
        var entry = BinaryPrimitives.ReadUInt64LittleEndian(value[40..]);
        if ((entry & 1) == 0)
            throw new CorruptStoreException($"The first extent entry of a btree_ptr_v2 value ({entry:x16}) is not a pointer (type bit 0 clear).", StorePart.Node, null, "the pointer's first extent entry is not a pointer (type bit 0 clear)");
        ulong[] minKey;
        if (schema.IsPositions)
        {
            minKey = KeyFields.FromPosition(Bpos.Read(value[20..]));
        }
        else
        {
            minKey = new ulong[schema.KeyFieldCount];
            for (var i = 0; i < minKey.Length; i++) minKey[i] = BinaryPrimitives.ReadUInt64LittleEndian(value[(ValueBytes + 8 * i)..]);
        }
        return new BtreePointer(
            BinaryPrimitives.ReadUInt64LittleEndian(value),
            BinaryPrimitives.ReadUInt64LittleEndian(value[8..]),
            BinaryPrimitives.ReadUInt16LittleEndian(value[16..]),
            BinaryPrimitives.ReadUInt16LittleEndian(value[18..]),
            minKey,
            (entry >> 4) & MaxSector);
    }

    /// <summary>Writes the value of a tree of <paramref name="schema"/> keys: the extent pointer on device 0, generation 0; <see cref="ValueBytesFor"/> bytes.</summary>
    public void Write(Span<byte> value, KeySchema schema)
    {
        if (Sector > MaxSector) throw new InvalidOperationException($"Sector {Sector} does not fit the 44-bit offset of an extent pointer.");
        BinaryPrimitives.WriteUInt64LittleEndian(value, CacheSlot);
        BinaryPrimitives.WriteUInt64LittleEndian(value[8..], Seq);
        BinaryPrimitives.WriteUInt16LittleEndian(value[16..], SectorsWritten);
        BinaryPrimitives.WriteUInt16LittleEndian(value[18..], Flags);
        BinaryPrimitives.WriteUInt64LittleEndian(value[40..], (Sector << 4) | 1);
        if (schema.IsPositions)
        {
            MinPosition.Write(value[20..]);
            return;
        }
        value.Slice(20, 20).Clear();
        for (var i = 0; i < MinKey.Length; i++) BinaryPrimitives.WriteUInt64LittleEndian(value[(ValueBytes + 8 * i)..], MinKey[i]);
    }

    /// <summary>The value as bytes, for a tree of <paramref name="schema"/> keys.</summary>
    public byte[] ToBytes(KeySchema schema)
    {
        var bytes = new byte[ValueBytesFor(schema)];
        Write(bytes, schema);
        return bytes;
    }

    /// <summary>The value as bytes, for a tree of position keys.</summary>
    public byte[] ToBytes() => ToBytes(KeySchema.Positions);
}
