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
/// A node of keys other than positions sets flag bit 31 and leaves bytes 32..135 zero; a Packtree
/// extension follows at 136 (its key schema, min_key and max_key as words, its format), and the bset
/// header and keys come after it (docs/FORMAT.md).
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

    /// <summary>Size of the first write's header of a node of <paramref name="schema"/> keys: 160, and the extension for other keys than positions.</summary>
    public static int BytesFor(KeySchema schema) => ByteCount + ExtensionBytes(schema);

    /// <summary>Size of the first write's header of this node, first bset header included: where its keys start.</summary>
    public int Bytes => BytesFor(Schema);

    /// <summary>Byte offset of the first bset header.</summary>
    public int FirstBsetOffset => BsetOffset + ExtensionBytes(Schema);

    /// <summary>Bytes of the extension: the schema's description (after its 2-byte length, padded to words), min and max key, format.</summary>
    public static int ExtensionBytes(KeySchema schema) =>
        schema.IsPositions ? 0 : DescriptionBytes(schema.ToBytes().Length) + 16 * schema.KeyFieldCount + BkeyFormat.ImageByteCount(schema.FieldCount);

    private static int DescriptionBytes(int length) => (2 + length + 7) / 8 * 8;

    /// <summary>The range as messages print it.</summary>
    public string RangeText => $"{KeyFields.Text(Schema, MinKey)}..{KeyFields.Text(Schema, MaxKey)}";

    /// <summary>Size of the first write's header, first bset header included (for position keys).</summary>
    public const int ByteCount = 160;

    /// <summary>Flags bit set on nodes with the Packtree extension (keys other than positions).</summary>
    public const ulong ExtendedBit = 1UL << 31;

    /// <summary>Byte offset of the extension, where a position node's bset header is.</summary>
    public const int ExtensionOffset = BsetOffset;

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
        if (Schema.IsPositions)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(node[24..], Flags & ~ExtendedBit);
            MinPosition.Write(node[32..]);
            MaxPosition.Write(node[52..]);
            node.Slice(72, 8).Clear();
            Format.Write(node[FormatOffset..]);
            return;
        }
        BinaryPrimitives.WriteUInt64LittleEndian(node[24..], Flags | ExtendedBit);
        node[32..BsetOffset].Clear();
        var description = Schema.ToBytes();
        var at = ExtensionOffset;
        node.Slice(at, DescriptionBytes(description.Length)).Clear();
        BinaryPrimitives.WriteUInt16LittleEndian(node[at..], (ushort)description.Length);
        description.CopyTo(node[(at + 2)..]);
        at += DescriptionBytes(description.Length);
        foreach (var key in (ReadOnlySpan<ulong[]>)[MinKey, MaxKey])
        {
            foreach (var field in key)
            {
                BinaryPrimitives.WriteUInt64LittleEndian(node[at..], field);
                at += 8;
            }
        }
        Format.Write(node[at..]);
    }

    /// <summary>
    /// Reads the header of a node's first write (<paramref name="node"/> from byte 0); null with the reason and the byte
    /// at fault when its fields do not make a header (the caller reports it as damage).
    /// </summary>
    public static NodeHeader? TryRead(ReadOnlySpan<byte> node, out string? problem, out int where)
    {
        var magic = BinaryPrimitives.ReadUInt64LittleEndian(node[16..]);
        var flags = BinaryPrimitives.ReadUInt64LittleEndian(node[24..]);
        where = FormatOffset;
        if ((flags & ExtendedBit) == 0)
        {
            if (!BkeyFormat.TryRead(node[FormatOffset..], out var format, out var error))
            {
                problem = $"the key format is invalid: {error}";
                return null;
            }
            problem = null;
            return new NodeHeader(magic, flags, Bpos.Read(node[32..]), Bpos.Read(node[52..]), format!);
        }
        where = ExtensionOffset;
        int length = BinaryPrimitives.ReadUInt16LittleEndian(node[ExtensionOffset..]);
        if (node[32..BsetOffset].IndexOfAnyExcept((byte)0) >= 0 || ExtensionOffset + 2 + length > node.Length)
        {
            problem = $"a node of keys other than positions must leave bytes 32..135 zero and describe its key schema in its first {node.Length - ExtensionOffset} bytes after byte {ExtensionOffset} ({length} bytes are claimed)";
            return null;
        }
        var schema = KeySchema.TryRead(node.Slice(ExtensionOffset + 2, length), out var why);
        if (schema is null)
        {
            problem = $"the key schema is invalid: {why}";
            return null;
        }
        if (ByteCount + ExtensionBytes(schema) > node.Length)
        {
            problem = $"the header of a node of {schema} keys takes {ByteCount + ExtensionBytes(schema)} bytes, past the node's {node.Length}";
            return null;
        }
        var at = ExtensionOffset + DescriptionBytes(length);
        var keys = new ulong[2][];
        for (var k = 0; k < 2; k++)
        {
            keys[k] = new ulong[schema.KeyFieldCount];
            for (var i = 0; i < keys[k].Length; i++, at += 8) keys[k][i] = BinaryPrimitives.ReadUInt64LittleEndian(node[at..]);
        }
        where = at;
        if (!BkeyFormat.TryRead(schema, node[at..], out var wide, out var formatError))
        {
            problem = $"the key format is invalid: {formatError}";
            return null;
        }
        problem = null;
        return new NodeHeader(magic, flags & ~ExtendedBit, keys[0], keys[1], wide!);
    }

    /// <summary>As a node dump prints it.</summary>
    public override string ToString() =>
        $"btree {BtreeId} level {Level} seq {NodeSeq} min {KeyFields.Text(Schema, MinKey)} max {KeyFields.Text(Schema, MaxKey)} magic {Magic:x16}\n  format {Format}";
}
