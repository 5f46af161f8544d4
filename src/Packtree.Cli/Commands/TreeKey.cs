using Packtree.Keys;

namespace Packtree.Cli.Commands;

/// <summary>A key given on the command line, read in its tree's kind: a position, or a byte string when <see cref="Bytes"/> is set.</summary>
/// <param name="Position">The position, in a tree of positions.</param>
/// <param name="Bytes">The key's bytes, in a tree of byte keys; null otherwise.</param>
public readonly record struct TreeKey(Bpos Position, byte[]? Bytes)
{
    /// <summary>The value at the key in <paramref name="tree"/>, or null.</summary>
    public byte[]? Get(Tree tree) => Bytes is { } key ? tree.Get(key) : tree.Get(Position);

    /// <summary>Stores <paramref name="value"/> at the key in <paramref name="tree"/> (one commit).</summary>
    public void Put(Tree tree, ReadOnlySpan<byte> value)
    {
        if (Bytes is { } key) tree.Put(key, value);
        else tree.Put(Position, value);
    }

    /// <summary>Adds a put of <paramref name="value"/> at the key in <paramref name="tree"/> to <paramref name="batch"/>.</summary>
    public void Put(WriteBatch batch, Tree tree, ReadOnlySpan<byte> value)
    {
        if (Bytes is { } key) batch.Put(tree, key, value);
        else batch.Put(tree, Position, value);
    }
}
