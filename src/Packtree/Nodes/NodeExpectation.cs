using Packtree.Keys;

namespace Packtree.Nodes;

/// <summary>What the parent's pointer says a node must be: its btree, level and key range (docs/DESIGN.md §3.7, step 4).</summary>
/// <param name="BtreeId">The btree the node belongs to.</param>
/// <param name="Level">The node's level, 0 for a leaf.</param>
/// <param name="MinKey">The node's first position, as the parent's pointer records it.</param>
/// <param name="MaxKey">The node's last position: the position of the parent's pointer key.</param>
/// <param name="RangeUpdated">
/// The pointer's <c>BTREE_PTR_RANGE_UPDATED</c> flag: the range was changed by repair, so the pointer's
/// range overrides the header's, and keys outside it are dropped after the read.
/// </param>
internal sealed record NodeExpectation(uint BtreeId, int Level, Bpos MinKey, Bpos MaxKey, bool RangeUpdated = false);
