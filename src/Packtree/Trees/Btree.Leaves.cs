using Packtree.Keys;
using Packtree.Nodes;

namespace Packtree.Trees;

// Walking the leaves in order, for scans: one iterator moves within a leaf, and on to its neighbour.
internal sealed partial class Btree
{
    /// <summary>The leaf holding <paramref name="from"/>, with <paramref name="iterator"/> on its first key at or after it (forward) or last key at or before it.</summary>
    public BtreeNode SeekLeaf(Bpos from, bool forward, BtreeNode.NodeIterator iterator)
    {
        Span<ulong> key = stackalloc ulong[BkeyFields.PositionCount];
        KeyFields.FromPosition(from, key);
        return SeekLeaf(key, forward, iterator);
    }

    /// <summary>The leaf holding <paramref name="from"/>, with <paramref name="iterator"/> on its first key at or after it (forward) or last key at or before it.</summary>
    public BtreeNode SeekLeaf(ReadOnlySpan<ulong> from, bool forward, BtreeNode.NodeIterator iterator)
    {
        var leaf = LeafFor(from);
        if (forward) leaf.SeekAtOrAfter(from, iterator);
        else leaf.SeekAtOrBefore(from, iterator);
        return leaf;
    }

    /// <summary>As <see cref="NextLeaf(BtreeNode, bool, ReadOnlySpan{ulong}, BtreeNode.NodeIterator)"/>, with a position bound.</summary>
    public BtreeNode? NextLeaf(BtreeNode leaf, bool forward, Bpos bound, BtreeNode.NodeIterator iterator)
    {
        Span<ulong> key = stackalloc ulong[BkeyFields.PositionCount];
        KeyFields.FromPosition(bound, key);
        return NextLeaf(leaf, forward, key, iterator);
    }

    /// <summary>Every live key of the tree in order, as its leaf and byte offset there (a lock held while it is walked).</summary>
    public IEnumerable<(BtreeNode Leaf, int At)> LiveKeys()
    {
        var iterator = new BtreeNode.NodeIterator();
        var max = KeyFields.Max(Schema);
        var leaf = SeekLeaf(KeyFields.Min(Schema), forward: true, iterator);
        while (true)
        {
            while (iterator.Peek() is { } at)
            {
                yield return (leaf, at);
                iterator.Advance();
            }
            if (NextLeaf(leaf, forward: true, max, iterator) is not { } next) yield break;
            leaf = next;
        }
    }

    /// <summary>
    /// The leaf after <paramref name="leaf"/> (or before it), <paramref name="iterator"/> on its first (last)
    /// key; null when <paramref name="leaf"/> already reaches <paramref name="bound"/>.
    /// </summary>
    public BtreeNode? NextLeaf(BtreeNode leaf, bool forward, ReadOnlySpan<ulong> bound, BtreeNode.NodeIterator iterator)
    {
        var header = leaf.Header;
        if (forward ? KeyFields.Compare(header.MaxKey, bound) >= 0 : KeyFields.Compare(header.MinKey, bound) <= 0) return null;
        Span<ulong> next = stackalloc ulong[Schema.KeyFieldCount];
        (forward ? header.MaxKey : header.MinKey).CopyTo(next);
        // Below the bound, so not the greatest key (forward); above it, so not the smallest (backward).
        if (forward) KeyFields.TrySuccessor(Schema, next);
        else KeyFields.TryPredecessor(Schema, next);
        return SeekLeaf(next, forward, iterator);
    }
}
