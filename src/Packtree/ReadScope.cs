using Packtree.Keys;
using Packtree.Trees;

namespace Packtree;

/// <summary>
/// A read lock on a store, held until disposed: values read through it are spans into the nodes,
/// valid until the scope ends. Obtained from <see cref="Store.BeginRead"/>; use it in a <c>using</c>.
/// </summary>
public ref struct ReadScope
{
    private Store? _store;

    internal ReadScope(Store store) => _store = store;

    /// <summary>The value at <paramref name="key"/> in <paramref name="tree"/>, in place (no copy, no allocation; a value kept out of line is read into a new array).</summary>
    /// <exception cref="ObjectDisposedException">The scope was disposed.</exception>
    /// <exception cref="ArgumentException">The tree belongs to another store.</exception>
    public readonly bool TryGet(Tree tree, Bpos key, out ReadOnlySpan<byte> value)
    {
        CheckTree(tree);
        Span<ulong> fields = stackalloc ulong[Keys.BkeyFields.PositionCount];
        tree.PositionKey(key, fields);
        return TryGet(tree, fields, out value);
    }

    /// <summary>The value at the byte key <paramref name="key"/> in <paramref name="tree"/>, in place (no copy, no allocation; a value kept out of line is read into a new array).</summary>
    /// <exception cref="ObjectDisposedException">The scope was disposed.</exception>
    /// <exception cref="ArgumentException">The tree belongs to another store, or its keys are not byte strings.</exception>
    /// <exception cref="KeyTooLongException">The key is longer than the tree's keys.</exception>
    public readonly bool TryGet(Tree tree, ReadOnlySpan<byte> key, out ReadOnlySpan<byte> value)
    {
        CheckTree(tree);
        Span<ulong> fields = stackalloc ulong[tree.KeyFieldCount];
        tree.BytesKey(key, fields);
        return TryGet(tree, fields, out value);
    }

    private readonly void CheckTree(Tree tree)
    {
        ArgumentNullException.ThrowIfNull(tree);
        var store = _store ?? throw new ObjectDisposedException(nameof(ReadScope));
        if (!ReferenceEquals(tree.Store, store)) throw new ArgumentException($"Tree '{tree.Name}' belongs to another store.", nameof(tree));
    }

    private static bool TryGet(Tree tree, scoped ReadOnlySpan<ulong> key, out ReadOnlySpan<byte> value)
    {
        StoreMetrics.Lookups.Add(1);
        if (tree.Btree.TryFind(key, out var leaf, out var at))
        {
            value = tree.ValueInPlace(leaf, at, key);
            return true;
        }
        value = default;
        return false;
    }

    /// <summary>
    /// The keys of <paramref name="range"/> in <paramref name="tree"/>, in order (descending when
    /// <paramref name="reverse"/>), read in place: each value is a span into its node, valid while the
    /// scope lasts; nothing is copied. Writers wait while the scope is open, so keep such scans short.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The scope was disposed.</exception>
    /// <exception cref="ArgumentException">The tree belongs to another store.</exception>
    public readonly InPlaceScan Scan(Tree tree, KeyRange range = default, bool reverse = false)
    {
        CheckTree(tree);
        StoreMetrics.ScanChunks.Add(1);
        return new InPlaceScan(tree, range == default ? ScanRange.All : ScanRange.Of(range).For(tree), reverse);
    }

    /// <summary>As <see cref="Scan(Tree, KeyRange, bool)"/>, for a range of byte keys in a tree of byte keys.</summary>
    /// <exception cref="ObjectDisposedException">The scope was disposed.</exception>
    /// <exception cref="ArgumentException">The tree belongs to another store, or its keys are not byte strings.</exception>
    public readonly InPlaceScan Scan(Tree tree, BytesRange range) => Scan(tree, range, reverse: false);

    /// <summary>As <see cref="Scan(Tree, BytesRange)"/>, descending when <paramref name="reverse"/>.</summary>
    /// <exception cref="ObjectDisposedException">The scope was disposed.</exception>
    /// <exception cref="ArgumentException">The tree belongs to another store, or its keys are not byte strings.</exception>
    public readonly InPlaceScan Scan(Tree tree, BytesRange range, bool reverse)
    {
        CheckTree(tree);
        StoreMetrics.ScanChunks.Add(1);
        return new InPlaceScan(tree, ScanRange.Of(range).For(tree), reverse);
    }

    /// <summary>Releases the read lock.</summary>
    public void Dispose()
    {
        var store = _store;
        _store = null;
        store?.ExitRead();
    }
}
