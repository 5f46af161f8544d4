using System.Runtime.CompilerServices;

namespace Packtree.Cli.Commands;

/// <summary>
/// The typed view of a tree of typed keys (a <see cref="Tree{TKey}"/> of <see cref="KeyShape.Of(KeyKind)"/>), made once
/// per tree: the commands hold trees untyped, as the store names them, and typed keys are written through the view.
/// </summary>
public static class TypedTrees
{
    private static readonly ConditionalWeakTable<Tree, Tree<object[]>> Views = [];

    /// <summary>The view of <paramref name="tree"/>, whose keys are typed.</summary>
    /// <exception cref="ArgumentException">The tree's keys are positions.</exception>
    public static Tree<object[]> Of(Tree tree) => Views.GetValue(tree, t => t.Store.GetOrCreateTree(t.Name, KeyShape.Of(t.KeyKind)));
}
