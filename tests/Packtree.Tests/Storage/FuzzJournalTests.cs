using System.Buffers.Binary;
using System.Text;
using Packtree.Keys;
using Packtree.Storage;
using Xunit.Abstractions;

namespace Packtree.Tests.Storage;

/// <summary>
/// Journal entries changed and resealed (their CRC-32 recomputed), so that the reader's rules beyond
/// the checksum are exercised — header fields, records, forged entries after the head, entries only the
/// older superblock copy still needs — and changed without resealing (torn), where the rule is exact: a
/// damaged entry that no later entry proves durable drops that commit and all after it, and one that a
/// later entry proves durable is an error.
/// </summary>
[Trait("Category", "Slow")]
public sealed class FuzzJournalTests(ITestOutputHelper output)
{
    /// <summary>Header fields: offset, size, name.</summary>
    private static readonly (int Offset, int Size, string Name)[] HeaderFields =
    [
        (0, 4, "magic"), (4, 4, "entry bytes"), (8, 8, "commit seq"), (16, 8, "durable seq"), (28, 2, "kind"), (30, 2, "reserved"), (32, 4, "record count"), (36, 4, "reserved"),
    ];

    [Fact]
    public void ResealedAndTornJournalEntriesAreRefusedOrReadBackAPrefix()
    {
        using var runner = new FuzzRunner("journal", output);
        var cases = 900 * FuzzRunner.Scale;
        for (var number = 0; number < cases; number++)
        {
            if (!runner.ShouldRun(number)) continue;
            var random = runner.RandomFor(number);
            var image = FuzzImage.All[number % FuzzImage.All.Count];
            var journal = Entries.For(image);
            var bytes = image.Copy();
            var roll = random.Next(100);
            // Now and then opened to salvage: the journal's damage ends the replay instead of failing it.
            var salvage = number % 7 == 5;
            var (category, (what, expected)) = roll switch
            {
                < 30 => ("torn", Torn(random, image, journal, bytes, salvage)),
                < 55 => ("resealed header", ResealedHeader(random, image, journal, bytes)),
                < 85 => ("resealed record", ResealedRecord(random, image, journal, bytes)),
                < 93 => ("forged after the head", Forged(random, image, journal, bytes)),
                _ => ("older copy's entries", OlderOnly(random, image, journal, bytes)),
            };
            if (salvage && category != "torn") expected = FuzzExpectation.AnyPrefix(image.Workload, [.. expected.States.Select(s => s.Workload).Where(w => w != image.Workload)]);
            runner.Run(number, image, salvage ? category + ", salvage" : category, what, bytes, expected, salvage);
        }
        runner.Finish();
    }

    /// <summary>An entry changed and not resealed, as a torn write leaves it.</summary>
    private static (string, FuzzExpectation) Torn(Random random, FuzzImage image, Entries journal, byte[] bytes, bool salvage = false)
    {
        var entry = PickEntry(random, journal);
        var at = Superblock.JournalOffset + entry.Offset;
        var changes = random.Next(1, 4);
        var where = new List<int>();
        for (var i = 0; i < changes; i++)
        {
            var offset = random.Next(entry.Length);
            var old = bytes[at + offset];
            do bytes[at + offset] = (byte)random.Next(256); while (bytes[at + offset] == old);
            where.Add(offset);
        }
        // Commit k's entry (or the wrap marker before it) is lost, and every commit after it with it. Whether
        // that is an error depends on whether a later entry says commit k was already durable when it was written.
        var k = (int)entry.Seq;
        var proven = journal.Commits.Any(e => e.Seq > entry.Seq && e.DurableSeq >= entry.Seq);
        // Salvage reads up to the damage either way.
        var expected = proven && !salvage ? new FuzzExpectation([], ErrorAllowed: true) : FuzzExpectation.Exactly(image.Workload, k - 1, errorAllowed: false);
        return ($"{entry} torn at entry bytes {string.Join(", ", where)} (not resealed; {(proven ? "a later entry proves it durable" : "no later entry proves it durable")})", expected);
    }

    /// <summary>A header field set to a telling value, the entry resealed (over its new length where that is in bounds).</summary>
    private static (string, FuzzExpectation) ResealedHeader(Random random, FuzzImage image, Entries journal, byte[] bytes)
    {
        var entry = PickEntry(random, journal);
        var at = (int)(Superblock.JournalOffset + entry.Offset);
        var (offset, size, name) = HeaderFields[random.Next(HeaderFields.Length)];
        var old = Read(bytes, at + offset, size);
        var other = journal.Commits[random.Next(journal.Commits.Count)];
        var value = random.Next(4) == 0 && size == 8 ? other.Seq + (ulong)random.Next(-1, 2) : FuzzSuperblockTests.InterestingValue(random, old, Read(bytes, (int)(Superblock.JournalOffset + other.Offset) + offset, size), size);
        Write(bytes, at + offset, size, value);
        var length = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(at + 4));
        Reseal(bytes, at, length >= JournalEntry.HeaderBytes && length % 8 == 0 && length <= image.Current.JournalBytes - entry.Offset ? length : entry.Length);
        // The durable seq matters only where the log ends early, which nothing else here makes happen.
        var expected = name == "durable seq" && entry.Kind == JournalEntry.KindCommit
            ? FuzzExpectation.Exactly(image.Workload, image.Workload.CommitCount, errorAllowed: false)
            : FuzzExpectation.AnyPrefix(image.Workload);
        return ($"{entry}: {name} (entry byte {offset}) {old} -> {value}, resealed", expected);
    }

    /// <summary>A record field changed, the entry resealed. Where the record still reads, the commit it makes is the workload's alternative.</summary>
    private static (string, FuzzExpectation) ResealedRecord(Random random, FuzzImage image, Entries journal, byte[] bytes)
    {
        var entry = journal.Commits[random.Next(3) == 0 ? journal.Commits.Count - 1 : random.Next(journal.Commits.Count)];
        var at = (int)(Superblock.JournalOffset + entry.Offset);
        var records = RecordOffsets(bytes.AsSpan(at, entry.Length));
        var r = random.Next(records.Count);
        var record = at + records[r];
        var valueLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(record + 2));
        string what;
        var choice = random.Next(8);
        if (choice >= 6 && valueLength == 0) choice = 4;
        switch (choice)
        {
            case 0:
                what = $"op {bytes[record]} -> {bytes[record] = (byte)random.Next(5)}";
                break;
            case 1:
                what = $"flags byte 0 -> {bytes[record + 1] = (byte)random.Next(1, 256)}";
                break;
            case 2:
            {
                var value = (ushort)FuzzSuperblockTests.InterestingValue(random, valueLength, 0, 2);
                BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(record + 2), value);
                what = $"value length {valueLength} -> {value}";
                break;
            }
            case 3:
            {
                var old = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(record + 4));
                var value = random.Next(2) == 0 ? (uint)random.Next(0, 6) : (uint)FuzzSuperblockTests.InterestingValue(random, old, 0, 4);
                BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(record + 4), value);
                what = $"tree id {old} -> {value}";
                break;
            }
            case 4 or 5:
            {
                var offset = random.Next(Bpos.ByteCount);
                var old = bytes[record + 8 + offset];
                do bytes[record + 8 + offset] = (byte)random.Next(256); while (bytes[record + 8 + offset] == old);
                what = $"key byte {offset} {old:x2} -> {bytes[record + 8 + offset]:x2}";
                break;
            }
            default:
            {
                var offset = random.Next(valueLength);
                var old = bytes[record + JournalEntry.RecordHeaderBytes + offset];
                do bytes[record + JournalEntry.RecordHeaderBytes + offset] = (byte)random.Next(256); while (bytes[record + JournalEntry.RecordHeaderBytes + offset] == old);
                what = $"value byte {offset} {old:x2} -> {bytes[record + JournalEntry.RecordHeaderBytes + offset]:x2}";
                break;
            }
        }
        Reseal(bytes, at, entry.Length);
        var alternative = WhatTheRecordSays(image, journal, entry, r, bytes.AsSpan(record, entry.Length - records[r]));
        return ($"{entry} record {r} at entry byte {records[r]}: {what}, resealed",
            alternative is null ? FuzzExpectation.AnyPrefix(image.Workload) : FuzzExpectation.AnyPrefix(image.Workload, alternative));
    }

    /// <summary>An entry written after the last one, with a valid checksum: the next commit, a gap, or a stale one.</summary>
    private static (string, FuzzExpectation) Forged(Random random, FuzzImage image, Entries journal, byte[] bytes)
    {
        var head = journal.Head;
        var n = (ulong)image.Workload.CommitCount;
        var key = new Bpos((ulong)random.Next(1, 3), (ulong)random.Next(0, 100), 0);
        var value = new byte[random.Next(0, 60)];
        random.NextBytes(value);
        var entry = new byte[JournalEntry.Bytes(value.Length)];
        if (head + entry.Length > image.Current.JournalBytes) return Torn(random, image, journal, bytes);
        var tree = journal.TreeIds.First();
        JournalEntry.WriteRecord(entry, JournalEntry.HeaderBytes, JournalOp.Put, tree.Value, key, value);
        var seq = n + (ulong)random.Next(-1, 3);
        var durable = random.Next(3) switch { 0 => 0UL, 1 => n, _ => n + 1 };
        JournalEntry.WriteHeader(entry, seq, durable, JournalEntry.KindCommit, 1);
        entry.CopyTo(bytes, Superblock.JournalOffset + head);
        FuzzExpectation expected;
        if (seq <= n) expected = FuzzExpectation.Exactly(image.Workload, (int)n, errorAllowed: false); // stale: an earlier lap's
        else if (seq == n + 1)
        {
            var next = image.Workload.Insert((int)n, [new FuzzOp(FuzzOpKind.Put, tree.Key, key, value)], $"the workload and the forged commit {seq}");
            expected = FuzzExpectation.Exactly(next, (int)n + 1, errorAllowed: false);
        }
        else expected = new FuzzExpectation([], ErrorAllowed: true); // a later commit where the next belongs: never written so
        return ($"forged entry at journal byte {head}: commit {seq}, durable {durable}, put '{tree.Key}' {key} ({value.Length} bytes)", expected);
    }

    /// <summary>An entry only the older superblock copy needs (before the current journal tail): torn or resealed, it changes nothing.</summary>
    private static (string, FuzzExpectation) OlderOnly(Random random, FuzzImage image, Entries journal, byte[] bytes)
    {
        if (journal.OlderOnly.Count == 0) return Torn(random, image, journal, bytes);
        var entry = journal.OlderOnly[random.Next(journal.OlderOnly.Count)];
        var at = (int)(Superblock.JournalOffset + entry.Offset);
        var offset = random.Next(entry.Length);
        // Not its commit seq: a resealed entry claiming a later commit is proof of commits the current log lacks.
        if (offset is >= 8 and < 16) offset += 8;
        offset = Math.Min(offset, entry.Length - 1);
        bytes[at + offset] ^= (byte)(1 << random.Next(8));
        var resealed = random.Next(2) == 0;
        if (resealed) Reseal(bytes, at, entry.Length);
        return ($"{entry} (needed only by the older copy): byte {offset} flipped{(resealed ? ", resealed" : "")}", FuzzExpectation.Exactly(image.Workload, image.Workload.CommitCount, errorAllowed: false));
    }

    /// <summary>The last commit's entry a third of the time (the torn-tail rule), a wrap marker now and then, else any.</summary>
    private static Entry PickEntry(Random random, Entries journal)
    {
        var roll = random.Next(10);
        if (roll < 3) return journal.Commits[^1];
        if (roll == 3 && journal.Wraps.Count > 0) return journal.Wraps[random.Next(journal.Wraps.Count)];
        return journal.Commits[random.Next(journal.Commits.Count)];
    }

    /// <summary>
    /// The workload with the changed record's commit as the record now reads, when it reads at all (a
    /// valid operation on a tree there is, a whole value): a resealed record is a commit the checksum
    /// cannot tell from a true one. A tree creation whose name changed is the tree renamed.
    /// </summary>
    private static FuzzWorkload? WhatTheRecordSays(FuzzImage image, Entries journal, Entry entry, int r, ReadOnlySpan<byte> record)
    {
        var op = (JournalOp)record[0];
        var valueLength = BinaryPrimitives.ReadUInt16LittleEndian(record[2..]);
        if (record[1] != 0 || JournalEntry.RecordHeaderBytes + valueLength > record.Length) return null;
        var id = BinaryPrimitives.ReadUInt32LittleEndian(record[4..]);
        var name = journal.TreeIds.FirstOrDefault(t => t.Value == id).Key;
        var value = record.Slice(JournalEntry.RecordHeaderBytes, valueLength).ToArray();
        var original = image.Workload.Commit((int)entry.Seq)[r];
        var k = (int)entry.Seq;
        switch (op)
        {
            case JournalOp.Put or JournalOp.Delete when name is not null && original.Kind != FuzzOpKind.CreateTree:
            {
                var ops = image.Workload.Commit(k).ToArray();
                ops[r] = new FuzzOp(op == JournalOp.Put ? FuzzOpKind.Put : FuzzOpKind.Delete, name, Bpos.Read(record[8..]), op == JournalOp.Put ? value : []);
                return image.Workload.Replace(k, ops, $"the workload with commit {k}'s update {r} as {ops[r]}");
            }
            case JournalOp.CreateTree when original.Kind == FuzzOpKind.CreateTree:
            {
                string renamed;
                try
                {
                    renamed = Superblock.StrictUtf8.GetString(value);
                }
                catch (DecoderFallbackException)
                {
                    return null;
                }
                return renamed == original.Tree ? null : image.Workload.Rename(original.Tree, renamed, $"the workload with '{original.Tree}' created as '{renamed}'");
            }
            default:
                return null;
        }
    }

    /// <summary>Where each record of an entry starts (walked by the value lengths, within the entry).</summary>
    private static List<int> RecordOffsets(ReadOnlySpan<byte> entry)
    {
        var offsets = new List<int>();
        var count = BinaryPrimitives.ReadInt32LittleEndian(entry[32..]);
        for (int i = 0, at = JournalEntry.HeaderBytes; i < count && at + JournalEntry.RecordHeaderBytes <= entry.Length; i++)
        {
            offsets.Add(at);
            at += JournalEntry.RecordHeaderBytes + BinaryPrimitives.ReadUInt16LittleEndian(entry[(at + 2)..]);
        }
        return offsets;
    }

    private static void Reseal(byte[] bytes, int at, int length)
    {
        var entry = bytes.AsSpan(at, length);
        BinaryPrimitives.WriteUInt32LittleEndian(entry[24..], JournalEntry.Checksum(entry));
    }

    private static ulong Read(byte[] s, int offset, int size) => size switch
    {
        2 => BinaryPrimitives.ReadUInt16LittleEndian(s.AsSpan(offset)),
        4 => BinaryPrimitives.ReadUInt32LittleEndian(s.AsSpan(offset)),
        _ => BinaryPrimitives.ReadUInt64LittleEndian(s.AsSpan(offset)),
    };

    private static void Write(byte[] s, int offset, int size, ulong value)
    {
        switch (size)
        {
            case 2: BinaryPrimitives.WriteUInt16LittleEndian(s.AsSpan(offset), (ushort)value); break;
            case 4: BinaryPrimitives.WriteUInt32LittleEndian(s.AsSpan(offset), (uint)value); break;
            default: BinaryPrimitives.WriteUInt64LittleEndian(s.AsSpan(offset), value); break;
        }
    }

    /// <summary>One entry of the journal region: where, how long, which commit, of which kind.</summary>
    private sealed record Entry(long Offset, int Length, ulong Seq, ulong DurableSeq, ushort Kind)
    {
        public override string ToString() => Kind == JournalEntry.KindWrap
            ? $"the wrap marker before commit {Seq} at journal byte {Offset}"
            : $"commit {Seq}'s entry at journal byte {Offset} ({Length} bytes)";
    }

    /// <summary>The entries of an image's journal: after the current checkpoint (in order, wrap markers apart), and before it back to the older copy's tail.</summary>
    private sealed class Entries
    {
        private static readonly Dictionary<FuzzImage, Entries> Cache = [];

        private Entries(FuzzImage image)
        {
            var current = Walk(image.Bytes, image.Current.JournalBytes, image.Current.JournalTail, image.Current.CheckpointSeq + 1, untilSeq: ulong.MaxValue, out var head);
            Commits = [.. current.Where(e => e.Kind == JournalEntry.KindCommit)];
            Wraps = [.. current.Where(e => e.Kind == JournalEntry.KindWrap)];
            Head = head;
            if (Commits.Count != image.Workload.CommitCount - (int)image.Current.CheckpointSeq)
                throw new InvalidOperationException($"Image {image.Name}: {Commits.Count} journal entries after the checkpoint at commit {image.Current.CheckpointSeq}; the workload made {image.Workload.CommitCount} commits.");
            OlderOnly = [.. Walk(image.Bytes, image.Older.JournalBytes, image.Older.JournalTail, image.Older.CheckpointSeq + 1, untilSeq: image.Current.CheckpointSeq, out _)];
            var ids = new Dictionary<string, uint>(StringComparer.Ordinal);
            for (var n = 1; n <= image.Workload.CommitCount; n++)
            {
                foreach (var op in image.Workload.Commit(n).Where(op => op.Kind == FuzzOpKind.CreateTree)) ids[op.Tree] = (uint)ids.Count + 1;
            }
            TreeIds = ids;
        }

        public List<Entry> Commits { get; }

        public List<Entry> Wraps { get; }

        /// <summary>Entries from the older copy's tail up to the current checkpoint.</summary>
        public List<Entry> OlderOnly { get; }

        /// <summary>Where the next entry would go.</summary>
        public long Head { get; }

        /// <summary>Tree ids by name, in creation order.</summary>
        public IReadOnlyDictionary<string, uint> TreeIds { get; }

        public static Entries For(FuzzImage image)
        {
            lock (Cache)
            {
                if (!Cache.TryGetValue(image, out var entries)) Cache[image] = entries = new Entries(image);
                return entries;
            }
        }

        /// <summary>Walks the entries from <paramref name="tail"/> as the reader does: by their lengths, through wrap markers, while the commit seq follows.</summary>
        private static List<Entry> Walk(byte[] image, long regionBytes, long tail, ulong seq, ulong untilSeq, out long head)
        {
            var entries = new List<Entry>();
            var at = tail;
            for (var consumed = 0L; consumed < regionBytes && seq <= untilSeq;)
            {
                if (regionBytes - at < JournalEntry.HeaderBytes)
                {
                    consumed += regionBytes - at;
                    at = 0;
                    continue;
                }
                var h = JournalEntry.ReadHeader(image.AsSpan((int)(Superblock.JournalOffset + at)));
                if (h.Magic != JournalEntry.Magic || h.Seq != seq || h.Length < JournalEntry.HeaderBytes) break;
                entries.Add(new Entry(at, h.Length, h.Seq, h.DurableSeq, h.Kind));
                if (h.Kind == JournalEntry.KindWrap)
                {
                    consumed += regionBytes - at;
                    at = 0;
                    continue;
                }
                consumed += h.Length;
                at += h.Length;
                seq++;
            }
            head = at;
            return entries;
        }
    }
}
