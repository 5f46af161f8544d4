using Packtree.Keys;

namespace Packtree.Cli.Commands;

/// <summary>
/// A key of any kind, as the commands and the crash trials' model hold it: a position, a byte string when
/// <see cref="Bytes"/> is set, or a typed key when <see cref="Typed"/> is. Keys of one kind order as their tree orders
/// them (byte keys as unsigned bytes, a prefix before its extensions) and are equal when their contents are.
/// </summary>
/// <param name="Position">The position, in a tree of positions.</param>
/// <param name="Bytes">The key's bytes, in a tree of byte keys; null otherwise.</param>
/// <param name="Typed">The key's components, in a tree of typed keys; null otherwise.</param>
public readonly record struct TreeKey(Bpos Position, byte[]? Bytes, TypedKey? Typed = null) : IComparable<TreeKey>
{
    /// <summary>The key of a scan's entry, in a tree of byte keys when <paramref name="bytes"/>.</summary>
    public static TreeKey Of(in KeyValue entry, bool bytes) => bytes ? new TreeKey(default, entry.KeyBytes.ToArray()) : new TreeKey(entry.Key, null);

    /// <summary>The value at the key in <paramref name="tree"/>, or null.</summary>
    public byte[]? Get(Tree tree) => Typed is { } typed ? TypedTrees.Of(tree).Get(typed.Values) : Bytes is { } key ? tree.Get(key) : tree.Get(Position);

    /// <summary>Stores <paramref name="value"/> at the key in <paramref name="tree"/> (one commit).</summary>
    public void Put(Tree tree, ReadOnlySpan<byte> value)
    {
        if (Typed is { } typed) TypedTrees.Of(tree).Put(typed.Values, value);
        else if (Bytes is { } key) tree.Put(key, value);
        else tree.Put(Position, value);
    }

    /// <summary>Adds a put of <paramref name="value"/> at the key in <paramref name="tree"/> to <paramref name="batch"/>.</summary>
    public void Put(WriteBatch batch, Tree tree, ReadOnlySpan<byte> value)
    {
        if (Typed is { } typed) batch.Put(TypedTrees.Of(tree), typed.Values, value);
        else if (Bytes is { } key) batch.Put(tree, key, value);
        else batch.Put(tree, Position, value);
    }

    /// <summary>Adds a delete of the key in <paramref name="tree"/> to <paramref name="batch"/>.</summary>
    public void Delete(WriteBatch batch, Tree tree)
    {
        if (Typed is { } typed) batch.Delete(TypedTrees.Of(tree), typed.Values);
        else if (Bytes is { } key) batch.Delete(tree, key);
        else batch.Delete(tree, Position);
    }

    /// <summary>Orders byte keys as unsigned bytes (a prefix first), positions as positions, typed keys component by component; a position before any byte key, a byte key before any typed key.</summary>
    public int CompareTo(TreeKey other) => (Typed, other.Typed) switch
    {
        (null, null) => CompareUntyped(other),
        (null, _) => -1,
        (_, null) => 1,
        var (mine, theirs) => mine.CompareTo(theirs),
    };

    private int CompareUntyped(TreeKey other) => (Bytes, other.Bytes) switch
    {
        (null, null) => Position.CompareTo(other.Position),
        (null, _) => -1,
        (_, null) => 1,
        var (mine, theirs) => mine.AsSpan().SequenceCompareTo(theirs),
    };

    /// <summary>Whether both are the same position, or byte keys of the same bytes.</summary>
    public bool Equals(TreeKey other) => CompareTo(other) == 0;

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        if (Typed is not null) return Typed.GetHashCode();
        if (Bytes is null) return Position.GetHashCode();
        var hash = new HashCode();
        hash.AddBytes(Bytes);
        return hash.ToHashCode();
    }

    /// <summary>The position as <c>inode:offset:snapshot</c>, the byte key as text or 0x and hex (<see cref="KeyText.Print"/>), the typed key's components separated by commas (<see cref="TypedKeyText"/>).</summary>
    public override string ToString() => Typed?.ToString() ?? (Bytes is { } key ? KeyText.Print(key, hex: false) : Position.ToString());
}
