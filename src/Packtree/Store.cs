using System.Diagnostics.CodeAnalysis;
using Packtree.Keys;
using Packtree.Nodes;
using Packtree.Storage;
using Packtree.Trees;

namespace Packtree;

/// <summary>
/// An ordered store: named trees, each a btree of packed bcachefs nodes mapping <see cref="Bpos"/>
/// positions to byte values. In memory (<see cref="CreateInMemory"/>) or in one file
/// (<see cref="Open(string, StoreOptions?)"/>; layout in docs/FORMAT.md).
/// </summary>
/// <remarks>
/// <para><b>Concurrency.</b> Any number of threads may read while one writes. A store-wide
/// reader-writer lock guards the trees: reads (lookups, and each run of keys a cursor reads) share
/// it; a write — a single put or delete, or a whole batch — holds it exclusively for the time the
/// update takes in memory (and, on disk, to hand its journal entry to the operating system). So a
/// reader never sees a node mid-change or part of a batch, and waits at most for one update; a
/// waiting writer stops new readers from queueing ahead of it, so writers are not starved. Nodes are
/// changed in place (256 KiB nodes are too big to copy per update), which is why readers are kept
/// out rather than given copies. Waiting for the flush that makes a commit durable happens after the
/// lock is released, and committers waiting together share one flush (group commit).</para>
/// <para><b>Durability.</b> Every commit is appended to the journal before it is applied. A
/// checkpoint — when the journal is half full, at <see cref="Dispose"/>, or on
/// <see cref="Checkpoint"/> — writes every changed node (appending to it, or to a new place when it
/// was rewritten, split or merged) and then the superblock with the new roots, after which the journal
/// space is reused. Opening replays the commits after the last checkpoint; a torn entry at the end was
/// never acknowledged and is dropped.</para>
/// <para>A read on a thread that holds a <see cref="ReadScope"/> may nest; a write from inside a read
/// scope on the same thread is refused (it would wait for itself).</para>
/// </remarks>
public sealed partial class Store : IDisposable
{
    private readonly StoreLock _lock = new();
    private readonly Dictionary<string, Tree> _trees = new(StringComparer.Ordinal);
    private readonly Dictionary<uint, Tree> _treesById = [];
    private readonly StorePersistence _persistence;
    private ulong _commitSeq;
    private bool _disposed;

    private Store(StoreOptions options)
    {
        options.Validate();
        Options = options;
        _persistence = new InMemoryPersistence(new NodeCodec(options.Geometry, (ulong)Random.Shared.NextInt64(1, long.MaxValue)), options.CodecOptions);
        Large = _persistence.Large;
    }

    private Store(StoreOptions options, StorageDevice device, string? path)
    {
        options.Validate();
        Options = options;
        Path = path;
        (_persistence, Recovery) = OpenFile(device);
        try
        {
            if (!IsReadOnly && (Recovery.CommitsReplayed > 0 || Recovery.LostCommits is not null))
            {
                // Make what was replayed durable before anything new is written (the crashed process may never
                // have flushed it, yet new entries will say it is), and number new commits above every entry
                // the journal still holds past its end, so that none of those is ever taken for a new one.
                _commitSeq = Math.Max(_commitSeq, Recovery.LostCommits?.Last ?? 0);
                CheckpointLocked();
            }
            else if (!IsReadOnly)
            {
                device.Flush(); // what a crashed process wrote and never flushed (its last superblock copy, say) is durable before we build on it
            }
            _persistence.Opened(ApplyWriteBuffersWhenIdle);
        }
        catch
        {
            _persistence.Abandon(); // the caller disposes the device
            throw;
        }
    }

    /// <summary>A new, empty store held in memory.</summary>
    /// <exception cref="ArgumentException">An option is invalid.</exception>
    public static Store CreateInMemory(StoreOptions? options = null) => new(options ?? StoreOptions.Default);

    /// <summary>
    /// Opens the store file at <paramref name="path"/>, creating it when it does not exist (node and
    /// journal sizes are then taken from <paramref name="options"/>; an existing file keeps its own).
    /// Commits made after the last checkpoint are replayed from the journal.
    /// </summary>
    /// <exception cref="IOException">The file is open elsewhere (it is locked while a store has it), or cannot be read.</exception>
    /// <exception cref="InvalidDataException">The file is not a Packtree store (no superblock magic), or is empty and opened read-only.</exception>
    /// <exception cref="CorruptStoreException">The file is damaged (superblock, journal, a node, a tree); the message and the properties say what and where.</exception>
    /// <exception cref="NotSupportedException">The file was written by a newer format version.</exception>
    public static Store Open(string path, StoreOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        var readOnly = options?.RefusesWrites == true;
        if (readOnly && !File.Exists(path) && !Directory.Exists(path)) throw new FileNotFoundException($"There is no store file '{System.IO.Path.GetFullPath(path)}' to open read-only.", path);
        var device = readOnly ? FileStorageDevice.OpenReadOnly(path) : FileStorageDevice.Open(path, create: true);
        try
        {
            return new Store(options ?? StoreOptions.Default, device, device.Path);
        }
        catch
        {
            device.Dispose();
            throw;
        }
    }

    /// <summary>Opens a store on <paramref name="device"/> (empty: a new store). The store owns the device from then on.</summary>
    internal static Store Open(StorageDevice device, StoreOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(device);
        try
        {
            return new Store(options ?? StoreOptions.Default, device, null);
        }
        catch
        {
            device.Dispose();
            throw;
        }
    }

    /// <summary>The options the store was built with.</summary>
    public StoreOptions Options { get; }

    /// <summary>The store file, or null for a store in memory or on a device.</summary>
    public string? Path { get; }

    /// <summary>Whether the store is kept on a device (a file) rather than in memory.</summary>
    public bool IsPersistent => _persistence.IsPersistent;

    /// <summary>The last commit applied.</summary>
    public ulong LastCommit => Volatile.Read(ref _commitSeq);

    /// <summary>Figures about the store on disk (zeros in memory).</summary>
    public StoreStatistics Statistics
    {
        get
        {
            EnterRead();
            try
            {
                return _persistence.Statistics;
            }
            finally
            {
                ExitRead();
            }
        }
    }

    /// <summary>Values kept out of line (set as the store opens: replay applies commits before the persistence exists).</summary>
    internal LargeValues Large { get; private set; } = null!;

    /// <summary>The journal (on disk), for tests that watch it.</summary>
    internal Journal? Journal => _persistence.Journal;

    /// <summary>Returns once every commit made so far is on stable storage (nothing to do in memory).</summary>
    public void Flush()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _persistence.Flush();
    }

    /// <summary>Writes every changed node and a new superblock now, emptying the journal (on disk; nothing to do in memory).</summary>
    public void Checkpoint()
    {
        if (!_persistence.IsPersistent) return;
        EnterWrite();
        try
        {
            CheckpointLocked();
        }
        finally
        {
            ExitWrite();
        }
    }

    /// <summary>
    /// Opens a read scope: until it is disposed, values can be read in place, without copying, and
    /// no writer changes anything. Keep it short: writers wait for it.
    /// </summary>
    /// <remarks>Updates waiting in write buffers are applied to their trees first, so that the scope reads nodes in place.</remarks>
    public ReadScope BeginRead()
    {
        EnterReadWithBuffersApplied();
        return new ReadScope(this);
    }

    /// <summary>Takes a read with every write buffer applied (unless this thread holds a read already: no writer has buffered anything since it began).</summary>
    internal void EnterReadWithBuffersApplied()
    {
        var nested = _lock.IsReadLockHeld || _lock.IsWriteLockHeld;
        if (!nested && BufferedBytes > 0)
        {
            EnterReadApplied();
            return;
        }
        EnterRead();
        if (BufferedBytes > 0)
        {
            if (_lock.IsWriteLockHeld) ApplyWriteBuffers();
            else if (!nested)
            {
                ExitRead(); // a writer buffered updates between the look and the lock
                EnterReadApplied();
            }
        }
    }

    /// <summary>Takes a read once every write buffer is applied: the write lock, the buffers applied, then a read taken inside it and kept as the write is released.</summary>
    private void EnterReadApplied()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _lock.EnterWrite(); // not EnterWrite: a store that failed to write, or salvaged, still applies what it buffered in memory
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            ApplyWriteBuffers();
            _lock.EnterRead();
        }
        finally
        {
            _lock.ExitWrite();
        }
    }

    /// <summary>Checkpoints (on disk) and releases the store; its trees can no longer be used.</summary>
    /// <exception cref="InvalidOperationException">This thread holds a read scope of the store (dispose the scope first).</exception>
    public void Dispose()
    {
        if (_disposed) return;
        if (_lock.IsReadLockHeld)
            throw new InvalidOperationException("This thread holds a read scope of the store; dispose the scope before the store (closing would wait for the scope).");
        _lock.EnterWrite();
        try
        {
            if (_disposed) return;
            _disposed = true;
            _persistence.Close(_treesById.Values, _commitSeq);
        }
        finally
        {
            _lock.ExitWrite();
            _persistence.Dispose();
        }
    }

    /// <summary>Closes the device without a checkpoint, as a crash would leave the file (for tests).</summary>
    internal void CloseWithoutCheckpoint()
    {
        _lock.EnterWrite();
        _disposed = true;
        _persistence.Abandon();
        _lock.ExitWrite();
        _persistence.Dispose();
    }

    internal void EnterRead()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _lock.EnterRead();
        if (_disposed)
        {
            _lock.ExitRead();
            ObjectDisposedException.ThrowIf(true, this);
        }
    }

    internal void ExitRead() => _lock.ExitRead();

    /// <summary>Refuses a write before any of its work starts (a large value's data is written before the write lock is taken).</summary>
    internal void ThrowIfCannotWrite()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (IsReadOnly) throw new InvalidOperationException(Options.Salvage ? "The store was opened to salvage it (StoreOptions.Salvage): it is read-only." : "The store was opened read-only (StoreOptions.ReadOnly).");
        if (_persistence.Failure is { } failure) throw new InvalidOperationException($"The store failed to write ({failure.Message}) and takes no more updates; reopen it to recover what was committed.", failure);
    }

    internal void EnterWrite()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_lock.IsReadLockHeld)
            throw new InvalidOperationException("This thread holds a read scope of the store; a write from inside it would wait for itself. Dispose the scope first.");
        _lock.EnterWrite();
        if (_disposed)
        {
            _lock.ExitWrite();
            ObjectDisposedException.ThrowIf(true, this);
        }
        if (IsReadOnly)
        {
            _lock.ExitWrite();
            throw new InvalidOperationException(Options.Salvage ? "The store was opened to salvage it (StoreOptions.Salvage): it is read-only." : "The store was opened read-only (StoreOptions.ReadOnly).");
        }
        if (_persistence.Failure is { } failure)
        {
            _lock.ExitWrite();
            throw new InvalidOperationException($"The store failed to write ({failure.Message}) and takes no more updates; reopen it to recover what was committed.", failure);
        }
    }

    internal void ExitWrite() => _lock.ExitWrite();

    private void CheckpointLocked() => _persistence.Checkpoint(_treesById.Values, _commitSeq);
}
