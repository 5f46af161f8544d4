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

    /// <summary>Kind of an entry holding one commit.</summary>
    public const ushort KindCommit = 1;

    /// <summary>Kind of the marker that sends readers back to the region's start.</summary>
    public const ushort KindWrap = 2;

    /// <summary>Size of the entry for <paramref name="records"/> (a long: a huge batch must be refused, not wrap around).</summary>
    public static long Bytes(IReadOnlyList<JournalRecord> records)
    {
        long bytes = HeaderBytes;
        foreach (var record in records) bytes += RecordHeaderBytes + record.Value.Length;
        return (bytes + 7) & ~7L;
    }

    /// <summary>Size of the entry for one record with a value of <paramref name="valueBytes"/>.</summary>
    public static int Bytes(int valueBytes) => (HeaderBytes + RecordHeaderBytes + valueBytes + 7) & ~7;

    /// <summary>Writes one record at <paramref name="at"/>; returns where the next one goes.</summary>
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
            if (op is not (JournalOp.Put or JournalOp.Delete or JournalOp.CreateTree) || bytes[at + 1] != 0)
            {
                problem = $"record {i} at entry byte {at} has operation {bytes[at]} (flags {bytes[at + 1]}), which names no operation";
                return null;
            }
            if (op == JournalOp.Delete && valueLength != 0)
            {
                problem = $"record {i} at entry byte {at} deletes but carries {valueLength} value bytes";
                return null;
            }
            if (at + RecordHeaderBytes + valueLength > entry.Length)
            {
                problem = $"record {i} at entry byte {at} has a value of {valueLength} bytes running past the entry's end";
                return null;
            }
            records.Add(new JournalRecord(op, BinaryPrimitives.ReadUInt32LittleEndian(bytes[(at + 4)..]), Bpos.Read(bytes[(at + 8)..]), entry.Slice(at + RecordHeaderBytes, valueLength)));
            at += RecordHeaderBytes + valueLength;
        }
        if (((at + 7) & ~7) != entry.Length || bytes[at..].IndexOfAnyExcept((byte)0) >= 0)
        {
            problem = $"its {count} records end at entry byte {at}, but the entry has {entry.Length} bytes";
            return null;
        }
        return records;
    }
}

/// <summary>The fields of a journal entry header, as read.</summary>
internal readonly record struct JournalEntryHeader(uint Magic, int Length, ulong Seq, ulong DurableSeq, uint Checksum, ushort Kind, ushort Reserved, int Count, uint Reserved2);
