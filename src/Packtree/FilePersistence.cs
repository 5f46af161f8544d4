using Packtree.Nodes;
using Packtree.Storage;
using Packtree.Trees;

namespace Packtree;

/// <summary>
/// A store kept in a file (docs/FORMAT.md): commits go to the journal before they are applied; a
/// checkpoint writes the changed nodes, children before parents, and then a superblock copy with the new
/// roots. Opening (choosing a copy, replaying) is <see cref="Store"/>'s; this is the open store's state.
/// </summary>
internal sealed class FilePersistence : StorePersistence
{
    private readonly StorageDevice _device;
    private readonly PersistentNodeStore _nodes;
    private readonly Journal _journal;
    private readonly StoreOptions _options;
    private Superblock _superblock;
    private Timer? _flushTimer;
    private readonly object _timerGate = new();
    private Exception? _failure;
    private volatile bool _closed;
    private Action? _tick;

    public FilePersistence(StorageDevice device, Superblock superblock, PersistentNodeStore nodes, LargeValues large, Journal journal, StoreOptions options)
    {
        Large = large;
        _device = device;
        _superblock = superblock;
        _nodes = nodes;
        _journal = journal;
        _options = options;
    }

    public override NodeCodec Codec => _nodes.Codec;

    public override Journal Journal => _journal;

    public override LargeValues Large { get; }

    public override bool IsPersistent => true;

    public override Exception? Failure => _failure;

    public override StoreStatistics Statistics => new(_device.Length, _nodes.Buckets.UsedCount, _nodes.Buckets.FreeCount + _nodes.Buckets.PendingCount,
        _nodes.NodeCount, _nodes.NodesRead, _nodes.NodesEvicted, _journal.UsedBytes, _journal.RegionBytes, _superblock.Generation, _journal.Flushes);

    public override NodeStore NodesForNewTree() => _nodes;

    /// <summary>Starts the flush timer once the store is open (after any replay's checkpoint), when commits are not flushed as they come by default.</summary>
    public override void Opened(Action tick)
    {
        _tick = tick;
        if (_options.Durability != Durability.Flush) FlushWithin();
    }

    /// <summary>Starts the flush timer, if it is not running: a commit asked for <see cref="Durability.Buffered"/> or <see cref="Durability.Background"/>.</summary>
    public override void FlushWithin()
    {
        if (Volatile.Read(ref _flushTimer) is not null || _options.RefusesWrites) return;
        lock (_timerGate)
        {
            if (_flushTimer is null && !_closed)
                Volatile.Write(ref _flushTimer, new Timer(_ => FlushQuietly(), null, _options.BufferedFlushMilliseconds, _options.BufferedFlushMilliseconds));
        }
    }

    public override void CommitArriving() => _journal.Arriving();

    public override void CommitArrived() => _journal.Arrived();

    public override void MakeRoom(long entryBytes, IEnumerable<Tree> trees, ulong lastSeq)
    {
        _journal.CheckEntryFits(entryBytes);
        // The journal keeps the commits since the checkpoint before last: two checkpoints free it all.
        for (var i = 0; i < 2 && !_journal.HasRoomFor(entryBytes); i++) Checkpoint(trees, lastSeq);
    }

    /// <summary>
    /// Checkpoints once the journal is half full (or, in a small store, holds more than the store's buckets), or once the
    /// node cache is over its budget: dirty nodes cannot be dropped until they are written, so memory stays bounded by
    /// writing them rather than by growing; or once freed buckets wait for reuse (see below).
    /// </summary>
    public override void CommitApplied(IEnumerable<Tree> trees, ulong lastSeq)
    {
        if (_nodes.CachedBytes > _nodes.CacheBudget)
        {
            _nodes.BeginOperation(); // the commit is done: the nodes it touched may go too
            _nodes.EvictIfOverBudget();
        }
        if (_journal.UsedBytes > Math.Min(_journal.RegionBytes / 2, Math.Max(MinJournalBytes, StoreBytes)) || _nodes.CachedBytes > _nodes.CacheBudget
            || FreedBytesWaiting > Math.Max(MinFreedBytesWaiting, Large.Data.LiveBytes / 4)
            || Large.Data.FreedSinceCheckpointBytes > Math.Max(MinFreedDataBytes, Large.Data.LiveBytes / 32))
        {
            Checkpoint(trees, lastSeq);
            _nodes.EvictIfOverBudget();
        }
    }

    /// <summary>Freed buckets wait for two checkpoints before reuse: past this many bytes of them (or a quarter of the live value data), a commit checkpoints, so that they are reused.</summary>
    private const long MinFreedBytesWaiting = 16L << 20;

    /// <summary>
    /// Data buckets given back wait for two checkpoints too: past this many bytes of them since the last (or a 32nd of
    /// the live value data), a commit checkpoints, so that overwritten values take at most about a 16th more space.
    /// </summary>
    private const long MinFreedDataBytes = 4L << 20;

    /// <summary>
    /// A small store checkpoints once its journal holds more than the store's buckets (at least this much), rather than
    /// at half the journal: so that it does not keep a journal larger than itself on disk.
    /// </summary>
    private const long MinJournalBytes = 4L << 20;

    /// <summary>Bytes of the buckets in use, by nodes and value data.</summary>
    private long StoreBytes => (long)_nodes.Buckets.UsedCount * _nodes.Codec.Geometry.NodeBytes;

    private long FreedBytesWaiting => (long)_nodes.Buckets.PendingCount * _nodes.Codec.Geometry.NodeBytes;

    public override void WaitDurable(ulong seq)
    {
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

    public override void Flush() => WaitDurable(_journal.AppendedSeq);

    public override void Checkpoint(IEnumerable<Tree> trees, ulong lastSeq)
    {
        try
        {
            var ordered = trees.OrderBy(t => t.Id).ToList();
            foreach (var tree in ordered) tree.ApplyBuffer(); // the nodes written must hold every commit up to lastSeq
            foreach (var tree in ordered) tree.Btree.WriteBack(_nodes);
            Large.Extents.WriteBack(_nodes);
            _journal.WritePending(); // entries deferred in memory: the older copy's replay runs through them
            _device.Flush(); // nodes and value data before the superblock that reaches them
            var next = _superblock with
            {
                Generation = _superblock.Generation + 1,
                CheckpointSeq = lastSeq,
                JournalTail = _journal.Head,
                Trees = [.. ordered.Select(t => t.Btree.RootPointer.Sector == 0
                    ? new TreeRecord(t.Id, t.Name, 0, 0, 0, 0, 0, t.Btree.Schema, t.Settings) // empty: no node on disk
                    : new TreeRecord(t.Id, t.Name, t.Btree.RootPointer.Sector, t.Btree.RootPointer.Seq, t.Btree.RootPointer.SectorsWritten, (byte)t.Btree.RootLevel, t.Btree.Count, t.Btree.Schema, t.Settings))],
                ValuesTree = Large.Extents.RootPointer.Sector == 0 ? null
                    : TreeRecord.Values(Large.Extents.RootPointer.Sector, Large.Extents.RootPointer.Seq, Large.Extents.RootPointer.SectorsWritten, (byte)Large.Extents.RootLevel, Large.Extents.Count),
            };
            next.Write(_device);
            _superblock = next;
            _journal.Reclaim();
            _journal.MarkDurable();
            Large.Data.CheckpointDone();
            _nodes.CheckpointDone();
        }
        catch (IOException e)
        {
            Fail(e);
            throw;
        }
    }

    public override void Close(IEnumerable<Tree> trees, ulong lastSeq)
    {
        Abandon();
        if (_failure is null && !_options.RefusesWrites) Checkpoint(trees, lastSeq);
    }

    public override void Abandon()
    {
        Timer? timer;
        lock (_timerGate)
        {
            _closed = true;
            timer = _flushTimer;
            _flushTimer = null;
        }
        if (timer is not null)
        {
            // A flush under way holds the file open (and its lock) until it returns: let it finish before the file closes.
            using var stopped = new ManualResetEvent(false);
            if (timer.Dispose(stopped)) stopped.WaitOne();
        }
    }

    public override void Dispose() => _device.Dispose();

    private void Fail(Exception e) => _failure ??= e;

    private void FlushQuietly()
    {
        try
        {
            if (_closed || _failure is not null) return;
            _journal.WaitDurable(_journal.AppendedSeq);
            _tick?.Invoke();
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            if (e is IOException) Fail(e);
        }
    }
}
