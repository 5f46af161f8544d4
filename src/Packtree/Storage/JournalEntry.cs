using System.Buffers.Binary;
using System.IO.Hashing;
using Packtree.Keys;

namespace Packtree.Storage;

/// <summary>
/// The bytes of one journal entry (docs/FORMAT.md): a 40-byte header — magic, length, commit seq, the
/// highest seq durable when it was written, CRC-32, kind, record count — then the records, zero-padded
/// to a multiple of 8 bytes. Reading checks every field, so a damaged entry with a valid checksum is
/// still refused.
/// </summary>
internal static class JournalEntry
{
    /// <summary>"JRNL".</summary>
    public const uint Magic = 0x4C4E524A;

    /// <summary>Entry header bytes.</summary>
    public const int HeaderBytes = 40;

    /// <summary>Record header bytes (before the value).</summary>
    public const int RecordHeaderBytes = 28;

    /// <summary>
    /// Record flag (byte 1): the key is kept as words at the start of the value area, its word count in header bytes
    /// 8..9 (a put or delete in a tree of keys other than positions); for a tree creation, the value area starts with
    /// the tree's key schema (its length in a byte, then its description).
    /// </summary>
    public const byte FlagWide = 1;

    /// <summary>Record flag (byte 1) of a put: the value is a reference to a value kept out of line, whose extents are records of the same entry.</summary>
    public const byte FlagReference = 2;

    /// <summary>Record flag (byte 1) of a tree creation: its payload starts with the tree's <see cref="TreeSettings"/> (4 bytes).</summary>
    public const byte FlagSettings = 4;

    /// <summary>Kind of an entry holding one commit.</summary>
    public const ushort KindCommit = 1;

    /// <summary>Kind of the marker that sends readers back to the region's start.</summary>
    public const ushort KindWrap = 2;

    /// <summary>Size of the entry for <paramref name="records"/> (a long: a huge batch must be refused, not wrap around).</summary>
    public static long Bytes(IReadOnlyList<JournalRecord> records)
    {
        long bytes = HeaderBytes;
        foreach (var record in records) bytes += RecordHeaderBytes + record.PayloadBytes;
        return (bytes + 7) & ~7L;
    }

    /// <summary>Size of the entry for one record with a value of <paramref name="valueBytes"/>.</summary>
    public static int Bytes(int valueBytes) => (HeaderBytes + RecordHeaderBytes + valueBytes + 7) & ~7;

    /// <summary>Writes one record of a position tree (or a tree creation without a schema) at <paramref name="at"/>; returns where the next one goes.</summary>
    public static int WriteRecord(Span<byte> entry, int at, JournalOp op, uint treeId, Bpos key, ReadOnlySpan<byte> value)
    {
        entry[at] = (byte)op;
        entry[at + 1] = 0;
        BinaryPrimitives.WriteUInt16LittleEndian(entry[(at + 2)..], checked((ushort)value.Length));
        BinaryPrimitives.WriteUInt32LittleEndian(entry[(at + 4)..], treeId);
        key.Write(entry[(at + 8)..]);
        value.CopyTo(entry[(at + RecordHeaderBytes)..]);
        return at + RecordHeaderBytes + value.Length;
    }

    /// <summary>Writes one put or delete of a tree of keys other than positions: the key's words first in the value area.</summary>
    public static int WriteWideRecord(Span<byte> entry, int at, JournalOp op, uint treeId, ReadOnlySpan<ulong> key, ReadOnlySpan<byte> value)
    {
        var payload = 8 * key.Length + value.Length;
        entry[at] = (byte)op;
        entry[at + 1] = FlagWide;
        BinaryPrimitives.WriteUInt16LittleEndian(entry[(at + 2)..], checked((ushort)payload));
        BinaryPrimitives.WriteUInt32LittleEndian(entry[(at + 4)..], treeId);
        entry.Slice(at + 8, 20).Clear();
        BinaryPrimitives.WriteUInt16LittleEndian(entry[(at + 8)..], (ushort)key.Length);
        var next = at + RecordHeaderBytes;
        foreach (var word in key)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(entry[next..], word);
            next += 8;
        }
        value.CopyTo(entry[next..]);
        return next + value.Length;
    }

    /// <summary>Writes <paramref name="record"/> at <paramref name="at"/> in the layout its kind takes; returns where the next one goes.</summary>
    public static int WriteRecord(Span<byte> entry, int at, in JournalRecord record)
    {
        if (record.Op == JournalOp.CreateTree && !record.Settings.IsDefault)
        {
            // Written as without settings, then the payload moves up to make room for them at its start.
            var end = WriteRecord(entry, at, record with { Settings = default });
            var start = at + RecordHeaderBytes;
            var length = BinaryPrimitives.ReadUInt16LittleEndian(entry[(at + 2)..]);
            entry.Slice(start, length).CopyTo(entry[(start + TreeSettings.Bytes)..]);
            record.Settings.Write(entry[start..]);
            BinaryPrimitives.WriteUInt16LittleEndian(entry[(at + 2)..], checked((ushort)(length + TreeSettings.Bytes)));
            entry[at + 1] |= FlagSettings;
            return end + TreeSettings.Bytes;
        }
        if (record.Reference)
        {
            var end = record.WideKey
                ? WriteWideRecord(entry, at, record.Op, record.TreeId, record.Key, record.Value.Span)
                : WriteRecord(entry, at, record.Op, record.TreeId, KeyFields.ToPosition(record.Key), record.Value.Span);
            entry[at + 1] |= FlagReference;
            return end;
        }
        if (record.WideKey) return WriteWideRecord(entry, at, record.Op, record.TreeId, record.Key, record.Value.Span);
        if (record.Schema is not { IsPositions: false } schema)
            return WriteRecord(entry, at, record.Op, record.TreeId, record.Key.Length == 0 ? default : KeyFields.ToPosition(record.Key), record.Value.Span);
        var description = schema.ToBytes();
        var payload = 1 + description.Length + record.Value.Length;
        entry[at] = (byte)record.Op;
        entry[at + 1] = FlagWide;
        BinaryPrimitives.WriteUInt16LittleEndian(entry[(at + 2)..], checked((ushort)payload));
        BinaryPrimitives.WriteUInt32LittleEndian(entry[(at + 4)..], record.TreeId);
        entry.Slice(at + 8, 20).Clear();
        var next = at + RecordHeaderBytes;
        entry[next] = (byte)description.Length;
        description.CopyTo(entry[(next + 1)..]);
        record.Value.Span.CopyTo(entry[(next + 1 + description.Length)..]);
        return next + payload;
    }

    /// <summary>Fills in the header of <paramref name="entry"/> (whose length is the entry's), checksum last.</summary>
    public static void WriteHeader(Span<byte> entry, ulong seq, ulong durableSeq, ushort kind, int count)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(entry, Magic);
        BinaryPrimitives.WriteInt32LittleEndian(entry[4..], entry.Length);
        BinaryPrimitives.WriteUInt64LittleEndian(entry[8..], seq);
        BinaryPrimitives.WriteUInt64LittleEndian(entry[16..], durableSeq);
        BinaryPrimitives.WriteUInt32LittleEndian(entry[24..], 0);
        BinaryPrimitives.WriteUInt16LittleEndian(entry[28..], kind);
        BinaryPrimitives.WriteUInt16LittleEndian(entry[30..], 0);
        BinaryPrimitives.WriteInt32LittleEndian(entry[32..], count);
        BinaryPrimitives.WriteUInt32LittleEndian(entry[36..], 0);
        BinaryPrimitives.WriteUInt32LittleEndian(entry[24..], Checksum(entry));
    }

    /// <summary>CRC-32 of an entry with its checksum field taken as 0.</summary>
    public static uint Checksum(ReadOnlySpan<byte> entry)
    {
        var crc = new Crc32();
        crc.Append(entry[..24]);
        crc.Append([0, 0, 0, 0]);
        crc.Append(entry[28..]);
        return crc.GetCurrentHashAsUInt32();
    }

    /// <summary>The CRC-32 of the <paramref name="length"/>-byte entry at <paramref name="offset"/> of the device, read in pieces (no buffer of the entry's size).</summary>
    public static uint Checksum(StorageDevice device, long offset, long length, byte[] buffer)
    {
        var crc = new Crc32();
        for (long done = 0; done < length;)
        {
            var n = (int)Math.Min(buffer.Length, length - done);
            var piece = buffer.AsSpan(0, n);
            device.Read(offset + done, piece);
            if (done == 0) piece[24..28].Clear(); // the checksum field itself counts as 0 (buffers are at least a header long)
            crc.Append(piece);
            done += n;
        }
        return crc.GetCurrentHashAsUInt32();
    }

    /// <summary>Reads a header.</summary>
    public static JournalEntryHeader ReadHeader(ReadOnlySpan<byte> header) => new(
        BinaryPrimitives.ReadUInt32LittleEndian(header),
        BinaryPrimitives.ReadInt32LittleEndian(header[4..]),
        BinaryPrimitives.ReadUInt64LittleEndian(header[8..]),
        BinaryPrimitives.ReadUInt64LittleEndian(header[16..]),
        BinaryPrimitives.ReadUInt32LittleEndian(header[24..]),
        BinaryPrimitives.ReadUInt16LittleEndian(header[28..]),
        BinaryPrimitives.ReadUInt16LittleEndian(header[30..]),
        BinaryPrimitives.ReadInt32LittleEndian(header[32..]),
        BinaryPrimitives.ReadUInt32LittleEndian(header[36..]));

    /// <summary>
    /// The records of a commit entry whose checksum held. Every record must be whole, of a known kind,
    /// and the records must end exactly where the entry's padding begins, with the padding zero: an entry
    /// is read to its end. Null with the reason otherwise.
    /// </summary>
    public static List<JournalRecord>? TryParseRecords(ReadOnlyMemory<byte> entry, int count, out string? problem)
    {
        problem = null;
        var bytes = entry.Span;
        var records = new List<JournalRecord>(Math.Min(count, entry.Length / RecordHeaderBytes));
        var at = HeaderBytes;
        for (var i = 0; i < count; i++)
        {
            if (at + RecordHeaderBytes > entry.Length)
            {
                problem = $"record {i} of {count} starts at entry byte {at}, past the entry's {entry.Length} bytes";
                return null;
            }
            var op = (JournalOp)bytes[at];
            var valueLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes[(at + 2)..]);
            var flags = bytes[at + 1];
            if (op is not (JournalOp.Put or JournalOp.Delete or JournalOp.CreateTree) || (flags & ~(FlagWide | FlagReference | FlagSettings)) != 0
                || ((flags & FlagReference) != 0 && op != JournalOp.Put) || ((flags & FlagSettings) != 0 && op != JournalOp.CreateTree))
            {
                problem = $"record {i} at entry byte {at} has operation {bytes[at]} (flags {bytes[at + 1]}), which names no operation";
                return null;
            }
            if (at + RecordHeaderBytes + valueLength > entry.Length)
            {
                problem = $"record {i} at entry byte {at} has a value of {valueLength} bytes running past the entry's end";
                return null;
            }
            var treeId = BinaryPrimitives.ReadUInt32LittleEndian(bytes[(at + 4)..]);
            var payload = entry.Slice(at + RecordHeaderBytes, valueLength);
            var settings = default(TreeSettings);
            if ((flags & FlagSettings) != 0)
            {
                string? settingsProblem = null;
                if (payload.Length < TreeSettings.Bytes || TreeSettings.TryRead(payload.Span, out settingsProblem) is not { } read)
                {
                    problem = $"record {i} at entry byte {at} creates a tree with settings that make no sense: {(payload.Length < TreeSettings.Bytes ? "its payload is too short for them" : settingsProblem)}";
                    return null;
                }
                settings = read;
                payload = payload[TreeSettings.Bytes..];
            }
            var record = (flags & FlagWide) == 0
                ? new JournalRecord(op, treeId, Bpos.Read(bytes[(at + 8)..]), payload)
                : WideRecord(op, treeId, bytes.Slice(at + 8, 20), payload, out problem);
            if ((flags & FlagReference) != 0) record = record with { Reference = true };
            if ((flags & FlagSettings) != 0) record = record with { Settings = settings };
            if (problem is not null)
            {
                problem = $"record {i} at entry byte {at}: {problem}";
                return null;
            }
            if (op == JournalOp.Delete && record.Value.Length != 0)
            {
                problem = $"record {i} at entry byte {at} deletes but carries {record.Value.Length} value bytes";
                return null;
            }
            records.Add(record);
            at += RecordHeaderBytes + valueLength;
        }
        if (((at + 7) & ~7) != entry.Length || bytes[at..].IndexOfAnyExcept((byte)0) >= 0)
        {
            problem = $"its {count} records end at entry byte {at}, but the entry has {entry.Length} bytes";
            return null;
        }
        return records;
    }

    /// <summary>A record with the wide flag: a put or delete whose key words start the payload, or a tree creation whose schema does.</summary>
    private static JournalRecord WideRecord(JournalOp op, uint treeId, ReadOnlySpan<byte> header, ReadOnlyMemory<byte> payload, out string? problem)
    {
        problem = null;
        var none = new JournalRecord(op, treeId, [], false, ReadOnlyMemory<byte>.Empty);
        if (op == JournalOp.CreateTree)
        {
            if (header.IndexOfAnyExcept((byte)0) >= 0 || payload.Length == 0 || payload.Span[0] + 1 > payload.Length)
            {
                problem = $"a tree creation whose key schema of {(payload.Length == 0 ? 0 : payload.Span[0])} bytes does not fit its {payload.Length}-byte payload (or whose header is not zero)";
                return none;
            }
            var length = payload.Span[0];
            var schema = KeySchema.TryRead(payload.Span.Slice(1, length), out var why);
            if (schema is null)
            {
                problem = $"the new tree's key schema: {why}";
                return none;
            }
            return new JournalRecord(op, treeId, [], false, payload[(1 + length)..], schema);
        }
        int words = BinaryPrimitives.ReadUInt16LittleEndian(header);
        if (words == 0 || words > KeySchema.MaxFieldCount || header[2..].IndexOfAnyExcept((byte)0) >= 0 || 8 * words > payload.Length)
        {
            problem = $"a key of {words} words in a payload of {payload.Length} bytes (a key has 1 to {KeySchema.MaxFieldCount} words, and the rest of the header is zero)";
            return none;
        }
        var key = new ulong[words];
        for (var i = 0; i < words; i++) key[i] = BinaryPrimitives.ReadUInt64LittleEndian(payload.Span[(8 * i)..]);
        return new JournalRecord(op, treeId, key, true, payload[(8 * words)..]);
    }
}

/// <summary>The fields of a journal entry header, as read.</summary>
internal readonly record struct JournalEntryHeader(uint Magic, int Length, ulong Seq, ulong DurableSeq, uint Checksum, ushort Kind, ushort Reserved, int Count, uint Reserved2);
