using System.Buffers.Binary;
using System.IO.Hashing;
using Packtree.Keys;

namespace Packtree.Storage;

/// <summary>
/// The journal: a circular region of the store file where every commit is appended as one entry
/// (docs/FORMAT.md, <see cref="JournalEntry"/>) before it is applied, so that a commit is durable
/// without writing nodes. The entries since the checkpoint before last are kept: the older superblock
/// copy can still be replayed to the present when the newer one is damaged.
/// </summary>
/// <remarks>
/// Group commit: entries are written in commit order by the committing thread (under the store's
/// write lock); making them durable is separate — the first committer to ask flushes every entry
/// written so far, and those that asked meanwhile find their entry already durable. An entry appended
/// with <see cref="DeferWrite"/> stays in memory, with those after it, until a commit that does not
/// defer, a flush or a checkpoint writes them all in one call.
/// </remarks>
internal sealed class Journal
{
    private readonly StorageDevice _device;
    private readonly long _regionOffset;
    private readonly object _flushGate = new();
    private bool _flushing;
    private int _arriving;
    private long _lastFlushServed;
    private readonly object _writeGate = new(); // the appender against a flushing thread writing the entries in memory
    private byte[] _pending = new byte[64 * 1024]; // entries appended, ending at Head in the region: [0, _pendingWritten) written, up to _pendingBytes not yet
    private int _pendingWritten;
    private int _pendingBytes;
    private ulong _appendedSeq;
    private ulong _writtenSeq;
    private ulong _durableSeq;
    private long _flushes;

    /// <summary>
    /// A journal over [<paramref name="regionOffset"/>, + <paramref name="regionBytes"/>) of
    /// <paramref name="device"/>, continuing after <paramref name="lastSeq"/> at <paramref name="head"/>;
    /// entries from <paramref name="retainedTail"/> (the older checkpoint's) on are kept.
    /// </summary>
    public Journal(StorageDevice device, long regionOffset, long regionBytes, long retainedTail, long tail, long head, ulong lastSeq)
    {
        _device = device;
        _regionOffset = regionOffset;
        RegionBytes = regionBytes;
        RetainedTail = retainedTail;
        Tail = tail;
        Head = head;
        _appendedSeq = _writtenSeq = _durableSeq = lastSeq;
    }

    /// <summary>Deferred entries past this many bytes are written at once: memory stays bounded, and one call writes them.</summary>
    private const int DeferredBytesLimit = 1 << 20;

    /// <summary>Whether the next entry stays in memory (written later, with others) instead of being written at once. Set by the appender.</summary>
    public bool DeferWrite { get; set; }

    /// <summary>Size of the region.</summary>
    public long RegionBytes { get; }

    /// <summary>Where the commits after the last checkpoint begin.</summary>
    public long Tail { get; private set; }

    /// <summary>Where the commits after the checkpoint before it begin: space from here to the head is not reused.</summary>
    public long RetainedTail { get; private set; }

    /// <summary>Where the next entry goes.</summary>
    public long Head { get; private set; }

    /// <summary>Bytes of commits since the last checkpoint.</summary>
    public long UsedBytes => Distance(Tail, Head);

    /// <summary>The highest sequence number appended (in memory, written or durable).</summary>
    public ulong AppendedSeq => Volatile.Read(ref _appendedSeq);

    /// <summary>The highest sequence number written (not necessarily durable).</summary>
    public ulong WrittenSeq => Volatile.Read(ref _writtenSeq);

    /// <summary>The highest sequence number known durable.</summary>
    public ulong DurableSeq => Volatile.Read(ref _durableSeq);

    /// <summary>Device flushes made to make commits durable.</summary>
    public long Flushes => Interlocked.Read(ref _flushes);

    /// <summary>The largest entry the journal takes: a quarter of the region.</summary>
    public long MaxEntryBytes => RegionBytes / 4;

    /// <summary>Whether an entry of <paramref name="bytes"/> fits before the retained tail without a checkpoint.</summary>
    public bool HasRoomFor(long bytes)
    {
        // The kept entries run from the retained tail to the head, around the end of the region; a new one may not reach that tail.
        if (Head < RetainedTail) return Head + bytes < RetainedTail;
        if (Head + bytes <= RegionBytes) return true;
        return bytes < RetainedTail; // wraps to the start
    }

    /// <summary>Writes the entry for commit <paramref name="seq"/> at the head (not yet durable). The caller checked <see cref="HasRoomFor"/>.</summary>
    /// <exception cref="IOException">The write failed; the journal is unchanged in memory.</exception>
    public void Append(ulong seq, IReadOnlyList<JournalRecord> records)
    {
        var entry = Prepare(JournalEntry.Bytes(records));
        var at = JournalEntry.HeaderBytes;
        foreach (var record in records) at = JournalEntry.WriteRecord(entry, at, record);
        Commit(entry, seq, records.Count);
    }

    /// <summary>Writes the entry of a commit of one update, without allocating.</summary>
    /// <exception cref="IOException">The write failed; the journal is unchanged in memory.</exception>
    public void Append(ulong seq, JournalOp op, uint treeId, Bpos key, ReadOnlySpan<byte> value)
    {
        var entry = Prepare(JournalEntry.Bytes(value.Length));
        JournalEntry.WriteRecord(entry, JournalEntry.HeaderBytes, op, treeId, key, value);
        Commit(entry, seq, 1);
    }

    /// <summary>
    /// Writes the entry of a commit of one update to a tree of <paramref name="schema"/> keys (<paramref name="key"/> its
    /// key fields), without allocating: a position tree's record keeps its bpos in the header, any other its key's words.
    /// </summary>
    /// <exception cref="IOException">The write failed; the journal is unchanged in memory.</exception>
    public void Append(ulong seq, JournalOp op, uint treeId, KeySchema schema, ReadOnlySpan<ulong> key, ReadOnlySpan<byte> value)
    {
        if (schema.IsPositions)
        {
            Append(seq, op, treeId, KeyFields.ToPosition(key), value);
            return;
        }
        var entry = Prepare(JournalEntry.Bytes(8 * key.Length + value.Length));
        JournalEntry.WriteWideRecord(entry, JournalEntry.HeaderBytes, op, treeId, key, value);
        Commit(entry, seq, 1);
    }

    /// <summary>Refuses an entry of <paramref name="length"/> bytes that the journal can never take.</summary>
    /// <exception cref="InvalidOperationException">It is over <see cref="MaxEntryBytes"/>.</exception>
    public void CheckEntryFits(long length)
    {
        if (length > MaxEntryBytes)
            throw new InvalidOperationException($"A commit of {length} bytes exceeds the journal's largest entry ({MaxEntryBytes} bytes, a quarter of its {RegionBytes}); split the batch or create the store with a larger journal. Nothing was written.");
    }

    /// <summary>Room for the next entry at the end of the entries in memory, cleared; at the region's start when it does not fit before its end.</summary>
    /// <exception cref="IOException">Writing the entries in memory, before a wrap, failed.</exception>
    private Span<byte> Prepare(long length)
    {
        CheckEntryFits(length);
        lock (_writeGate)
        {
            if (Head + length > RegionBytes)
            {
                // Not enough room before the region's end: what is in memory goes out, then a wrap marker (if it fits) sends readers to the start.
                WritePendingLocked();
                if (RegionBytes - Head >= JournalEntry.HeaderBytes)
                {
                    Span<byte> wrap = stackalloc byte[JournalEntry.HeaderBytes];
                    JournalEntry.WriteHeader(wrap, AppendedSeq + 1, DurableSeq, JournalEntry.KindWrap, 0);
                    _device.Write(_regionOffset + Head, wrap);
                }
                Head = 0;
            }
            if (_pendingWritten == _pendingBytes) (_pendingWritten, _pendingBytes) = (0, 0);
            var needed = _pendingBytes + length;
            if (needed > _pending.Length)
            {
                var grown = new byte[Math.Max(needed, 2L * _pending.Length)];
                _pending.AsSpan(0, _pendingBytes).CopyTo(grown);
                _pending = grown;
            }
            var entry = _pending.AsSpan(_pendingBytes, (int)length);
            entry.Clear();
            return entry;
        }
    }

    /// <summary>Completes the entry <see cref="Prepare"/> gave room for and, unless <see cref="DeferWrite"/>, writes it (with any deferred before it).</summary>
    /// <exception cref="IOException">The write failed; the entry is dropped, the journal as before it.</exception>
    private void Commit(Span<byte> entry, ulong seq, int count)
    {
        var length = entry.Length;
        JournalEntry.WriteHeader(entry, seq, DurableSeq, JournalEntry.KindCommit, count);
        lock (_writeGate)
        {
            _pendingBytes += length;
            Head += length;
            Volatile.Write(ref _appendedSeq, seq);
            if (DeferWrite && _pendingBytes - _pendingWritten < DeferredBytesLimit) return;
            try
            {
                WritePendingLocked();
            }
            catch (IOException)
            {
                _pendingBytes -= length;
                Head -= length;
                Volatile.Write(ref _appendedSeq, seq - 1);
                throw;
            }
        }
    }

    /// <summary>Writes the entries appended and not written yet, in one call.</summary>
    /// <exception cref="IOException">The write failed; they stay in memory.</exception>
    public void WritePending()
    {
        lock (_writeGate) WritePendingLocked();
    }

    private void WritePendingLocked()
    {
        if (_pendingWritten == _pendingBytes) return;
        _device.Write(_regionOffset + Head - _pendingBytes + _pendingWritten, _pending.AsSpan(_pendingWritten, _pendingBytes - _pendingWritten)); // they end at the head
        _pendingWritten = _pendingBytes;
        Volatile.Write(ref _writtenSeq, AppendedSeq);
    }

    /// <summary>
    /// Returns once every entry up to <paramref name="seq"/> is on stable storage. One waiter at a time
    /// flushes everything written so far; the others wait on the gate, not in a queue for the flush, and
    /// all are woken at once when it ends: those it covered leave, and one of the rest flushes next.
    /// </summary>
    public void WaitDurable(ulong seq)
    {
        if (DurableSeq >= seq) return;
        lock (_flushGate)
        {
            while (DurableSeq < seq)
            {
                if (_flushing)
                {
                    Monitor.Wait(_flushGate);
                    continue;
                }
                _flushing = true;
                Monitor.Exit(_flushGate);
                try
                {
                    GatherArrivingCommits();
                    if (WrittenSeq < seq) WritePending(); // entries deferred in memory go out first
                    var target = WrittenSeq;
                    _device.Flush();
                    Interlocked.Increment(ref _flushes);
                    _lastFlushServed = (long)(target - Math.Min(target, DurableSeq));
                    Volatile.Write(ref _durableSeq, Math.Max(DurableSeq, target));
                }
                finally
                {
                    Monitor.Enter(_flushGate);
                    _flushing = false;
                    Monitor.PulseAll(_flushGate);
                }
            }
        }
    }

    /// <summary>A committer is on its way to append an entry (before it takes the store's lock).</summary>
    public void Arriving() => Interlocked.Increment(ref _arriving);

    /// <summary>The committer has appended its entry, or given up.</summary>
    public void Arrived() => Interlocked.Decrement(ref _arriving);

    /// <summary>
    /// Before a flush, waits a moment (at most <see cref="GatherMicroseconds"/>) while committers keep
    /// arriving: those on their way, and — when the last flush served several — those it just released,
    /// who commit again at once. Without the wait they would need a flush of their own right after this
    /// one, and concurrent committers would split into two groups taking turns. A lone committer finds
    /// nobody arriving, after a flush that served only itself, and does not wait.
    /// </summary>
    private void GatherArrivingCommits()
    {
        if (Volatile.Read(ref _arriving) == 0 && _lastFlushServed <= 1) return;
        var frequency = System.Diagnostics.Stopwatch.Frequency;
        var now = System.Diagnostics.Stopwatch.GetTimestamp();
        var deadline = now + frequency * GatherMicroseconds / 1_000_000;
        var quiet = frequency * QuietMicroseconds / 1_000_000;
        var seen = WrittenSeq;
        var lastArrival = now;
        var spin = new SpinWait();
        // Done once as many commits wait as the last flush served and nobody else is on the way, or when arrivals stop.
        while (now < deadline && (Volatile.Read(ref _arriving) > 0 || (now - lastArrival < quiet && (long)(seen - DurableSeq) < _lastFlushServed)))
        {
            spin.SpinOnce(sleep1Threshold: -1); // yield, never sleep a whole millisecond
            now = System.Diagnostics.Stopwatch.GetTimestamp();
            if (WrittenSeq != seen)
            {
                seen = WrittenSeq;
                lastArrival = now;
            }
        }
    }

    /// <summary>How long no new entry must arrive for a gathering flush to stop waiting.</summary>
    private const int QuietMicroseconds = 40;

    /// <summary>The longest a flush waits for arriving committers.</summary>
    public const int GatherMicroseconds = 100;

    /// <summary>
    /// A checkpoint has put every commit in the nodes (its superblock flushed): the commits before the previous checkpoint
    /// are no longer kept, and their space is given back to the file system (a hole, where the device makes one): no
    /// superblock copy on disk replays them any more.
    /// </summary>
    public void Reclaim()
    {
        var (from, to) = (RetainedTail, Tail);
        RetainedTail = Tail;
        Tail = Head;
        if (from < to) _device.Discard(_regionOffset + from, to - from);
        else if (from > to)
        {
            _device.Discard(_regionOffset + from, RegionBytes - from); // around the region's end
            _device.Discard(_regionOffset, to);
        }
    }

    /// <summary>Marks everything written durable (the caller wrote what was in memory and flushed the device).</summary>
    internal void MarkDurable()
    {
        lock (_flushGate) Volatile.Write(ref _durableSeq, WrittenSeq);
    }

    private long Distance(long from, long to) => to >= from ? to - from : RegionBytes - from + to;
}
