using System.Buffers.Binary;
using System.IO.Hashing;
using Packtree.Keys;

namespace Packtree.Storage;

/// <summary>
/// The journal: a circular region of the store file where every commit is appended as one entry
/// (docs/FORMAT.md) before it is applied, so that a commit is durable without writing nodes. A
/// checkpoint writes the nodes and moves the tail up to the head, freeing the space.
/// </summary>
/// <remarks>
/// Group commit: entries are written in commit order by the committing thread (under the store's
/// write lock); making them durable is separate — the first committer to ask flushes every entry
/// written so far, and those that asked meanwhile find their entry already durable.
/// </remarks>
public sealed class Journal
{
    /// <summary>"JRNL".</summary>
    public const uint EntryMagic = 0x4C4E524A;

    /// <summary>Entry header bytes.</summary>
    public const int HeaderBytes = 32;

    /// <summary>Record header bytes (before the value).</summary>
    public const int RecordHeaderBytes = 28;

    private const ushort KindCommit = 1;
    private const ushort KindWrap = 2;

    private readonly StorageDevice _device;
    private readonly long _regionOffset;
    private readonly object _flushLock = new();
    private byte[] _scratch = new byte[4096];
    private ulong _writtenSeq;
    private ulong _durableSeq;

    /// <summary>A journal over [<paramref name="regionOffset"/>, + <paramref name="regionBytes"/>) of <paramref name="device"/>, continuing after <paramref name="lastSeq"/> at <paramref name="head"/>.</summary>
    public Journal(StorageDevice device, long regionOffset, long regionBytes, long tail, long head, ulong lastSeq)
    {
        _device = device;
        _regionOffset = regionOffset;
        RegionBytes = regionBytes;
        Tail = tail;
        Head = head;
        _writtenSeq = _durableSeq = lastSeq;
    }

    /// <summary>Size of the region.</summary>
    public long RegionBytes { get; }

    /// <summary>Where the oldest entry still needed begins (the last checkpoint's position).</summary>
    public long Tail { get; private set; }

    /// <summary>Where the next entry goes.</summary>
    public long Head { get; private set; }

    /// <summary>Bytes between tail and head.</summary>
    public long UsedBytes => Head >= Tail ? Head - Tail : RegionBytes - Tail + Head;

    /// <summary>The highest sequence number written (not necessarily durable).</summary>
    public ulong WrittenSeq => Volatile.Read(ref _writtenSeq);

    /// <summary>The highest sequence number known durable.</summary>
    public ulong DurableSeq => Volatile.Read(ref _durableSeq);

    /// <summary>The largest entry the journal takes: a quarter of the region.</summary>
    public long MaxEntryBytes => RegionBytes / 4;

    /// <summary>Whether an entry of <paramref name="bytes"/> fits before the tail without a checkpoint.</summary>
    public bool HasRoomFor(int bytes)
    {
        // The live entries run from tail to head, around the end of the region; a new one may not reach the tail.
        if (Head < Tail) return Head + bytes < Tail;
        if (Head + bytes <= RegionBytes) return true;
        return bytes < Tail; // wraps to the start
    }

    /// <summary>Size of the entry for <paramref name="records"/>.</summary>
    public static int EntryBytes(IReadOnlyList<JournalRecord> records)
    {
        var bytes = HeaderBytes;
        foreach (var record in records) bytes += RecordHeaderBytes + record.Value.Length;
        return (bytes + 7) & ~7;
    }

    /// <summary>Size of the entry for one record with a value of <paramref name="valueBytes"/>.</summary>
    public static int EntryBytes(int valueBytes) => (HeaderBytes + RecordHeaderBytes + valueBytes + 7) & ~7;

    /// <summary>Writes the entry for commit <paramref name="seq"/> at the head (not yet durable). The caller checked <see cref="HasRoomFor"/>.</summary>
    /// <exception cref="IOException">The write failed; the journal is unchanged in memory.</exception>
    public void Append(ulong seq, IReadOnlyList<JournalRecord> records)
    {
        var entry = Prepare(EntryBytes(records));
        var at = HeaderBytes;
        foreach (var record in records) at = WriteRecord(entry, at, record.Op, record.TreeId, record.Key, record.Value.Span);
        Commit(entry, seq, (ushort)records.Count);
    }

    /// <summary>Writes the entry of a commit of one update, without allocating.</summary>
    /// <exception cref="IOException">The write failed; the journal is unchanged in memory.</exception>
    public void Append(ulong seq, JournalOp op, uint treeId, Bpos key, ReadOnlySpan<byte> value)
    {
        var entry = Prepare(EntryBytes(value.Length));
        WriteRecord(entry, HeaderBytes, op, treeId, key, value);
        Commit(entry, seq, 1);
    }

    private Span<byte> Prepare(int length)
    {
        if (length > MaxEntryBytes) throw new InvalidOperationException($"A commit of {length} bytes exceeds the journal's largest entry ({MaxEntryBytes} bytes, a quarter of its {RegionBytes}); split the batch or give the store a larger journal.");
        if (length > _scratch.Length) _scratch = new byte[Math.Max(length, _scratch.Length * 2)];
        var entry = _scratch.AsSpan(0, length);
        entry.Clear();
        return entry;
    }

    private static int WriteRecord(Span<byte> entry, int at, JournalOp op, uint treeId, Bpos key, ReadOnlySpan<byte> value)
    {
        entry[at] = (byte)op;
        BinaryPrimitives.WriteUInt16LittleEndian(entry[(at + 2)..], (ushort)value.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(entry[(at + 4)..], treeId);
        key.Write(entry[(at + 8)..]);
        value.CopyTo(entry[(at + RecordHeaderBytes)..]);
        return at + RecordHeaderBytes + value.Length;
    }

    private void Commit(Span<byte> entry, ulong seq, ushort count)
    {
        var length = entry.Length;
        WriteHeader(entry, length, seq, KindCommit, count);
        var head = Head;
        if (head + length > RegionBytes)
        {
            // Not enough room before the region's end: a wrap marker (if it fits) sends readers to the start.
            if (RegionBytes - head >= HeaderBytes)
            {
                Span<byte> wrap = stackalloc byte[HeaderBytes];
                wrap.Clear();
                WriteHeader(wrap, HeaderBytes, seq, KindWrap, 0);
                _device.Write(_regionOffset + head, wrap);
            }
            head = 0;
        }
        _device.Write(_regionOffset + head, entry);
        Head = head + length;
        Volatile.Write(ref _writtenSeq, seq);
    }

    /// <summary>Returns once every entry up to <paramref name="seq"/> is on stable storage; flushes once for everyone waiting.</summary>
    public void WaitDurable(ulong seq)
    {
        if (DurableSeq >= seq) return;
        lock (_flushLock)
        {
            if (DurableSeq >= seq) return;
            var target = WrittenSeq;
            _device.Flush();
            Volatile.Write(ref _durableSeq, target);
        }
    }

    /// <summary>A checkpoint has put every commit in the nodes: the space up to the head is free again.</summary>
    public void Reclaim() => Tail = Head;

    /// <summary>Marks everything written durable (the caller flushed the device).</summary>
    internal void MarkDurable() => Volatile.Write(ref _durableSeq, WrittenSeq);

    private void WriteHeader(Span<byte> entry, int length, ulong seq, ushort kind, ushort count)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(entry, EntryMagic);
        BinaryPrimitives.WriteInt32LittleEndian(entry[4..], length);
        BinaryPrimitives.WriteUInt64LittleEndian(entry[8..], seq);
        BinaryPrimitives.WriteUInt64LittleEndian(entry[16..], DurableSeq);
        BinaryPrimitives.WriteUInt16LittleEndian(entry[28..], kind);
        BinaryPrimitives.WriteUInt16LittleEndian(entry[30..], count);
        BinaryPrimitives.WriteUInt32LittleEndian(entry[24..], Checksum(entry));
    }

    private static uint Checksum(ReadOnlySpan<byte> entry)
    {
        var crc = new Crc32();
        crc.Append(entry[..24]);
        crc.Append([0, 0, 0, 0]);
        crc.Append(entry[28..]);
        return crc.GetCurrentHashAsUInt32();
    }

    /// <summary>
    /// Reads the entries after a checkpoint: from <paramref name="tail"/>, commit <paramref name="firstSeq"/>
    /// on, in order, until one is missing or torn. A damaged entry that later entries prove was durable
    /// (they were written after it was flushed) is corruption, not a torn tail.
    /// </summary>
    /// <exception cref="InvalidDataException">Acknowledged entries are damaged; the message gives the file offset.</exception>
    public static JournalReplay Replay(StorageDevice device, long regionOffset, long regionBytes, long tail, ulong firstSeq, Action<ulong, IReadOnlyList<JournalRecord>> apply)
    {
        var seq = firstSeq;
        var at = tail;
        var header = new byte[HeaderBytes];
        var records = new List<JournalRecord>();
        var consumed = 0L;
        while (consumed < regionBytes)
        {
            if (regionBytes - at < HeaderBytes)
            {
                consumed += regionBytes - at;
                at = 0;
            }
            device.Read(regionOffset + at, header);
            var length = BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(4));
            if (BinaryPrimitives.ReadUInt32LittleEndian(header) != EntryMagic || BinaryPrimitives.ReadUInt64LittleEndian(header.AsSpan(8)) != seq ||
                length < HeaderBytes || length % 8 != 0 || length > regionBytes - at)
                break;
            var entry = new byte[length];
            device.Read(regionOffset + at, entry);
            if (BinaryPrimitives.ReadUInt32LittleEndian(entry.AsSpan(24)) != Checksum(entry)) break;
            var kind = BinaryPrimitives.ReadUInt16LittleEndian(entry.AsSpan(28));
            if (kind == KindWrap)
            {
                consumed += regionBytes - at;
                at = 0;
                continue;
            }
            if (kind != KindCommit || !TryParse(entry, records)) break;
            apply(seq, records);
            consumed += length;
            at += length;
            seq++;
        }
        CheckNoDurableEntryLater(device, regionOffset, regionBytes, at, seq);
        return new JournalReplay(at, seq - 1);
    }

    private static bool TryParse(byte[] entry, List<JournalRecord> records)
    {
        records.Clear();
        var count = BinaryPrimitives.ReadUInt16LittleEndian(entry.AsSpan(30));
        var at = HeaderBytes;
        for (var i = 0; i < count; i++)
        {
            if (at + RecordHeaderBytes > entry.Length) return false;
            var op = (JournalOp)entry[at];
            var valueLength = BinaryPrimitives.ReadUInt16LittleEndian(entry.AsSpan(at + 2));
            if (op is not (JournalOp.Put or JournalOp.Delete) || at + RecordHeaderBytes + valueLength > entry.Length) return false;
            records.Add(new JournalRecord(op, BinaryPrimitives.ReadUInt32LittleEndian(entry.AsSpan(at + 4)), Bpos.Read(entry.AsSpan(at + 8)), entry.AsMemory(at + RecordHeaderBytes, valueLength)));
            at += RecordHeaderBytes + valueLength;
        }
        return true;
    }

    /// <summary>
    /// The replay stopped at commit <paramref name="missing"/>. If a valid entry further on says that
    /// commit was already durable when it was written, an acknowledged commit was lost: corruption.
    /// </summary>
    private static void CheckNoDurableEntryLater(StorageDevice device, long regionOffset, long regionBytes, long stoppedAt, ulong missing)
    {
        var region = new byte[(int)Math.Min(regionBytes, int.MaxValue - 64)];
        device.Read(regionOffset, region);
        for (long at = 0; at + HeaderBytes <= region.Length; at += 8)
        {
            var span = region.AsSpan((int)at);
            if (BinaryPrimitives.ReadUInt32LittleEndian(span) != EntryMagic) continue;
            var seq = BinaryPrimitives.ReadUInt64LittleEndian(span[8..]);
            var durable = BinaryPrimitives.ReadUInt64LittleEndian(span[16..]);
            var length = BinaryPrimitives.ReadInt32LittleEndian(span[4..]);
            if (seq <= missing || durable < missing || length < HeaderBytes || length > span.Length) continue;
            if (BinaryPrimitives.ReadUInt32LittleEndian(span[24..]) != Checksum(span[..length])) continue;
            throw new InvalidDataException(
                $"Journal entry of commit {missing} at byte {regionOffset + stoppedAt} of the store file is missing or damaged, but commit {seq} at byte {regionOffset + at} says commit {durable} was already durable: acknowledged commits were lost.");
        }
    }
}

/// <summary>Where a replay ended: the head for new entries and the last commit applied.</summary>
public readonly record struct JournalReplay(long Head, ulong LastSeq);
