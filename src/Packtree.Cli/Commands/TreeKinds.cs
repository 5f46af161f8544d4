namespace Packtree.Cli.Commands;

/// <summary>Which kind of keys a writing command reads: an existing tree's own; for a tree it creates, the one asked with --keys, else positions.</summary>
public static class TreeKinds
{
    /// <summary>The kind of keys of the tree <paramref name="name"/> (in <paramref name="store"/>, when there is one yet).</summary>
    /// <exception cref="ArgumentException">The tree exists with another kind than <paramref name="asked"/>.</exception>
    public static KeyKind For(Store? store, string name, KeyKind? asked)
    {
        if (store is null || !store.TryGetTree(name, out var tree)) return asked ?? KeyKind.Positions;
        if (asked is not null && !asked.Equals(tree!.KeyKind))
            throw new ArgumentException($"Tree '{name}' holds {tree.KeyKind} keys, not {asked}: a tree keeps the kind of keys it was created with.");
        return tree!.KeyKind;
    }
}
