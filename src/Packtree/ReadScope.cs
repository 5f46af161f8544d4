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

    /// <summary>The value at <paramref name="key"/> in <paramref name="tree"/>, in place (no copy, no allocation).</summary>
    /// <exception cref="ObjectDisposedException">The scope was disposed.</exception>
    /// <exception cref="ArgumentException">The tree belongs to another store.</exception>
    public readonly bool TryGet(Tree tree, Bpos key, out ReadOnlySpan<byte> value)
    {
        ArgumentNullException.ThrowIfNull(tree);
        var store = _store ?? throw new ObjectDisposedException(nameof(ReadScope));
        if (!ReferenceEquals(tree.Store, store)) throw new ArgumentException($"Tree '{tree.Name}' belongs to another store.", nameof(tree));
        StoreMetrics.Lookups.Add(1);
        if (tree.Btree.TryFind(key, out var leaf, out var at))
        {
            value = Btree.ValueOf(leaf, at);
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
        ArgumentNullException.ThrowIfNull(tree);
        var store = _store ?? throw new ObjectDisposedException(nameof(ReadScope));
        if (!ReferenceEquals(tree.Store, store)) throw new ArgumentException($"Tree '{tree.Name}' belongs to another store.", nameof(tree));
        StoreMetrics.ScanChunks.Add(1);
        return new InPlaceScan(tree.Btree, range, reverse);
    }

    /// <summary>Releases the read lock.</summary>
    public void Dispose()
    {
        var store = _store;
        _store = null;
        store?.ExitRead();
    }
}
