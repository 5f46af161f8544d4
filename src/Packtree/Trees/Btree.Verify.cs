using System.Diagnostics;
using Packtree.Keys;
using Packtree.Nodes;

namespace Packtree.Trees;

// The topology invariants of docs/DESIGN.md §6.4, checked by walking the whole tree.
internal sealed partial class Btree
{
    /// <summary>
    /// Walks the whole tree and checks every invariant: the root covers [POS_MIN, SPOS_MAX]; each
    /// node's btree, level and range match its parent's pointer (seq included); the pointers of an
    /// interior node tile its range with no gap or overlap and the node is not empty; keys are in
    /// order, inside their node's range, of the types their level allows; the key count matches
    /// <see cref="Count"/> and every node of the store is reachable.
    /// </summary>
    /// <exception cref="InvalidOperationException">An invariant is broken; the message names the node and the rule.</exception>
    /// <exception cref="CorruptStoreException">The leaves hold another number of keys than the count read from the store file (and kept up to date since) says: the file is damaged (<see cref="StorePart.Tree"/>).</exception>
    public TreeShape Verify() => Verify(null);

    /// <summary>As <see cref="Verify()"/>, also counting nodes by the shape of their key format (words, field widths) into <paramref name="formats"/>.</summary>
    public TreeShape Verify(IDictionary<string, int>? formats)
    {
        if (!CoversAll(_root.Header)) throw Broken(_root, "the root does not cover every key");
        var shape = new TreeShape(_root.Header.Level + 1, 0, 0, 0, 0);
        Walk(_root, _root.Header.Level, _min, _max, ref shape, formats);
        if (shape.Keys != Count && CountUnconfirmed)
            throw new CorruptStoreException($"Btree {Id}: the leaves hold {shape.Keys} keys, but the tree counts {Count} from the key count its checkpoint recorded: the count or the tree's nodes are damaged in the store file.",
                StorePart.Tree, null, $"the leaves hold {shape.Keys} keys, the count recorded at the checkpoint (kept since) says {Count}");
        if (shape.Keys != Count) throw new InvalidOperationException($"Btree {Id}: the leaves hold {shape.Keys} keys, the tree counts {Count}.");
        CountUnconfirmed = false;
        if (_store.HoldsAllNodes && shape.Nodes != _store.NodeCount) throw new InvalidOperationException($"Btree {Id}: {shape.Nodes} nodes are reachable, the store holds {_store.NodeCount}.");
        return shape;
    }

    /// <summary>
    /// Debug builds, after a compaction, split or merge made <paramref name="nodes"/>: each is the root
    /// (covering every key) or is found from the root through a pointer at its max_key in its
    /// parent that names its range, its seq and its cache slot, between pointers that end just before it
    /// and start just after it. The nodes themselves were checked as they were made; this checks the
    /// tree's hold on them without walking the whole tree.
    /// </summary>
    [Conditional("DEBUG")]
    private void DebugVerifyPlaced(string change, params BtreeNode[] nodes)
    {
        foreach (var node in nodes)
        {
            var header = node.Header;
            if (ReferenceEquals(node, _root))
            {
                if (!CoversAll(header)) throw Broken(node, $"after {change}, the root does not cover every key");
                continue;
            }
            var parent = NodeFor(header.MaxKey, header.Level + 1);
            if (parent.Header.Level != header.Level + 1) throw Broken(node, $"after {change}, the node at level {header.Level} has a parent at level {parent.Header.Level}");
            var at = parent.FindLive(header.MaxKey);
            if (at < 0) throw Broken(node, $"after {change}, its parent holds no pointer at its max_key");
            var pointer = BtreePointer.Read(parent.ValueAt(at), Schema);
            if (!KeyFields.Equal(pointer.MinKey, header.MinKey) || pointer.Seq != node.Seq)
                throw Broken(node, $"after {change}, its parent's pointer names {KeyFields.Text(Schema, pointer.MinKey)}..{KeyFields.Text(Schema, header.MaxKey)}, seq {pointer.Seq:x16}; the node has seq {node.Seq:x16}");
            if (!ReferenceEquals(_store.TryGetCached(pointer.CacheSlot, pointer.Seq), node)) throw Broken(node, $"after {change}, its parent's pointer names cache slot {pointer.CacheSlot}, which holds another node");
            if (!KeyFields.Equal(header.MinKey, parent.Header.MinKey))
            {
                var previous = KeyFields.Predecessor(Schema, header.MinKey);
                var before = parent.SeekAtOrBefore(previous, new BtreeNode.NodeIterator());
                if (before.CurrentOffset < 0 || !KeyFields.Equal(parent.KeyAt(before.CurrentOffset), previous))
                    throw Broken(node, $"after {change}, no pointer of its parent ends just before it");
            }
            if (!KeyFields.Equal(header.MaxKey, parent.Header.MaxKey))
            {
                var following = KeyFields.Successor(Schema, header.MaxKey);
                var next = parent.FindAtOrAfter(following);
                if (next < 0 || !KeyFields.Equal(BtreePointer.Read(parent.ValueAt(next), Schema).MinKey, following))
                    throw Broken(node, $"after {change}, no pointer of its parent starts just after it");
            }
        }
    }

    private bool CoversAll(NodeHeader header) => KeyFields.Equal(header.MinKey, _min) && KeyFields.Equal(header.MaxKey, _max);

    private void Walk(BtreeNode node, int level, ulong[] min, ulong[] max, ref TreeShape shape, IDictionary<string, int>? formats)
    {
        var header = node.Header;
        if (header.BtreeId != Id) throw Broken(node, $"the node belongs to btree {header.BtreeId}");
        if (header.Level != level) throw Broken(node, $"the parent implies level {level}");
        if (!KeyFields.Equal(header.MinKey, min) || !KeyFields.Equal(header.MaxKey, max))
            throw Broken(node, $"the parent's pointer says {KeyFields.Text(Schema, min)}..{KeyFields.Text(Schema, max)}");
        shape = shape with { Nodes = shape.Nodes + 1, LiveBytes = shape.LiveBytes + node.LiveBytes };
        if (formats is not null)
        {
            var f = node.Format;
            var format = $"{f.KeyU64s} word{(f.KeyU64s == 1 ? "" : "s")}, widths {string.Join('/', f.Fields.ToArray().Select(field => field.Width))}";
            formats[format] = formats.TryGetValue(format, out var seen) ? seen + 1 : 1;
        }
        if (level == 0) shape = shape with { Leaves = shape.Leaves + 1 };

        var childMin = min;
        ulong[]? previous = null;
        var count = 0;
        var iterator = node.SeekAtOrAfter(_min);
        for (; iterator.Peek() is { } at; iterator.Advance())
        {
            var key = node.KeyAt(at);
            var text = KeyFields.Text(Schema, key);
            if (KeyFields.Compare(key, min) < 0 || KeyFields.Compare(key, max) > 0) throw Broken(node, $"key at {text} lies outside the node");
            if (previous is not null && KeyFields.Compare(key, previous) <= 0) throw Broken(node, $"key at {text} does not follow {KeyFields.Text(Schema, previous)}");
            previous = key;
            count++;
            var type = node.TypeAt(at);
            if (level == 0)
            {
                if (TreeValues.LeafKeyProblem(type, node.ValueAt(at), MaxValueBytes) is { } problem) throw Broken(node, $"leaf key at {text}: {problem}");
                continue;
            }
            if (type != (byte)BkeyType.BtreePtrV2) throw Broken(node, $"interior key at {text} has type {BkeyTypes.Name(type)}");
            var pointer = BtreePointer.Read(node.ValueAt(at), Schema);
            if (!KeyFields.Equal(pointer.MinKey, childMin))
                throw Broken(node, $"the pointer at {text} starts at {KeyFields.Text(Schema, pointer.MinKey)}, the previous child ends just before {KeyFields.Text(Schema, childMin)}");
            if (KeyFields.Compare(pointer.MinKey, key) > 0) throw Broken(node, $"the pointer at {text} has min_key {KeyFields.Text(Schema, pointer.MinKey)} above it");
            _store.BeginOperation(); // nodes walked earlier may be dropped: a walk of a large tree stays within the cache budget
            var child = _store.TryGetCached(pointer.CacheSlot, pointer.Seq)
                ?? _store.Load(pointer, new NodeExpectation(Id, level - 1, pointer.MinKey, key, (pointer.Flags & 1) != 0) { Schema = Schema });
            Walk(child, level - 1, pointer.MinKey, key, ref shape, formats);
            if (!KeyFields.IsMax(Schema, key)) childMin = KeyFields.Successor(Schema, key);
        }
        if (level == 0) shape = shape with { Keys = shape.Keys + count };
        else if (count == 0) throw Broken(node, "an interior node is empty");
        else if (!KeyFields.Equal(previous!, max)) throw Broken(node, $"the last child ends at {KeyFields.Text(Schema, previous!)}, not at the node's end");
    }
}
