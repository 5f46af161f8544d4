using System.Buffers.Binary;
using Packtree.Keys;

namespace Packtree.Nodes;

// Reading a node: walk the log of writes, validate each, then merge the bsets newest-wins.
internal sealed partial class NodeCodec
{
    /// <summary>
    /// Reads and validates a node. <paramref name="expectedSeq"/> and <paramref name="sectorsWritten"/>
    /// come from the parent's pointer; with <paramref name="sectorsWritten"/> 0 the log is followed
    /// until a write's seq stops matching.
    /// </summary>
    /// <param name="node">The node's bytes, <see cref="NodeGeometry.NodeBytes"/> long.</param>
    /// <param name="expectedSeq">The node's identity as the parent knows it.</param>
    /// <param name="sectorsWritten">Sectors that belong to the node, or 0 if unknown.</param>
    /// <param name="name">How errors name the node (its address, say).</param>
    /// <param name="expected">The btree, level and range the parent implies, checked against the header when given.</param>
    /// <param name="blacklist">Journal sequence numbers lost in a crash: a later write holding them is skipped (docs/DESIGN.md §3.6).</param>
    /// <param name="rules">What the store requires of its keys beyond the format (types per level, values, how pointers tile), checked as they are read; none when null.</param>
    /// <param name="fileOffset">Where the node starts in the store file, when it is read from one: errors then give the file offset too.</param>
    /// <exception cref="CorruptNodeException">A rule is broken; the message says where and which.</exception>
    public NodeImage Read(ReadOnlySpan<byte> node, ulong expectedSeq, int sectorsWritten, string name, NodeExpectation? expected = null, JournalSeqBlacklist? blacklist = null,
        NodeKeyRules? rules = null, long? fileOffset = null) =>
        Read(node, expectedSeq, sectorsWritten, new NodeName(name, fileOffset), expected, blacklist, rules);

    private NodeImage Read(ReadOnlySpan<byte> node, ulong expectedSeq, int sectorsWritten, NodeName name, NodeExpectation? expected, JournalSeqBlacklist? blacklist, NodeKeyRules? rules)
    {
        blacklist ??= JournalSeqBlacklist.Empty;
        if (node.Length != Geometry.NodeBytes)
            throw new ArgumentException($"The node buffer has {node.Length} bytes; nodes here are {Geometry.NodeBytes}.", nameof(node));
        if (sectorsWritten < 0 || sectorsWritten > Geometry.NodeSectors)
            throw new ArgumentOutOfRangeException(nameof(sectorsWritten), sectorsWritten, $"A node has {Geometry.NodeSectors} sectors.");

        var magic = BinaryPrimitives.ReadUInt64LittleEndian(node[16..]);
        if (magic != Magic) throw Corrupt(name, 0, 16, $"magic is {magic:x16}, this store's nodes have {Magic:x16}");

        var limit = sectorsWritten != 0 ? sectorsWritten : Geometry.NodeSectors;
        var bsets = new List<BsetRecord>();
        var merging = new List<BsetRecord>();
        NodeHeader? header = null;
        var written = 0;
        while (written < limit)
        {
            var first = written == 0;
            var start = written * NodeGeometry.SectorBytes;
            // The first write's header says where its bset starts: after the extension of a node of keys other than positions.
            var extension = first ? ExtensionBytes(node, name) : 0;
            var headerBytes = first ? NodeHeader.ByteCount + extension : EntryHeaderBytes;
            var bsetAt = start + (first ? NodeHeader.BsetOffset + extension : Checksum.ByteCount);
            var index = bsets.Count;
            if (start + headerBytes > node.Length) break; // no room for another header: the log ends
            var bset = BsetHeader.Read(node[bsetAt..]);
            if (!first && bset.Seq != bsets[0].Header.Seq)
            {
                if (sectorsWritten != 0) throw Corrupt(name, index, bsetAt, $"the parent says the node has {sectorsWritten} sectors, but the write at sector {written} belongs to another node (seq {bset.Seq:x16}, not {bsets[0].Header.Seq:x16})");
                break; // the log ends where the seq stops matching
            }
            if (first && bset.Seq != expectedSeq)
                throw Corrupt(name, index, bsetAt, $"seq is {bset.Seq:x16}, the parent expects {expectedSeq:x16}");
            if (!Checksums.IsSupported(bset.ChecksumType))
                throw Corrupt(name, index, bsetAt + 16, $"checksum type {(int)bset.ChecksumType} is unknown or needs an encryption key");

            var keysAt = bsetAt + BsetHeader.ByteCount;
            var keysLength = bset.U64s * 8;
            var sectors = Geometry.SectorsFor(headerBytes + keysLength);
            if (written + sectors > limit)
                throw Corrupt(name, index, bsetAt + 22, $"u64s {bset.U64s} makes the write {sectors} sectors, past the node's end at sector {limit}");

            var stored = Checksum.Read(node[start..]);
            var computed = Checksums.Compute(bset.ChecksumType, node[(start + ChecksumStart)..(keysAt + keysLength)]);
            if (stored != computed)
                throw Corrupt(name, index, start, $"checksum ({bset.ChecksumType}) is {stored}, the bytes give {computed}");

            if (first)
            {
                header = ReadHeader(node, name);
                if (expected is not null) CheckExpected(header, expected, name);
            }
            ValidateBsetHeader(bset, name, index, bsetAt, written, first);
            ValidateKeys(header!, node.Slice(keysAt, keysLength), name, index, keysAt, rules);
            var record = new BsetRecord(bset, written, keysAt, keysLength, sectors);
            bsets.Add(record);
            written += sectors;
            if (!blacklist.Contains(bset.JournalSeq)) merging.Add(record);
            else if (first) throw Corrupt(name, index, bsetAt + 8, $"the first write's journal_seq {bset.JournalSeq} is blacklisted");
        }
        if (header is null) throw Corrupt(name, 0, 0, "the node has no first write");
        if (sectorsWritten == 0) CheckNothingAfterEnd(node, written, bsets[0].Header.Seq, name, bsets.Count, blacklist);
        if (sectorsWritten != 0 && written != sectorsWritten)
            throw Corrupt(name, bsets.Count, written * NodeGeometry.SectorBytes, $"the parent says the node has {sectorsWritten} sectors, its writes end at sector {written}");

        if (expected is { RangeUpdated: true }) header = header with { MinKey = expected.MinKey, MaxKey = expected.MaxKey };
        var (merged, count) = Merge(header, node, merging, rules, name, bsets);
        var journalSeq = merging.Max(b => b.Header.JournalSeq);
        return new NodeImage(header, bsets, merged, count, journalSeq, written);
    }

    private static NodeHeader ReadHeader(ReadOnlySpan<byte> node, NodeName name)
    {
        var header = NodeHeader.TryRead(node, out var problem, out var where) ?? throw Corrupt(name, 0, where, problem!);
        if (KeyFields.Compare(header.MinKey, header.MaxKey) > 0)
            throw Corrupt(name, 0, 32, $"min_key {KeyFields.Text(header.Schema, header.MinKey)} is above max_key {KeyFields.Text(header.Schema, header.MaxKey)}");
        return header;
    }

    /// <summary>Bytes of the first write's header extension (0 for a node of position keys), read before the checksum can be checked.</summary>
    private static int ExtensionBytes(ReadOnlySpan<byte> node, NodeName name)
    {
        if (node.Length < NodeHeader.ByteCount || (BinaryPrimitives.ReadUInt64LittleEndian(node[24..]) & NodeHeader.ExtendedBit) == 0) return 0;
        var header = NodeHeader.TryRead(node, out var problem, out var where) ?? throw Corrupt(name, 0, where, problem!);
        return NodeHeader.ExtensionBytes(header.Schema);
    }

    /// <summary>
    /// Without the parent's sector count the log ends where a write's seq stops matching; a write of
    /// this node further on means the log has a hole (bcachefs's "bset after end").
    /// </summary>
    private void CheckNothingAfterEnd(ReadOnlySpan<byte> node, int written, ulong seq, NodeName name, int index, JournalSeqBlacklist blacklist)
    {
        var blockSectors = Geometry.BlockBytes / NodeGeometry.SectorBytes;
        for (var sector = written; sector < Geometry.NodeSectors; sector += blockSectors)
        {
            var bsetAt = sector * NodeGeometry.SectorBytes + Checksum.ByteCount;
            if (BinaryPrimitives.ReadUInt64LittleEndian(node[bsetAt..]) == seq && !blacklist.Contains(BinaryPrimitives.ReadUInt64LittleEndian(node[(bsetAt + 8)..])))
                throw Corrupt(name, index, bsetAt, $"a write of this node (seq {seq:x16}) at sector {sector} lies after the end of its log at sector {written}");
        }
    }

    private static void CheckExpected(NodeHeader header, NodeExpectation expected, NodeName name)
    {
        if (header.BtreeId != expected.BtreeId) throw Corrupt(name, 0, 24, $"the node belongs to btree {header.BtreeId}, its parent is in btree {expected.BtreeId}");
        if (header.Level != expected.Level) throw Corrupt(name, 0, 24, $"the node is at level {header.Level}, its parent expects level {expected.Level}");
        if (!header.Schema.Equals(expected.Schema)) throw Corrupt(name, 0, 24, $"the node's keys are {header.Schema}, its tree's are {expected.Schema}");
        if (expected.RangeUpdated) return; // the pointer's range wins; keys outside it are dropped after the merge
        if (!KeyFields.Equal(header.MinKey, expected.MinKey))
            throw Corrupt(name, 0, 32, $"min_key is {KeyFields.Text(header.Schema, header.MinKey)}, the parent's pointer says {KeyFields.Text(header.Schema, expected.MinKey)}");
        if (!KeyFields.Equal(header.MaxKey, expected.MaxKey))
            throw Corrupt(name, 0, 52, $"max_key is {KeyFields.Text(header.Schema, header.MaxKey)}, the parent's pointer is at {KeyFields.Text(header.Schema, expected.MaxKey)}");
    }

    private static void ValidateBsetHeader(BsetHeader bset, NodeName name, int index, int at, int written, bool first)
    {
        if (bset.Version < OldestVersion || bset.Version >> 10 > CurrentVersion >> 10)
            throw Corrupt(name, index, at + 20, $"metadata version {bset.Version >> 10}.{bset.Version & 0x3ff} is not supported");
        if (bset.BigEndian) throw Corrupt(name, index, at + 16, "the bset was written by a big-endian host, which Packtree does not read");
        if (bset.SeparateWhiteouts) throw Corrupt(name, index, at + 16, "the obsolete separate-whiteouts flag is set");
        if (!first && bset.U64s == 0) throw Corrupt(name, index, at + 22, "a later write holds no keys");
        if (bset.SectorOffset != 0 && bset.SectorOffset != written)
            throw Corrupt(name, index, at + 16, $"the bset says it starts at sector {bset.SectorOffset}, it is at sector {written}");
    }

    /// <summary>As the reader checks a bset's keys (below), for keys in memory: the debug checks of a node's invariants use it.</summary>
    /// <exception cref="CorruptNodeException">A rule is broken.</exception>
    internal static void ValidateKeys(NodeHeader header, ReadOnlySpan<byte> keys, string name, int index, int keysAt, NodeKeyRules? rules) =>
        ValidateKeys(header, keys, new NodeName(name, null), index, keysAt, rules);

    /// <summary>Every key lies inside the bset, has format 0 or 1 and a consistent size, lies in the node's range, and follows the previous key.</summary>
    private static void ValidateKeys(NodeHeader header, ReadOnlySpan<byte> keys, NodeName name, int index, int keysAt, NodeKeyRules? rules)
    {
        var format = header.Format;
        var schema = header.Schema;
        var unpacked = schema.UnpackedFormat;
        var havePrevious = false;
        Span<ulong> previous = stackalloc ulong[schema.KeyFieldCount];
        Span<ulong> current = stackalloc ulong[schema.KeyFieldCount];
        var previousDeleted = false;
        var wholeKey = rules is { WantsWholeKey: true } && schema.IsPositions;
        for (var at = 0; at < keys.Length;)
        {
            var where = keysAt + at;
            var u64s = keys[at];
            var length = u64s * 8;
            if (length == 0) throw Corrupt(name, index, where, "a key with u64s 0");
            if (length > keys.Length - at) throw Corrupt(name, index, where, $"a key of u64s {u64s} runs past the end of the bset");
            var key = keys.Slice(at, length);
            var keyFormat = KeyHeader.GetFormat(key);
            int keyBytes;
            Bkey whole = default; // the whole header of a position key, unpacked once, when the rules ask for it
            if (keyFormat == Bkey.FormatLocalBtree)
            {
                if (!format.IsPackedHeaderValid(key, out var reason)) throw Corrupt(name, index, where, $"packed key: {reason}");
                if (wholeKey) whole = format.Unpack(key);
                format.ReadKeyFields(key, current);
                keyBytes = format.KeyBytes;
            }
            else if (keyFormat == Bkey.FormatCurrent)
            {
                if (u64s < unpacked.KeyU64s) throw Corrupt(name, index, where, $"an unpacked key of u64s {u64s}, below {unpacked.KeyU64s}");
                if (wholeKey) whole = Bkey.Read(key);
                unpacked.ReadKeyFields(key, current);
                keyBytes = unpacked.KeyBytes;
            }
            else
            {
                throw Corrupt(name, index, where, $"key format {keyFormat}; keys are packed (0) or unpacked (1)");
            }
            var text = KeyFields.Text(schema, current);
            if (!header.Covers(current))
                throw Corrupt(name, index, where, $"key at {text} is outside the node's range {header.RangeText}");
            if (rules is not null && (wholeKey
                    ? rules.KeyProblem(header, whole, key[keyBytes..])
                    : rules.KeyProblem(header, current, key[2], key[keyBytes..])) is { } problem)
                throw Corrupt(name, index, where, $"key at {text}: {problem}");
            var deleted = key[2] == (byte)BkeyType.Deleted;
            // Strictly increasing; one key may repeat only as a deleted key followed by a live one.
            var order = havePrevious ? KeyFields.Compare(current, previous) : 1;
            if (order < 0 || (order == 0 && !(previousDeleted && !deleted)))
                throw Corrupt(name, index, where, $"key at {text} does not follow the previous key at {KeyFields.Text(schema, previous)}");
            havePrevious = true;
            current.CopyTo(previous);
            previousDeleted = deleted;
            at += length;
        }
    }

    /// <summary>
    /// Newest-wins merge of the validated bsets: by key, older writes first; a key followed by the
    /// same key is dropped, and so is every deleted key and every key outside the (possibly repaired)
    /// range. The survivors are then put to <paramref name="rules"/>.
    /// </summary>
    private static (byte[] Keys, int Count) Merge(NodeHeader header, ReadOnlySpan<byte> node, List<BsetRecord> bsets, NodeKeyRules? rules, NodeName name, List<BsetRecord> writes)
    {
        var width = header.Schema.KeyFieldCount;
        var fields = new List<ulong>(); // entry i's key fields at i * width
        var entries = new List<(int Index, int Offset, int Length, bool Deleted)>();
        Span<ulong> key = stackalloc ulong[width];
        foreach (var bset in bsets)
        {
            var keys = node.Slice(bset.KeysOffset, bset.KeysLength);
            for (var at = 0; at < keys.Length;)
            {
                var length = keys[at] * 8;
                BsetKeys.ReadKey(header.Format, keys, at, key);
                foreach (var field in key) fields.Add(field);
                entries.Add((entries.Count, bset.KeysOffset + at, length, keys[at + 2] == (byte)BkeyType.Deleted));
                at += length;
            }
        }
        var flat = fields.ToArray();
        ReadOnlySpan<ulong> KeyOf(int i) => flat.AsSpan(i * width, width);
        // Ties by buffer address: earlier in the node is an older write.
        entries.Sort((a, b) => KeyFields.Compare(KeyOf(a.Index), KeyOf(b.Index)) is var order and not 0 ? order : a.Offset.CompareTo(b.Offset));
        var merged = new List<byte>();
        var survivors = new List<(int Offset, int MergedAt, ReadOnlyMemory<ulong> Key)>();
        for (var i = 0; i < entries.Count; i++)
        {
            var entry = entries[i];
            if (!header.Covers(KeyOf(entry.Index))) continue; // only after a repaired range
            if (entry.Deleted || (i + 1 < entries.Count && KeyFields.Equal(KeyOf(entries[i + 1].Index), KeyOf(entry.Index)))) continue;
            survivors.Add((entry.Offset, merged.Count, flat.AsMemory(entry.Index * width, width)));
            merged.AddRange(node.Slice(entry.Offset, entry.Length));
        }
        byte[] result = [.. merged];
        if (rules is not null) CheckMerged(header, result, survivors, rules, name, writes);
        return (result, survivors.Count);
    }

    /// <summary>Puts the merged keys to the store's rules; a violation names the surviving key's place on disk.</summary>
    private static void CheckMerged(NodeHeader header, byte[] merged, List<(int Offset, int MergedAt, ReadOnlyMemory<ulong> Key)> survivors, NodeKeyRules rules, NodeName name, List<BsetRecord> writes)
    {
        var keys = new NodeKey[survivors.Count];
        for (var i = 0; i < keys.Length; i++)
        {
            var at = survivors[i].MergedAt;
            var length = merged[at] * 8;
            var keyBytes = BsetKeys.KeyBytes(header.Format, merged, at);
            keys[i] = new NodeKey(survivors[i].Key, merged[at + 2], merged.AsMemory(at + keyBytes, length - keyBytes));
        }
        if (rules.MergedProblem(header, keys, out var index) is not { } problem) return;
        var offset = keys.Length == 0 ? header.Bytes : survivors[Math.Clamp(index, 0, keys.Length - 1)].Offset;
        var bset = writes.FindLastIndex(w => w.KeysOffset <= offset);
        throw Corrupt(name, Math.Max(bset, 0), offset, problem);
    }

    private static CorruptNodeException Corrupt(NodeName name, int bset, int byteOffset, string rule) => new(name.Text, name.FileOffset, bset, byteOffset, rule);

    /// <summary>How errors name the node, and where it starts in the store file if known.</summary>
    private readonly record struct NodeName(string Text, long? FileOffset);
}
