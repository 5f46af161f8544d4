using Packtree.Keys;
using Packtree.Nodes;

namespace Packtree.Trees;

// Foreground merge (docs/DESIGN.md §5.7): after a deletion, a leaf that together with a sibling under the same parent
// holds at most a third of a node is merged with it into one new node.
internal sealed partial class Btree
{
    /// <summary>Room a merge needs in the parent: the merged node's pointer, unpacked at worst, and two whiteouts.</summary>
    private int MergeParentBytes => 3 * UnpackedKeyBytes + BtreePointer.ValueBytesFor(Schema);

    private void MergeIfUnderfull(ReadOnlySpan<ulong> key)
    {
        // A parent without room for the merge is compacted or split first, and the merge is decided
        // again under the parent the leaf has then (a split may have parted it from its sibling).
        for (var attempt = 0; attempt < 4 && TryMerge(key) is { } full; attempt++) MakeRoom(full, MergeParentBytes);
    }

    /// <summary>Merges the leaf holding <paramref name="key"/> with a sibling if both are underfull; returns the parent when it had no room for the merge (nothing is changed then), else null.</summary>
    private BtreeNode? TryMerge(ReadOnlySpan<ulong> key)
    {
        if (_root.Header.Level == 0) return null;
        var leaf = NodeFor(key, 0);
        var threshold = NodeKeyBytes / 3;
        if (leaf.LiveBytes > threshold) return null;
        var parent = NodeFor(key, 1);

        BtreeNode? previous = null, next = null;
        if (!KeyFields.Equal(leaf.Header.MinKey, parent.Header.MinKey))
        {
            var at = parent.FindAtOrAfter(KeyFields.Predecessor(Schema, leaf.Header.MinKey));
            previous = Child(parent, at);
        }
        if (!KeyFields.Equal(leaf.Header.MaxKey, parent.Header.MaxKey))
        {
            var at = parent.FindAtOrAfter(KeyFields.Successor(Schema, leaf.Header.MaxKey));
            next = Child(parent, at);
        }
        var sibling = (previous, next) switch
        {
            (null, null) => null,
            (null, _) => next,
            (_, null) => previous,
            _ => previous.LiveBytes <= next.LiveBytes ? previous : next,
        };
        if (sibling is null || leaf.LiveBytes + sibling.LiveBytes > threshold) return null;

        var (left, right) = ReferenceEquals(sibling, previous) ? (sibling, leaf) : (leaf, sibling);
        var merged = BtreeNode.Merge([left, right]);
        if (merged is null) return null;
        var pointer = _store.Add(merged);
        // The right node's pointer becomes the merged node's (same position) and the left's goes, in one
        // update of the parent with room for both made first. Done as an insert, then a delete, each
        // splitting a full parent on its way (InsertAt, DeleteAt), the parent could split in the middle of
        // the merge with the left node's pointer as pivot: the merged node then hung under the right half,
        // over positions before it, and the left half lost its last child, leaving a gap at its end.
        if (parent.InsertAndDelete(BtreePointer.KeyFor(Schema, right.Header.MaxKey), (byte)BkeyType.BtreePtrV2, pointer.ToBytes(Schema), left.Header.MaxKey, JournalSeq) != InsertResult.Done)
        {
            _store.Free(merged);
            return parent;
        }
        _store.Free(left);
        _store.Free(right);
        TreeMetrics.Merges.Add(1);
        CollapseRoot();
        DebugVerifyPlaced("a merge", merged);
        return null;
    }

    /// <summary>A root with one child hands the root over to it: the tree loses a level (bcachefs keeps it; lookups are faster without).</summary>
    private void CollapseRoot()
    {
        while (_root.Header.Level > 0)
        {
            var first = _root.FindAtOrAfter(_min);
            if (first < 0 || !KeyFields.IsMax(Schema, _root.KeyAt(first))) return; // more than one child
            var child = Child(_root, first);
            _store.Free(_root);
            _root = child;
            RootPointer = _store.Update(child);
        }
    }
}
