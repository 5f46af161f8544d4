using System.Diagnostics.CodeAnalysis;
using Packtree.Nodes;
using Packtree.Trees;

namespace Packtree;

/// <summary>
/// An ordered store: named trees, each a btree of packed bcachefs nodes mapping <see cref="Keys.Bpos"/>
/// positions to byte values. For now held in memory (<see cref="CreateInMemory"/>).
/// </summary>
/// <remarks>
/// <para><b>Concurrency.</b> Any number of threads may read while one writes. A store-wide
/// reader-writer lock guards the trees: reads (lookups, and each run of keys a cursor reads) share
/// it; a write — a single put or delete, or a whole batch — holds it exclusively for the time the
/// update takes in memory, microseconds. So a reader never sees a node mid-change or part of a batch,
/// and waits at most for one update; a waiting writer stops new readers from queueing ahead of it,
/// so writers are not starved. Nodes are changed in place (256 KiB nodes are too big to copy per
/// update), which is why readers are kept out rather than given copies.</para>
/// <para>A read on a thread that holds a <see cref="ReadScope"/> may nest; a write from inside a read
/// scope on the same thread is refused (it would wait for itself).</para>
/// </remarks>
public sealed class Store : IDisposable
{
    private readonly ReaderWriterLockSlim _lock = new(LockRecursionPolicy.SupportsRecursion);
    private readonly Dictionary<string, Tree> _trees = new(StringComparer.Ordinal);
    private readonly NodeCodec _codec;
    private ulong _commitSeq;
    private bool _disposed;

    private Store(StoreOptions options)
    {
        options.Validate();
        Options = options;
        _codec = new NodeCodec(options.Geometry, (ulong)Random.Shared.NextInt64(1, long.MaxValue));
    }

    /// <summary>A new, empty store held in memory.</summary>
    /// <exception cref="ArgumentException">An option is invalid.</exception>
    public static Store CreateInMemory(StoreOptions? options = null) => new(options ?? StoreOptions.Default);

    /// <summary>The options the store was built with.</summary>
    public StoreOptions Options { get; }

    /// <summary>The names of the store's trees, in creation order.</summary>
    public IReadOnlyList<string> TreeNames
    {
        get
        {
            using var read = BeginRead();
            return [.. _trees.Values.OrderBy(t => t.Id).Select(t => t.Name)];
        }
    }

    /// <summary>The tree called <paramref name="name"/>, created empty if there is none.</summary>
    /// <exception cref="ArgumentException">The name is empty, longer than 255 characters, or holds control characters.</exception>
    public Tree GetOrCreateTree(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length == 0 || name.Length > 255 || name.Any(char.IsControl))
            throw new ArgumentException($"A tree name must have 1 to 255 characters and no control characters; '{name}' does not.", nameof(name));
        if (TryGetTree(name, out var existing)) return existing;
        EnterWrite();
        try
        {
            if (_trees.TryGetValue(name, out existing)) return existing;
            var id = (uint)_trees.Count + 1;
            var tree = new Tree(this, name, new Btree(new InMemoryNodeStore(_codec, Options.CodecOptions), id));
            _trees.Add(name, tree);
            return tree;
        }
        finally
        {
            ExitWrite();
        }
    }

    /// <summary>The tree called <paramref name="name"/>, if the store has one.</summary>
    public bool TryGetTree(string name, [NotNullWhen(true)] out Tree? tree)
    {
        ArgumentNullException.ThrowIfNull(name);
        using var read = BeginRead();
        return _trees.TryGetValue(name, out tree);
    }

    /// <summary>Applies every update of <paramref name="batch"/> atomically: a reader sees all of them or none.</summary>
    /// <exception cref="ArgumentException">The batch names a tree of another store.</exception>
    public void Write(WriteBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        batch.CheckTrees(this);
        if (batch.Count == 0) return;
        EnterWrite();
        try
        {
            var seq = ++_commitSeq;
            batch.Apply(seq);
        }
        finally
        {
            ExitWrite();
        }
        StoreMetrics.Commits.Add(1);
    }

    /// <summary>
    /// Opens a read scope: until it is disposed, values can be read in place, without copying, and
    /// no writer changes anything. Keep it short: writers wait for it.
    /// </summary>
    public ReadScope BeginRead()
    {
        EnterRead();
        return new ReadScope(this);
    }

    /// <summary>Releases the store; its trees can no longer be used.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        EnterWrite();
        _disposed = true;
        ExitWrite();
    }

    internal ulong NextCommitSeq() => ++_commitSeq;

    internal void EnterRead()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _lock.EnterReadLock();
        if (_disposed)
        {
            _lock.ExitReadLock();
            ObjectDisposedException.ThrowIf(true, this);
        }
    }

    internal void ExitRead() => _lock.ExitReadLock();

    internal void EnterWrite()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_lock.IsReadLockHeld)
            throw new InvalidOperationException("This thread holds a read scope of the store; a write from inside it would wait for itself. Dispose the scope first.");
        _lock.EnterWriteLock();
        if (_disposed)
        {
            _lock.ExitWriteLock();
            ObjectDisposedException.ThrowIf(true, this);
        }
    }

    internal void ExitWrite() => _lock.ExitWriteLock();
}
