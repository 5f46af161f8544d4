using Packtree.Keys;

namespace Packtree.Nodes;

/// <summary>What the parent's pointer says a node must be: its btree, level and key range (§3.11, step 4).</summary>
/// <param name="BtreeId">The btree the node belongs to.</param>
/// <param name="Level">The node's level, 0 for a leaf.</param>
/// <param name="MinKey">The node's first position, as the parent's pointer records it.</param>
/// <param name="MaxKey">The node's last position: the position of the parent's pointer key.</param>
public sealed record NodeExpectation(uint BtreeId, int Level, Bpos MinKey, Bpos MaxKey);
