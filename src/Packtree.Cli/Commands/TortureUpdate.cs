namespace Packtree.Cli.Commands;

/// <summary>One update of a crash-test commit: a put of <see cref="Value"/> at <see cref="Key"/> in the tree numbered <see cref="Tree"/>, or a delete when the value is null.</summary>
/// <param name="Tree">The tree's index, in the order the trees were created (the starting trees first).</param>
/// <param name="Key">The key, of the tree's kind.</param>
/// <param name="Value">The value, or null for a delete.</param>
public readonly record struct TortureUpdate(int Tree, TreeKey Key, byte[]? Value);
