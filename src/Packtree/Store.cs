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
    private readonly StorageDevice? _device;
    private readonly Timer? _flushTimer;
    private NodeCodec _codec;
    private PersistentNodeStore? _nodes;
    private Journal? _journal;
    private Superblock? _superblock;
    private Exception? _failure;
    private ulong _commitSeq;
    private bool _disposed;

    private Store(StoreOptions options)
    {
        options.Validate();
        Options = options;
        _codec = new NodeCodec(options.Geometry, (ulong)Random.Shared.NextInt64(1, long.MaxValue));
    }

    private Store(StoreOptions options, StorageDevice device, string? path)
    {
        options.Validate();
        Options = options;
        _device = device;
        Path = path;
        Recovery = OpenFile(device);
        _codec = _nodes!.Codec;
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
        if (options.Durability == Durability.Buffered && !IsReadOnly)
            _flushTimer = new Timer(_ => FlushQuietly(), null, options.BufferedFlushMilliseconds, options.BufferedFlushMilliseconds);
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
        var readOnly = options is { ReadOnly: true } or { Salvage: true };
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
    public static Store Open(StorageDevice device, StoreOptions? options = null)
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
    public bool IsPersistent => _device is not null;

    /// <summary>The last commit applied.</summary>
    public ulong LastCommit => Volatile.Read(ref _commitSeq);

    /// <summary>Figures about the store on disk (zeros in memory).</summary>
    public StoreStatistics Statistics
    {
        get
        {
            using var read = BeginRead();
            if (_nodes is null || _journal is null || _device is null) return default;
            return new StoreStatistics(_device.Length, _nodes.Buckets.UsedCount, _nodes.Buckets.FreeCount + _nodes.Buckets.PendingCount,
                _nodes.NodeCount, _nodes.NodesRead, _nodes.NodesEvicted, _journal.UsedBytes, _journal.RegionBytes, _superblock!.Generation, _journal.Flushes);
        }
    }

    /// <summary>Applies every update of <paramref name="batch"/> atomically: a reader sees all of them or none, and after a crash all or none survive.</summary>
    /// <param name="batch">The updates.</param>
    /// <param name="durability">When to return (on disk); the store's <see cref="StoreOptions.Durability"/> by default.</param>
    /// <exception cref="ArgumentException">The batch names a tree of another store.</exception>
    public void Write(WriteBatch batch, Durability? durability = null)
    {
        ArgumentNullException.ThrowIfNull(batch);
        batch.CheckTrees(this);
        if (batch.Count == 0) return;
        ulong seq;
        EnterCommit();
        try
        {
            var records = _journal is null ? null : batch.JournalRecords();
            seq = BeginCommit(records is null ? 0 : JournalEntry.Bytes(records));
            if (records is not null) AppendToJournal(seq, records);
            batch.Apply(seq);
            EndCommit();
        }
        finally
        {
            ExitCommit();
        }
        StoreMetrics.Commits.Add(1);
        AfterCommit(seq, durability);
    }

    /// <summary>Returns once every commit made so far is on stable storage (nothing to do in memory).</summary>
    public void Flush()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_journal is null) return;
        try
        {
            _journal.WaitDurable(_journal.WrittenSeq);
        }
        catch (IOException e)
        {
            Fail(e);
            throw;
        }
    }

    /// <summary>Writes every changed node and a new superblock now, emptying the journal (on disk; nothing to do in memory).</summary>
    public void Checkpoint()
    {
        if (_nodes is null) return;
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
    public ReadScope BeginRead()
    {
        EnterRead();
        return new ReadScope(this);
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
            _flushTimer?.Dispose();
            if (_nodes is not null && _failure is null && !IsReadOnly) CheckpointLocked();
        }
        finally
        {
            _lock.ExitWrite();
            _device?.Dispose();
        }
    }

    /// <summary>Closes the device without a checkpoint, as a crash would leave the file (for tests).</summary>
    internal void CloseWithoutCheckpoint()
    {
        _lock.EnterWrite();
        _disposed = true;
        _flushTimer?.Dispose();
        _lock.ExitWrite();
        _device?.Dispose();
    }

    /// <summary>Puts one value as one commit.</summary>
    internal void Put(Tree tree, Bpos key, ReadOnlySpan<byte> value)
    {
        ulong seq;
        EnterCommit();
        try
        {
            seq = BeginCommit(_journal is null ? 0 : JournalEntry.Bytes(value.Length));
            AppendToJournal(seq, JournalOp.Put, tree.Id, key, value);
            tree.Btree.JournalSeq = seq;
            tree.Btree.Put(key, value);
            EndCommit();
        }
        finally
        {
            ExitCommit();
        }
        StoreMetrics.Puts.Add(1);
        StoreMetrics.Commits.Add(1);
        AfterCommit(seq, null);
    }

    /// <summary>Deletes one key as one commit.</summary>
    internal bool Delete(Tree tree, Bpos key)
    {
        ulong seq;
        bool existed;
        EnterCommit();
        try
        {
            seq = BeginCommit(_journal is null ? 0 : JournalEntry.Bytes(0));
            AppendToJournal(seq, JournalOp.Delete, tree.Id, key, []);
            tree.Btree.JournalSeq = seq;
            existed = tree.Btree.Delete(key);
            EndCommit();
        }
        finally
        {
            ExitCommit();
        }
        StoreMetrics.Deletes.Add(1);
        StoreMetrics.Commits.Add(1);
        AfterCommit(seq, null);
        return existed;
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
        if (_failure is not null)
        {
            _lock.ExitWrite();
            throw new InvalidOperationException($"The store failed to write ({_failure.Message}) and takes no more updates; reopen it to recover what was committed.", _failure);
        }
    }

    internal void ExitWrite() => _lock.ExitWrite();

    /// <summary>Takes the write lock for a commit, telling the journal first that an entry is on its way (group commit: a flush about to start waits a moment for it).</summary>
    private void EnterCommit()
    {
        _journal?.Arriving();
        try
        {
            EnterWrite();
        }
        catch
        {
            _journal?.Arrived();
            throw;
        }
    }

    private void ExitCommit()
    {
        ExitWrite();
        _journal?.Arrived();
    }

    /// <summary>A sequence number for the next commit; makes journal room first (write lock held). A commit too large for the journal is refused before anything changes.</summary>
    private ulong BeginCommit(long entryBytes)
    {
        if (_journal is null) return ++_commitSeq;
        if (entryBytes > _journal.MaxEntryBytes)
            throw new InvalidOperationException($"A commit of {entryBytes} bytes exceeds the journal's largest entry ({_journal.MaxEntryBytes} bytes, a quarter of its {_journal.RegionBytes}); split the batch or create the store with a larger journal. Nothing was written.");
        // The journal keeps the commits since the checkpoint before last: two checkpoints free it all.
        for (var i = 0; i < 2 && !_journal.HasRoomFor(entryBytes); i++) CheckpointLocked();
        return ++_commitSeq;
    }

    /// <summary>Journals a commit of one record (on disk; nothing in memory). A failed write means the commit never happened: its number is reused.</summary>
    private void AppendToJournal(ulong seq, JournalOp op, uint treeId, Bpos key, ReadOnlySpan<byte> value)
    {
        if (_journal is null) return;
        try
        {
            _journal.Append(seq, op, treeId, key, value);
        }
        catch
        {
            _commitSeq--;
            throw;
        }
    }

    /// <summary>Journals a batch commit; as <see cref="AppendToJournal(ulong, JournalOp, uint, Bpos, ReadOnlySpan{byte})"/>.</summary>
    private void AppendToJournal(ulong seq, IReadOnlyList<JournalRecord> records)
    {
        try
        {
            _journal!.Append(seq, records);
        }
        catch
        {
            _commitSeq--;
            throw;
        }
    }

    /// <summary>
    /// After a commit is applied (write lock held): checkpoint once the journal is half full, or once the
    /// node cache is over its budget — dirty nodes cannot be dropped until they are written, so memory
    /// stays bounded by writing them rather than by growing.
    /// </summary>
    private void EndCommit()
    {
        if (_journal is null || _nodes is null) return;
        if (_nodes.CachedBytes > _nodes.CacheBudget)
        {
            _nodes.BeginOperation(); // the commit is done: the nodes it touched may go too
            _nodes.EvictIfOverBudget();
        }
        if (_journal.UsedBytes > _journal.RegionBytes / 2 || _nodes.CachedBytes > _nodes.CacheBudget)
        {
            CheckpointLocked();
            _nodes.EvictIfOverBudget();
        }
    }

    /// <summary>After the lock is released: wait for durability if asked.</summary>
    private void AfterCommit(ulong seq, Durability? durability)
    {
        if (_journal is null || (durability ?? Options.Durability) != Durability.Flush) return;
        try
        {
            _journal.WaitDurable(seq);
        }
        catch (IOException e)
        {
            Fail(e);
            throw;
        }
    }

    private void CheckpointLocked()
    {
        if (_nodes is null || _journal is null || _device is null || _superblock is null) return;
        try
        {
            foreach (var tree in _treesById.Values) tree.Btree.WriteBack(_nodes);
            _device.Flush();
            var next = _superblock with
            {
                Generation = _superblock.Generation + 1,
                CheckpointSeq = _commitSeq,
                JournalTail = _journal.Head,
                Trees = [.. _treesById.Values.OrderBy(t => t.Id).Select(t => t.Btree.RootPointer.Sector == 0
                    ? new TreeRecord(t.Id, t.Name, 0, 0, 0, 0, 0) // empty: no node on disk
                    : new TreeRecord(t.Id, t.Name, t.Btree.RootPointer.Sector, t.Btree.RootPointer.Seq, t.Btree.RootPointer.SectorsWritten, (byte)t.Btree.RootLevel, t.Btree.Count))],
            };
            next.Write(_device);
            _superblock = next;
            _journal.Reclaim();
            _journal.MarkDurable();
            _nodes.CheckpointDone();
        }
        catch (IOException e)
        {
            Fail(e);
            throw;
        }
    }

    private void Fail(Exception e) => _failure ??= e;

    private void FlushQuietly()
    {
        try
        {
            if (!_disposed && _failure is null) _journal?.WaitDurable(_journal.WrittenSeq);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            if (e is IOException) Fail(e);
        }
    }
}
