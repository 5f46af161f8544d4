using Packtree.Keys;
using Packtree.Nodes;

namespace Packtree.Bcachefs;

/// <summary>
/// bcachefs's read-time key rules (btree-facts §1.6, §6.2, §6.4) as the node codec asks them: which key types
/// each level holds, extent sizes, snapshot fields per btree, pointer values, and how an interior node's
/// pointers tile its range. Leaf values are not looked into beyond being whole words.
/// </summary>
internal sealed class BcachefsKeyRules : NodeKeyRules
{
    /// <summary>The one instance: the rules depend only on the node header and the key.</summary>
    public static BcachefsKeyRules Instance { get; } = new();

    private const byte Deleted = 0, Whiteout = 1, ExtentWhiteout = 36, KeyTypeCount = 37;

    /// <summary>Extent btrees: the key's position is its end and its size counts sectors (extents, reflink, freespace).</summary>
    public static bool IsExtents(uint btree) => btree is 0 or 7 or 11;

    /// <summary>Btrees whose leaf keys must carry a snapshot id (extents, inodes, dirents, xattrs).</summary>
    private static bool NeedsSnapshot(uint btree) => btree <= 3;

    /// <summary>Btrees that use the snapshot field without requiring it.</summary>
    private static bool HasSnapshotField(uint btree) => btree is 16 or 18 or 20 or 21 or 22;

    /// <summary>Extent sizes are checked, so the codec hands over whole keys.</summary>
    public override bool WantsWholeKey => true;

    /// <inheritdoc/>
    public override string? KeyProblem(NodeHeader header, ReadOnlySpan<ulong> key, byte type, ReadOnlySpan<byte> value) =>
        KeyProblem(header, new Bkey(KeyFields.ToPosition(key), type, value.Length / 8), value);

    /// <inheritdoc/>
    public override string? KeyProblem(NodeHeader header, in Bkey key, ReadOnlySpan<byte> value)
    {
        var type = key.Type;
        if (type == Deleted) return null;
        var position = key.Position;
        if (header.Level > 0)
        {
            if (type is not (BtreePointer.TypeV1 or BtreePointer.TypeV2)) return $"an interior node holds a {BcachefsNames.KeyType(type)} key; only btree pointers belong there";
            if (key.Size != 0) return $"a btree pointer of size {key.Size}; pointers have size 0";
            return BtreePointer.TryParse(position, type, value, out var problem) is null ? problem : null;
        }
        if (type is BtreePointer.TypeV1 or BtreePointer.TypeV2) return $"a leaf holds a {BcachefsNames.KeyType(type)} key; pointers belong to interior nodes";
        if (type >= KeyTypeCount) return $"key type {type} is unknown (1.36 has {KeyTypeCount})";
        var btree = header.BtreeId;
        if (IsExtents(btree))
        {
            if (type is not (Whiteout or ExtentWhiteout))
            {
                if (key.Size == 0) return "an extent of size 0";
                if (key.Size > position.Offset) return $"an extent of size {key.Size} ends at offset {position.Offset}, before it starts";
            }
        }
        else if (key.Size != 0) return $"size {key.Size} in a btree whose keys have size 0";
        if (NeedsSnapshot(btree) && position.Snapshot == 0) return "snapshot 0 in a btree whose keys need a snapshot id";
        if (!NeedsSnapshot(btree) && !HasSnapshotField(btree) && position.Snapshot != 0) return $"snapshot {position.Snapshot} in a btree without snapshots";
        if (position.Inode == ulong.MaxValue && position.Offset == ulong.MaxValue) return "a leaf key at POS_MAX";
        return null;
    }

    /// <inheritdoc/>
    public override string? MergedProblem(NodeHeader header, IReadOnlyList<NodeKey> keys, out int index)
    {
        index = 0;
        if (header.Level == 0) return null;
        if (keys.Count == 0) return "an interior node holds no pointer";
        var expected = header.MinPosition;
        for (var i = 0; i < keys.Count; i++)
        {
            index = i;
            var key = keys[i];
            if (key.Type != BtreePointer.TypeV2) return null; // legacy pointers carry no min_key: bcachefs skips the topology check
            var min = Bpos.Read(key.Value.Span[20..]);
            if (min != expected)
                return min > expected
                    ? $"a gap in the pointers: the child ending at {key.Position} starts at {min}, the previous ends before {expected}"
                    : $"overlapping pointers: the child ending at {key.Position} starts at {min}, the previous covers up to {expected}";
            if (i + 1 < keys.Count)
            {
                if (key.Position == Bpos.Max) return $"a pointer at {key.Position} is followed by another";
                expected = key.Position.Successor();
            }
        }
        index = keys.Count - 1;
        return keys[^1].Position != header.MaxPosition ? $"the last pointer ends at {keys[^1].Position}, the node at {header.MaxPosition}" : null;
    }
}
