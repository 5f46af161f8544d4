using Packtree.Keys;

namespace Packtree.Nodes;

/// <summary>What the parent's pointer says a node must be: its btree, level and key range (docs/DESIGN.md §3.7, step 4).</summary>
/// <param name="BtreeId">The btree the node belongs to.</param>
/// <param name="Level">The node's level, 0 for a leaf.</param>
/// <param name="MinKey">The node's first key, as the parent's pointer records it.</param>
/// <param name="MaxKey">The node's last key: the key of the parent's pointer.</param>
/// <param name="RangeUpdated">
/// The pointer's <c>BTREE_PTR_RANGE_UPDATED</c> flag: the range was changed by repair, so the pointer's
/// range overrides the header's, and keys outside it are dropped after the read.
/// </param>
internal sealed record NodeExpectation(uint BtreeId, int Level, ulong[] MinKey, ulong[] MaxKey, bool RangeUpdated = false)
{
    /// <summary>The schema of the tree's keys, which the node's must be (positions unless said).</summary>
    public KeySchema Schema { get; init; } = KeySchema.Positions;

    /// <summary>An expectation whose range is given as positions.</summary>
    public NodeExpectation(uint btreeId, int level, Bpos minKey, Bpos maxKey, bool rangeUpdated = false)
        : this(btreeId, level, KeyFields.FromPosition(minKey), KeyFields.FromPosition(maxKey), rangeUpdated)
    {
    }

    /// <summary>The range as messages print it: each key's fields joined by colons (a position as inode:offset:snapshot).</summary>
    public string RangeText => $"{string.Join(':', MinKey)}..{string.Join(':', MaxKey)}";
}
