namespace Packtree.Trees;

/// <summary>What a verified tree looks like.</summary>
/// <param name="Levels">Levels, 1 for a tree that is a single leaf.</param>
/// <param name="Nodes">Nodes in all levels.</param>
/// <param name="Leaves">Leaf nodes.</param>
/// <param name="Keys">Live keys in the leaves.</param>
/// <param name="LiveBytes">Bytes of live keys and values in all nodes, as packed.</param>
internal readonly record struct TreeShape(int Levels, int Nodes, int Leaves, long Keys, long LiveBytes);
