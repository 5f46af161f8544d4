using System.Buffers.Binary;
using Packtree.Keys;
using Packtree.Nodes;

namespace Packtree.Trees;

/// <summary>
/// What a store's trees require of the keys of a node read from the store file, as bcachefs validates
/// keys per level when it reads a node (docs/DESIGN.md §3.7), with Packtree's value encoding. A leaf holds values
/// (types 64 to 71, padding within the value, none above the tree's largest) and deleted keys. An
/// interior node holds <c>btree_ptr_v2</c> pointers (a 48-byte value whose min_key is not above the key,
/// at most a node's sectors written, and an extent pointer to the start of a node bucket within the
/// file) and deleted keys, and its pointers tile its range with no gap or overlap. A node that breaks
/// them is corrupt, whatever its checksum says.
/// </summary>
internal sealed class TreeKeyRules : NodeKeyRules
{
    private readonly NodeGeometry _geometry;
    private readonly long _nodeAreaOffset;
    private readonly Func<long> _fileBytes;
    private readonly int _maxValueBytes;

    /// <summary>Rules for nodes of <paramref name="geometry"/> whose buckets start at <paramref name="nodeAreaOffset"/> of a file of <paramref name="fileBytes"/> bytes (asked when a pointer is checked).</summary>
    public TreeKeyRules(NodeGeometry geometry, long nodeAreaOffset, Func<long> fileBytes)
    {
        _geometry = geometry;
        _nodeAreaOffset = nodeAreaOffset;
        _fileBytes = fileBytes;
        _maxValueBytes = TreeValues.MaxBytesFor(geometry.NodeBytes);
    }

    /// <inheritdoc />
    public override string? KeyProblem(NodeHeader header, ReadOnlySpan<ulong> key, byte type, ReadOnlySpan<byte> value)
    {
        if (type == (byte)BkeyType.Deleted) return null;
        var schema = header.Schema;
        if (header.Level == 0 && header.BtreeId == LargeValues.TreeId)
            return type == TreeValues.TypeBase ? ValueExtent.TryRead(value, out var extentProblem) is null ? extentProblem : null : $"a values-tree key of type {BkeyTypes.Name(type)}; it holds value extents (type {TreeValues.TypeBase})";
        if (header.Level == 0) return TreeValues.LeafKeyProblem(type, value, schema.IsPositions ? _maxValueBytes : TreeValues.MaxBytesFor(_geometry.NodeBytes, schema));
        if (type != (byte)BkeyType.BtreePtrV2)
            return $"an interior key of type {BkeyTypes.Name(type)}; interior nodes hold btree_ptr_v2 pointers and deleted keys";
        if (value.Length != BtreePointer.ValueBytesFor(schema)) return $"a btree_ptr_v2 value of {value.Length} bytes, not {BtreePointer.ValueBytesFor(schema)}";
        if ((BinaryPrimitives.ReadUInt64LittleEndian(value[40..]) & 1) == 0) return "the pointer's first extent entry is not a pointer (type bit 0 clear)";
        var pointer = BtreePointer.Read(value, schema);
        if (KeyFields.Compare(pointer.MinKey, key) > 0) return $"the pointer's min_key {KeyFields.Text(schema, pointer.MinKey)} is above it";
        if (pointer.SectorsWritten > _geometry.NodeSectors) return $"the pointer says {pointer.SectorsWritten} sectors of the child are written; a node has {_geometry.NodeSectors}";
        var offset = (long)pointer.Sector * NodeGeometry.SectorBytes;
        if (offset < _nodeAreaOffset || (offset - _nodeAreaOffset) % _geometry.NodeBytes != 0 || offset >= _fileBytes())
            return $"the pointer's child at sector {pointer.Sector} (byte {offset}) is not the start of a node bucket of the store file (from byte {_nodeAreaOffset}, {_geometry.NodeBytes} bytes each, {_fileBytes()} bytes in all)";
        return null;
    }

    /// <inheritdoc />
    public override string? MergedProblem(NodeHeader header, IReadOnlyList<NodeKey> keys, out int index)
    {
        index = 0;
        if (header.Level == 0) return null;
        if (keys.Count == 0) return "an interior node holds no pointers";
        var schema = header.Schema;
        string Text(ReadOnlyMemory<ulong> key) => KeyFields.Text(schema, key.Span);
        var next = header.MinKey;
        for (index = 0; index < keys.Count; index++)
        {
            var minKey = BtreePointer.Read(keys[index].Value.Span, schema).MinKey;
            if (!KeyFields.Equal(minKey, next))
            {
                return index == 0
                    ? $"the first child starts at {Text(minKey)}, the node at {Text(header.MinKey)}"
                    : $"the child ending at {Text(keys[index].Key)} starts at {Text(minKey)}, not just after the previous child's end at {Text(keys[index - 1].Key)}";
            }
            if (index < keys.Count - 1) next = KeyFields.Successor(schema, keys[index].Key.Span); // below a later key, so not the greatest
        }
        index = keys.Count - 1;
        return !KeyFields.Equal(keys[index].Key.Span, header.MaxKey) ? $"the last child ends at {Text(keys[index].Key)}, the node at {Text(header.MaxKey)}" : null;
    }
}
