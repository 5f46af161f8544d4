namespace Packtree.Nodes;

/// <summary>What became of an insert or delete in a node.</summary>
internal enum InsertResult
{
    /// <summary>Applied.</summary>
    Done,

    /// <summary>The node has no room for the key even after compacting: the tree above must split it.</summary>
    NodeFull,
}
