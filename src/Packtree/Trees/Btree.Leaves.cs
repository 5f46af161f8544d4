using Packtree.Keys;
using Packtree.Nodes;

namespace Packtree.Trees;

// Walking the leaves in order, for scans: one iterator moves within a leaf, and on to its neighbour.
internal sealed partial class Btree
{
    /// <summary>The leaf holding <paramref name="from"/>, with <paramref name="iterator"/> on its first key at or after it (forward) or last key at or before it.</summary>
    public BtreeNode SeekLeaf(Bpos from, bool forward, BtreeNode.NodeIterator iterator)
    {
        var leaf = LeafFor(from);
        if (forward) leaf.SeekAtOrAfter(from, iterator);
        else leaf.SeekAtOrBefore(from, iterator);
        return leaf;
    }

    /// <summary>
    /// The leaf after <paramref name="leaf"/> (or before it), <paramref name="iterator"/> on its first (last)
    /// key; null when <paramref name="leaf"/> already reaches <paramref name="bound"/>.
    /// </summary>
    public BtreeNode? NextLeaf(BtreeNode leaf, bool forward, Bpos bound, BtreeNode.NodeIterator iterator)
    {
        if (forward ? leaf.Header.MaxPosition >= bound : leaf.Header.MinPosition <= bound) return null;
        return SeekLeaf(forward ? leaf.Header.MaxPosition.Successor() : leaf.Header.MinPosition.Predecessor(), forward, iterator);
    }
}
