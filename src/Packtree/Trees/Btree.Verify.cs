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
        if (_root.Header.MinPosition != Bpos.Min || _root.Header.MaxPosition != Bpos.Max) throw Broken(_root, "the root does not cover POS_MIN..SPOS_MAX");
        var shape = new TreeShape(_root.Header.Level + 1, 0, 0, 0, 0);
        Walk(_root, _root.Header.Level, Bpos.Min, Bpos.Max, ref shape, formats);
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
    /// (covering POS_MIN..SPOS_MAX) or is found from the root through a pointer at its max_key in its
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
                if (header.MinPosition != Bpos.Min || header.MaxPosition != Bpos.Max) throw Broken(node, $"after {change}, the root does not cover POS_MIN..SPOS_MAX");
                continue;
            }
            var parent = NodeFor(header.MaxPosition, header.Level + 1);
            if (parent.Header.Level != header.Level + 1) throw Broken(node, $"after {change}, the node at level {header.Level} has a parent at level {parent.Header.Level}");
            var at = parent.FindLive(header.MaxPosition);
            if (at < 0) throw Broken(node, $"after {change}, its parent holds no pointer at its max_key");
            var pointer = BtreePointer.Read(parent.ValueAt(at));
            if (pointer.MinKey != header.MinPosition || pointer.Seq != node.Seq)
                throw Broken(node, $"after {change}, its parent's pointer names {pointer.MinKey}..{header.MaxPosition}, seq {pointer.Seq:x16}; the node has seq {node.Seq:x16}");
            if (!ReferenceEquals(_store.TryGetCached(pointer.CacheSlot, pointer.Seq), node)) throw Broken(node, $"after {change}, its parent's pointer names cache slot {pointer.CacheSlot}, which holds another node");
            if (header.MinPosition != parent.Header.MinPosition)
            {
                var before = parent.SeekAtOrBefore(header.MinPosition.Predecessor());
                if (before.CurrentOffset < 0 || parent.PositionAt(before.CurrentOffset) != header.MinPosition.Predecessor())
                    throw Broken(node, $"after {change}, no pointer of its parent ends just before it");
            }
            if (header.MaxPosition != parent.Header.MaxPosition)
            {
                var next = parent.FindAtOrAfter(header.MaxPosition.Successor());
                if (next < 0 || BtreePointer.Read(parent.ValueAt(next)).MinKey != header.MaxPosition.Successor())
                    throw Broken(node, $"after {change}, no pointer of its parent starts just after it");
            }
        }
    }

    private void Walk(BtreeNode node, int level, Bpos min, Bpos max, ref TreeShape shape, IDictionary<string, int>? formats)
    {
        var header = node.Header;
        if (header.BtreeId != Id) throw Broken(node, $"the node belongs to btree {header.BtreeId}");
        if (header.Level != level) throw Broken(node, $"the parent implies level {level}");
        if (header.MinPosition != min || header.MaxPosition != max) throw Broken(node, $"the parent's pointer says {min}..{max}");
        shape = shape with { Nodes = shape.Nodes + 1, LiveBytes = shape.LiveBytes + node.LiveBytes };
        if (formats is not null)
        {
            var f = node.Format;
            var format = $"{f.KeyU64s} word{(f.KeyU64s == 1 ? "" : "s")}, widths {string.Join('/', Enumerable.Range(0, BkeyFields.Count).Select(i => f.Width((BkeyField)i)))}";
            formats[format] = formats.TryGetValue(format, out var seen) ? seen + 1 : 1;
        }
        if (level == 0) shape = shape with { Leaves = shape.Leaves + 1 };

        var childMin = min;
        Bpos? previous = null;
        var count = 0;
        foreach (var (key, value) in node.LiveKeys())
        {
            var position = key.Position;
            if (position < min || position > max) throw Broken(node, $"key at {position} lies outside the node");
            if (previous is { } p && position <= p) throw Broken(node, $"key at {position} does not follow {p}");
            previous = position;
            count++;
            if (level == 0)
            {
                if (TreeValues.LeafKeyProblem(key.Type, value.Length, MaxValueBytes) is { } problem) throw Broken(node, $"leaf key at {position}: {problem}");
                continue;
            }
            if (key.Type != (byte)BkeyType.BtreePtrV2) throw Broken(node, $"interior key at {position} has type {BkeyTypes.Name(key.Type)}");
            var pointer = BtreePointer.Read(value.Span);
            if (pointer.MinKey != childMin) throw Broken(node, $"the pointer at {position} starts at {pointer.MinKey}, the previous child ends just before {childMin}");
            if (pointer.MinKey > position) throw Broken(node, $"the pointer at {position} has min_key {pointer.MinKey} above it");
            _store.BeginOperation(); // nodes walked earlier may be dropped: a walk of a large tree stays within the cache budget
            var child = _store.TryGetCached(pointer.CacheSlot, pointer.Seq)
                ?? _store.Load(pointer, new NodeExpectation(Id, level - 1, pointer.MinKey, position, (pointer.Flags & 1) != 0));
            Walk(child, level - 1, pointer.MinKey, position, ref shape, formats);
            if (position != Bpos.Max) childMin = position.Successor();
        }
        if (level == 0) shape = shape with { Keys = shape.Keys + count };
        else if (count == 0) throw Broken(node, "an interior node is empty");
        else if (previous != max) throw Broken(node, $"the last child ends at {previous}, not at the node's end");
    }
}
