using Packtree.Keys;
using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;
using Packtree.Nodes;

namespace Packtree.Storage;

/// <summary>One tree as the superblock records it: its name, id, root pointer and key count at the checkpoint.</summary>
/// <param name="Id">The btree id in its nodes' headers.</param>
/// <param name="Name">The tree's name (1 to 255 UTF-8 bytes).</param>
/// <param name="RootSector">Where the root node starts, in sectors.</param>
/// <param name="RootSeq">The root's bset seq.</param>
/// <param name="RootSectorsWritten">Sectors of the root's log that belong to this checkpoint.</param>
/// <param name="RootLevel">The root's level.</param>
/// <param name="Count">Keys in the tree at the checkpoint.</param>
/// <param name="Schema">The tree's key schema; null for position keys (recorded by the absence of a description).</param>
/// <param name="Settings">Compression and leaf value limit (bytes 33..36 of the record; zero in version 2).</param>
internal sealed record TreeRecord(uint Id, string Name, ulong RootSector, ulong RootSeq, ushort RootSectorsWritten, byte RootLevel, long Count, KeySchema? Schema = null, TreeSettings Settings = default)
{
    /// <summary>The tree's key schema: positions when the record has no description.</summary>
    public KeySchema KeySchema => Schema ?? KeySchema.Positions;

    /// <summary>The values tree's record (it has no name in the tree list: its root is in the superblock's fixed part); all zero when it is empty.</summary>
    public static TreeRecord Values(ulong rootSector = 0, ulong rootSeq = 0, ushort rootSectorsWritten = 0, byte rootLevel = 0, long count = 0) =>
        new(Superblock.ValuesTreeId, "values", rootSector, rootSeq, rootSectorsWritten, rootLevel, count);
}

/// <summary>
/// The store file's superblock (docs/FORMAT.md): kept twice, at bytes 0 and 65,536, written in turn
/// with a rising generation; the valid copy with the highest generation wins. It holds the file's
/// geometry and the last checkpoint: every tree's root and the journal position after which commits
/// must be replayed.
/// </summary>
internal sealed record Superblock
{
    /// <summary>"PKTREE01" as a little-endian word.</summary>
    public const ulong Magic = 0x313045455254_4B50; // bytes "PKTREE01"

    /// <summary>The format version this code writes (and the newest it reads).</summary>
    public const uint CurrentVersion = 3;

    /// <summary>The oldest format version this code reads: version 2, the same but for the values tree's root (bytes 88..119 zero).</summary>
    public const uint OldestVersion = 2;

    /// <summary>The btree id of the values tree (out-of-line values' extents): the last id, which named trees never reach.</summary>
    public const uint ValuesTreeId = NodeHeader.MaxBtreeId;

    /// <summary>Bytes reserved for each copy.</summary>
    public const int SlotBytes = 64 * 1024;

    /// <summary>Where the journal region starts: after the two copies.</summary>
    public const long JournalOffset = 2 * SlotBytes;

    private const int FixedBytes = 128;

    /// <summary>Bytes of one tree's record before its name.</summary>
    public const int TreeRecordBytes = 40;

    /// <summary>Bytes a copy has for the tree list.</summary>
    public const int TreeListCapacity = SlotBytes - FixedBytes;

    /// <summary>UTF-8 that refuses what it cannot encode or decode exactly (an unpaired surrogate, invalid bytes), instead of replacing it.</summary>
    public static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Bytes the record of a tree named <paramref name="name"/> takes in the tree list.</summary>
    public static int RecordBytes(string name) => TreeRecordBytes + StrictUtf8.GetByteCount(name);

    /// <summary>Bytes of the record of a tree of <paramref name="schema"/> keys called <paramref name="name"/>: its key schema's description follows the name.</summary>
    public static int RecordBytes(string name, KeySchema schema) => RecordBytes(name) + (schema.IsPositions ? 0 : schema.ToBytes().Length);

    /// <summary>Why <paramref name="name"/> cannot name a tree (as the tree list stores names), or null.</summary>
    public static string? NameProblem(string name)
    {
        if (name.Length == 0) return "a tree name has at least one character";
        if (name.Any(char.IsControl)) return "a tree name has no control characters";
        int bytes;
        try
        {
            bytes = StrictUtf8.GetByteCount(name);
        }
        catch (EncoderFallbackException)
        {
            return "it is not valid UTF-16 (an unpaired surrogate), so it has no UTF-8 form to store";
        }
        return bytes > 255 ? $"a tree name has at most 255 UTF-8 bytes, and it has {bytes}" : null;
    }

    /// <summary>
    /// The error for a file neither of whose copies is valid, with both reasons: a <see cref="CorruptStoreException"/>
    /// (<see cref="StorePart.Superblock"/>, at the first copy that has the magic) when a copy carries the
    /// superblock magic, so the file was a store; else the file is not a store at all, a plain <see cref="InvalidDataException"/>.
    /// </summary>
    public static Exception NoValidCopy(IEnumerable<(Superblock? Copy, string? Problem)> copies)
    {
        var problems = copies.Select((c, slot) => (Text: $"superblock copy {slot} {c.Problem}", Slot: slot, HasMagic: !LacksMagic(c.Problem))).ToList();
        var rule = string.Join("; ", problems.Select(p => p.Text));
        var message = $"Not a Packtree store, or both superblock copies are damaged: {rule}.";
        return problems.FirstOrDefault(p => p.HasMagic) is { HasMagic: true } damaged
            ? new CorruptStoreException(message, StorePart.Superblock, damaged.Slot * (long)SlotBytes, rule)
            : new InvalidDataException(message);
    }

    /// <summary>Whether a copy's problem is that it has no superblock magic (bytes of something else, or never written).</summary>
    private static bool LacksMagic(string? problem) =>
        problem is not null && (problem.Contains(NoMagicProblem, StringComparison.Ordinal) || problem.EndsWith(NotWrittenProblem, StringComparison.Ordinal));

    private const string NoMagicProblem = ": no superblock magic (found ";
    private const string NotWrittenProblem = ": not written";

    /// <summary>Copy number; the higher valid one is current.</summary>
    public required ulong Generation { get; init; }

    /// <summary>The magic in every node header and bset of this store.</summary>
    public required ulong NodeMagic { get; init; }

    /// <summary>Node size.</summary>
    public required int NodeBytes { get; init; }

    /// <summary>Block size.</summary>
    public required int BlockBytes { get; init; }

    /// <summary>Size of the journal region, from <see cref="JournalOffset"/>.</summary>
    public required long JournalBytes { get; init; }

    /// <summary>Where node buckets start (a multiple of the node size).</summary>
    public required long NodeAreaOffset { get; init; }

    /// <summary>The values tree (out-of-line values' extents) at the checkpoint; null when it is empty.</summary>
    public TreeRecord? ValuesTree { get; init; }

    /// <summary>Every commit up to this sequence number is in the nodes the roots reach.</summary>
    public required ulong CheckpointSeq { get; init; }

    /// <summary>Byte offset in the journal region where commit <see cref="CheckpointSeq"/> + 1 begins.</summary>
    public required long JournalTail { get; init; }

    /// <summary>The trees.</summary>
    public required IReadOnlyList<TreeRecord> Trees { get; init; }

    /// <summary>The image of one copy.</summary>
    /// <exception cref="InvalidOperationException">The trees do not fit a copy.</exception>
    public byte[] ToBytes()
    {
        var payload = new List<byte>();
        Span<byte> fixedPart = stackalloc byte[40];
        foreach (var tree in Trees)
        {
            var name = StrictUtf8.GetBytes(tree.Name);
            BinaryPrimitives.WriteUInt32LittleEndian(fixedPart, tree.Id);
            BinaryPrimitives.WriteUInt64LittleEndian(fixedPart[4..], tree.RootSector);
            BinaryPrimitives.WriteUInt64LittleEndian(fixedPart[12..], tree.RootSeq);
            BinaryPrimitives.WriteUInt16LittleEndian(fixedPart[20..], tree.RootSectorsWritten);
            fixedPart[22] = tree.RootLevel;
            fixedPart[23] = (byte)name.Length;
            BinaryPrimitives.WriteInt64LittleEndian(fixedPart[24..], tree.Count);
            BinaryPrimitives.WriteUInt64LittleEndian(fixedPart[32..], 0);
            var schema = tree.KeySchema.IsPositions ? [] : tree.KeySchema.ToBytes();
            fixedPart[32] = (byte)schema.Length; // 0: position keys, as in stores from before key schemas
            tree.Settings.Write(fixedPart[33..]);
            payload.AddRange(fixedPart);
            payload.AddRange(name);
            payload.AddRange(schema);
        }
        if (FixedBytes + payload.Count > SlotBytes) throw new InvalidOperationException($"{Trees.Count} trees take {payload.Count} bytes of superblock; at most {TreeListCapacity} fit.");
        var bytes = new byte[SlotBytes];
        var s = bytes.AsSpan();
        BinaryPrimitives.WriteUInt64LittleEndian(s, Magic);
        BinaryPrimitives.WriteUInt32LittleEndian(s[8..], CurrentVersion);
        BinaryPrimitives.WriteUInt64LittleEndian(s[16..], Generation);
        BinaryPrimitives.WriteUInt64LittleEndian(s[24..], NodeMagic);
        BinaryPrimitives.WriteInt32LittleEndian(s[32..], NodeBytes);
        BinaryPrimitives.WriteInt32LittleEndian(s[36..], BlockBytes);
        BinaryPrimitives.WriteInt64LittleEndian(s[40..], JournalOffset);
        BinaryPrimitives.WriteInt64LittleEndian(s[48..], JournalBytes);
        BinaryPrimitives.WriteInt64LittleEndian(s[56..], NodeAreaOffset);
        BinaryPrimitives.WriteUInt64LittleEndian(s[64..], CheckpointSeq);
        BinaryPrimitives.WriteInt64LittleEndian(s[72..], JournalTail);
        BinaryPrimitives.WriteInt32LittleEndian(s[80..], Trees.Count);
        BinaryPrimitives.WriteInt32LittleEndian(s[84..], payload.Count);
        if (ValuesTree is { } values)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(s[88..], values.RootSector);
            BinaryPrimitives.WriteUInt64LittleEndian(s[96..], values.RootSeq);
            BinaryPrimitives.WriteUInt16LittleEndian(s[104..], values.RootSectorsWritten);
            s[106] = values.RootLevel;
            BinaryPrimitives.WriteInt64LittleEndian(s[108..], values.Count);
        }
        payload.CopyTo(bytes, FixedBytes);
        BinaryPrimitives.WriteUInt32LittleEndian(s[120..], Crc32Checksum(bytes.AsSpan(0, FixedBytes + payload.Count)));
        return bytes;
    }

    /// <summary>
    /// Reads one copy; null with the reason when it is not a valid copy. Valid means more than a
    /// matching checksum: every field must make sense (geometry, journal bounds, tree records), since a
    /// copy written by something else, or damaged and resealed, must not be trusted.
    /// </summary>
    /// <exception cref="NotSupportedException">A valid copy of a newer format version.</exception>
    public static Superblock? TryRead(ReadOnlySpan<byte> s, long at, out string? problem)
    {
        problem = null;
        if (BinaryPrimitives.ReadUInt64LittleEndian(s) != Magic) return Fail($"at byte {at}{NoMagicProblem}{BinaryPrimitives.ReadUInt64LittleEndian(s):x16})", out problem);
        var payloadBytes = BinaryPrimitives.ReadInt32LittleEndian(s[84..]);
        if (payloadBytes < 0 || payloadBytes > TreeListCapacity) return Fail($"at byte {at}: the tree list claims {payloadBytes} bytes", out problem);
        var stored = BinaryPrimitives.ReadUInt32LittleEndian(s[120..]);
        var computed = Crc32Checksum(s[..(FixedBytes + payloadBytes)]);
        if (stored != computed) return Fail($"at byte {at}: checksum {stored:x8}, the bytes give {computed:x8}", out problem);
        if (s[(FixedBytes + payloadBytes)..SlotBytes].IndexOfAnyExcept((byte)0) is var stray and >= 0)
            return Fail($"at byte {at}: byte {FixedBytes + payloadBytes + stray} of the copy, after its tree list, is not zero", out problem);
        var version = BinaryPrimitives.ReadUInt32LittleEndian(s[8..]);
        if (version > CurrentVersion)
            throw new NotSupportedException($"The store was written in format version {version}; this Packtree reads version {CurrentVersion}. Use a newer Packtree.");
        if (version < OldestVersion) return Fail($"at byte {at}: format version {version}, an earlier development format this Packtree does not read (it reads versions {OldestVersion} and {CurrentVersion})", out problem);
        var superblock = new Superblock
        {
            Generation = BinaryPrimitives.ReadUInt64LittleEndian(s[16..]),
            NodeMagic = BinaryPrimitives.ReadUInt64LittleEndian(s[24..]),
            NodeBytes = BinaryPrimitives.ReadInt32LittleEndian(s[32..]),
            BlockBytes = BinaryPrimitives.ReadInt32LittleEndian(s[36..]),
            JournalBytes = BinaryPrimitives.ReadInt64LittleEndian(s[48..]),
            NodeAreaOffset = BinaryPrimitives.ReadInt64LittleEndian(s[56..]),
            CheckpointSeq = BinaryPrimitives.ReadUInt64LittleEndian(s[64..]),
            JournalTail = BinaryPrimitives.ReadInt64LittleEndian(s[72..]),
            Trees = [],
        };
        var geometry = superblock.GeometryProblem(BinaryPrimitives.ReadInt64LittleEndian(s[40..]), s, version);
        if (geometry is not null) return Fail($"at byte {at}: {geometry}", out problem);
        var values = ReadValuesTree(s, superblock, out var valuesProblem);
        if (valuesProblem is not null) return Fail($"at byte {at}: the values tree's root: {valuesProblem}", out problem);
        superblock = superblock with { ValuesTree = values };
        var trees = ReadTrees(s.Slice(FixedBytes, payloadBytes), BinaryPrimitives.ReadInt32LittleEndian(s[80..]), superblock, version, out var treeProblem);
        if (trees is null) return Fail($"at byte {at}: {treeProblem}", out problem);
        return superblock with { Trees = trees };
    }

    /// <summary>What is wrong with the geometry, or null. The node area must follow the journal exactly, as the writer lays it out.</summary>
    private string? GeometryProblem(long journalOffset, ReadOnlySpan<byte> s, uint version)
    {
        if (BinaryPrimitives.ReadUInt32LittleEndian(s[12..]) != 0 || s[(version < 3 ? 88 : 107)] != 0 || s[116..120].IndexOfAnyExcept((byte)0) >= 0 || BinaryPrimitives.ReadUInt32LittleEndian(s[124..]) != 0
            || (version < 3 && s[88..120].IndexOfAnyExcept((byte)0) >= 0))
            return "reserved bytes are not zero";
        if (Generation == 0) return "generation 0 (the first is 1)";
        if (NodeBytes < 4096 || NodeBytes > 512 * 1024 || !int.IsPow2(NodeBytes)) return $"node size {NodeBytes} (a power of two from 4096 to 524288)";
        if (BlockBytes < 512 || BlockBytes >= NodeBytes || !int.IsPow2(BlockBytes)) return $"block size {BlockBytes} (a power of two from 512, below the node size {NodeBytes})";
        if (journalOffset != JournalOffset) return $"journal offset {journalOffset} (it is {JournalOffset})";
        if (JournalBytes < 1024 * 1024 || JournalBytes > 4L * 1024 * 1024 * 1024 || JournalBytes % 4096 != 0) return $"journal size {JournalBytes} (a multiple of 4096 from 1 MiB to 4 GiB)";
        var nodeArea = NodeAreaFor(JournalBytes, NodeBytes);
        if (NodeAreaOffset != nodeArea) return $"node area at byte {NodeAreaOffset} (a journal of {JournalBytes} bytes puts it at {nodeArea})";
        if (JournalTail < 0 || JournalTail >= JournalBytes || JournalTail % 8 != 0) return $"journal tail {JournalTail} (a multiple of 8 within the journal's {JournalBytes} bytes)";
        return null;
    }

    /// <summary>The values tree's root at bytes 88..115 (all zero: empty), checked as a tree record's root is.</summary>
    private static TreeRecord? ReadValuesTree(ReadOnlySpan<byte> s, Superblock superblock, out string? problem)
    {
        problem = null;
        if (s[88..116].IndexOfAnyExcept((byte)0) < 0) return null;
        var record = TreeRecord.Values(BinaryPrimitives.ReadUInt64LittleEndian(s[88..]), BinaryPrimitives.ReadUInt64LittleEndian(s[96..]),
            BinaryPrimitives.ReadUInt16LittleEndian(s[104..]), s[106], BinaryPrimitives.ReadInt64LittleEndian(s[108..]));
        problem = record.RootSector == 0 ? "no root node, yet other root fields are set" : RootProblem(record, superblock);
        return problem is null ? record : null;
    }

    private static List<TreeRecord>? ReadTrees(ReadOnlySpan<byte> p, int count, Superblock superblock, uint version, out string? problem)
    {
        problem = null;
        var trees = new List<TreeRecord>();
        var ids = new HashSet<uint>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        if (count < 0 || count > TreeListCapacity / TreeRecordBytes) return FailTrees($"{count} trees", out problem);
        for (var i = 0; i < count; i++)
        {
            if (p.Length < TreeRecordBytes || p.Length < TreeRecordBytes + p[23] + p[32]) return FailTrees($"tree {i} runs past the tree list", out problem);
            var nameLength = p[23];
            var schemaLength = p[32];
            KeySchema? schema = null;
            if (schemaLength != 0 && (schema = KeySchema.TryRead(p.Slice(TreeRecordBytes + nameLength, schemaLength), out var schemaProblem)) is null)
                return FailTrees($"tree {i}'s key schema: {schemaProblem}", out problem);
            string name;
            try
            {
                name = StrictUtf8.GetString(p.Slice(TreeRecordBytes, nameLength));
            }
            catch (DecoderFallbackException)
            {
                return FailTrees($"tree {i}'s name is not valid UTF-8", out problem);
            }
            if (TreeSettings.TryRead(p[33..], out var settingsProblem) is not { } settings)
                return FailTrees($"tree {i}'s settings: {settingsProblem}", out problem);
            var tree = new TreeRecord(BinaryPrimitives.ReadUInt32LittleEndian(p), name, BinaryPrimitives.ReadUInt64LittleEndian(p[4..]), BinaryPrimitives.ReadUInt64LittleEndian(p[12..]),
                BinaryPrimitives.ReadUInt16LittleEndian(p[20..]), p[22], BinaryPrimitives.ReadInt64LittleEndian(p[24..]), schema, settings);
            var what = TreeProblem(tree, superblock, version < 3 ? BinaryPrimitives.ReadUInt64LittleEndian(p[32..]) >> 8 : BinaryPrimitives.ReadUInt32LittleEndian(p[36..]) >> 8);
            if (what is null && !ids.Add(tree.Id)) what = $"id {tree.Id} is used twice";
            if (what is null && !names.Add(tree.Name)) what = "its name is used twice";
            if (what is not null) return FailTrees($"tree {i} ('{name}'): {what}", out problem);
            trees.Add(tree);
            p = p[(TreeRecordBytes + nameLength + schemaLength)..];
        }
        if (p.Length != 0) return FailTrees($"{p.Length} bytes follow the last tree in the tree list", out problem);
        return trees;
    }

    private static string? TreeProblem(TreeRecord tree, Superblock superblock, ulong reserved)
    {
        if (reserved != 0) return "reserved bytes are not zero";
        if (tree.Id == 0 || tree.Id >= ValuesTreeId) return $"id {tree.Id} (1 to {ValuesTreeId - 1})";
        if (NameProblem(tree.Name) is { } name) return name;
        return RootProblem(tree, superblock);
    }

    /// <summary>What is wrong with a tree's root and count, or null.</summary>
    private static string? RootProblem(TreeRecord tree, Superblock superblock)
    {
        if (tree.Count < 0) return $"key count {tree.Count}";
        if (tree.RootLevel >= 16) return $"root level {tree.RootLevel} (below 16)";
        if (tree.RootSector == 0)
            return tree.RootLevel == 0 && tree.Count == 0 && tree.RootSectorsWritten == 0 ? null : "no root node, yet keys or levels";
        if (tree.RootSector > long.MaxValue / 1024 || (long)tree.RootSector * 512 < superblock.NodeAreaOffset || ((long)tree.RootSector * 512 - superblock.NodeAreaOffset) % superblock.NodeBytes != 0)
            return $"root at sector {tree.RootSector}, not the start of a node bucket";
        if (tree.RootSectorsWritten == 0 || tree.RootSectorsWritten > superblock.NodeBytes / 512) return $"root with {tree.RootSectorsWritten} sectors written (1 to {superblock.NodeBytes / 512})";
        return null;
    }

    /// <summary>Where the node area starts for a journal of <paramref name="journalBytes"/>: the next node boundary after it.</summary>
    public static long NodeAreaFor(long journalBytes, int nodeBytes) => (JournalOffset + journalBytes + nodeBytes - 1) / nodeBytes * nodeBytes;

    /// <summary>
    /// Reads both copies: each one valid or null with the reason.
    /// </summary>
    public static (Superblock? Copy, string? Problem)[] ReadCopies(StorageDevice device)
    {
        var buffer = new byte[SlotBytes];
        var copies = new (Superblock?, string?)[2];
        for (var slot = 0; slot < 2; slot++)
        {
            device.Read(slot * (long)SlotBytes, buffer);
            var copy = TryRead(buffer, slot * (long)SlotBytes, out var problem);
            copies[slot] = (copy, copy is null && buffer.AsSpan(0, 8).IndexOfAnyExcept((byte)0) < 0 ? $"at byte {slot * (long)SlotBytes}{NotWrittenProblem}" : problem);
        }
        return copies;
    }

    /// <summary>Writes this copy to its slot (generation parity) and flushes.</summary>
    public void Write(StorageDevice device)
    {
        device.Write((long)(Generation % 2) * SlotBytes, ToBytes());
        device.Flush();
    }

    private static uint Crc32Checksum(ReadOnlySpan<byte> bytes)
    {
        var crc = new Crc32();
        crc.Append(bytes[..120]);
        crc.Append([0, 0, 0, 0]); // the checksum field itself
        crc.Append(bytes[124..]);
        return crc.GetCurrentHashAsUInt32();
    }

    private static Superblock? Fail(string what, out string? problem)
    {
        problem = what;
        return null;
    }

    private static List<TreeRecord>? FailTrees(string what, out string? problem)
    {
        problem = what;
        return null;
    }
}
