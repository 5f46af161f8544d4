using Packtree.Keys;
using Packtree.Nodes;

namespace Packtree.Trees;

// Foreground merge (docs/DESIGN.md §5.7): after a deletion, a leaf that together with a sibling under the same parent
// holds at most a third of a node is merged with it into one new node.
internal sealed partial class Btree
{
    private void MergeIfUnderfull(Bpos position)
    {
        if (_root.Header.Level == 0) return;
        var leaf = NodeFor(position, 0);
        var threshold = NodeKeyBytes / 3;
        if (leaf.LiveBytes > threshold) return;
        var parent = NodeFor(position, 1);

        BtreeNode? previous = null, next = null;
        if (leaf.Header.MinKey != parent.Header.MinKey)
        {
            var at = parent.FindAtOrAfter(leaf.Header.MinKey.Predecessor());
            previous = Child(parent, at);
        }
        if (leaf.Header.MaxKey != parent.Header.MaxKey)
        {
            var at = parent.FindAtOrAfter(leaf.Header.MaxKey.Successor());
            next = Child(parent, at);
        }
        var sibling = (previous, next) switch
        {
            (null, null) => null,
            (null, _) => next,
            (_, null) => previous,
            _ => previous.LiveBytes <= next.LiveBytes ? previous : next,
        };
        if (sibling is null || leaf.LiveBytes + sibling.LiveBytes > threshold) return;

        var (left, right) = ReferenceEquals(sibling, previous) ? (sibling, leaf) : (leaf, sibling);
        var merged = BtreeNode.Merge([left, right]);
        if (merged is null) return;
        var pointer = _store.Add(merged);
        // The right node's pointer becomes the merged node's (same position), then the left's goes:
        // at each step every position still finds a node holding it.
        InsertAt(1, BtreePointer.KeyFor(right.Header.MaxKey), pointer.ToBytes());
        DeleteAt(1, left.Header.MaxKey);
        _store.Free(left);
        _store.Free(right);
        TreeMetrics.Merges.Add(1);
        CollapseRoot();
        DebugVerifyPlaced("a merge", merged);
    }

    /// <summary>A root with one child hands the root over to it: the tree loses a level (bcachefs keeps it; lookups are faster without).</summary>
    private void CollapseRoot()
    {
        while (_root.Header.Level > 0)
        {
            var first = _root.FindAtOrAfter(Bpos.Min);
            if (first < 0 || _root.PositionAt(first) != Bpos.Max) return; // more than one child
            var child = Child(_root, first);
            _store.Free(_root);
            _root = child;
            RootPointer = _store.Update(child);
        }
    }
}
