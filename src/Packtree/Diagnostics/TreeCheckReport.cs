namespace Packtree.Diagnostics;

/// <summary>One tree as checked: every node read and every invariant of the tree's structure checked, and the tree's shape.</summary>
public sealed class TreeCheckReport
{
    internal TreeCheckReport(string name, uint id, int levels, int nodes, int leaves, long keys, long liveBytes, string? problem)
    {
        Name = name;
        Id = id;
        Levels = levels;
        Nodes = nodes;
        Leaves = leaves;
        Keys = keys;
        LiveBytes = liveBytes;
        Problem = problem;
    }

    /// <summary>The tree's name.</summary>
    public string Name { get; }

    /// <summary>The tree's btree id (<see cref="Tree.Id"/>).</summary>
    public uint Id { get; }

    /// <summary>Levels, 1 for a tree that is a single leaf (0 when the check failed).</summary>
    public int Levels { get; }

    /// <summary>Nodes in all levels.</summary>
    public int Nodes { get; }

    /// <summary>Leaf nodes.</summary>
    public int Leaves { get; }

    /// <summary>Live keys in the leaves.</summary>
    public long Keys { get; }

    /// <summary>Bytes of live keys and values in all nodes, as packed.</summary>
    public long LiveBytes { get; }

    /// <summary>What is wrong with the tree, with its location; null when it checked clean (the figures are then its shape).</summary>
    public string? Problem { get; }

    /// <summary>Whether the tree checked clean.</summary>
    public bool IsClean => Problem is null;
}
