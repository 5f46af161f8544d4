using System.Buffers.Binary;
using System.Text;
using Packtree.Nodes;

namespace Packtree.Bcachefs;

/// <summary>
/// Finds and parses the superblock (btree-facts §7.2, image-facts §1.1-1.2): the layout at byte 3584 lists the
/// copies; every copy is checked (magic, size, checksum, its own sector) and the valid copy with the highest
/// seq is used. A damaged layout falls back to sector 8 and the default places of the copies.
/// </summary>
internal static class SuperblockReader
{
    /// <summary>Size of the fixed part of <c>struct bch_sb</c>.</summary>
    public const int FixedBytes = 752;

    /// <summary>Byte offset of the layout copy.</summary>
    public const long LayoutOffset = 3584;

    /// <summary>Sector of the primary copy.</summary>
    public const ulong PrimarySector = 8;

    private const int LayoutBytes = 512;
    private const int DefaultMaxSizeBits = 11;

    /// <summary>bcachefs's superblock magic (BCHFS_MAGIC), as stored.</summary>
    private static ReadOnlySpan<byte> Magic => [0xc6, 0x85, 0x73, 0xf6, 0x66, 0xce, 0x90, 0xa9, 0xd9, 0x6a, 0x60, 0xcf, 0x80, 0x3d, 0xf7, 0xef];

    /// <summary>bcache's older magic, also accepted.</summary>
    private static ReadOnlySpan<byte> OldMagic => [0xc6, 0x85, 0x73, 0xf6, 0x4e, 0x1a, 0x45, 0xca, 0x82, 0x65, 0xf5, 0x7f, 0x48, 0xba, 0x6d, 0x81];

    /// <summary>Oldest version read: 1.0. Older images lack the key types and fields this reader relies on.</summary>
    public const int OldestVersion = 1 << 10;

    /// <summary>Newest version read: the node codec's.</summary>
    public const int NewestVersion = NodeCodec.CurrentVersion;

    /// <summary>The result of looking at every copy.</summary>
    public sealed record Result(BcachefsSuperblock Superblock, IReadOnlyList<BcachefsProblem> Problems);

    /// <summary>Reads the newest valid copy; problems of the other copies and of the layout come with it.</summary>
    /// <exception cref="CorruptImageException">No copy is valid; the message names each place tried.</exception>
    /// <exception cref="NotSupportedException">The filesystem is encrypted, big-endian or of a version not read.</exception>
    public static Result Read(BcachefsImage image)
    {
        var problems = new List<BcachefsProblem>();
        var (layoutCopies, maxSizeBits) = ReadLayout(image, problems);
        var candidates = new List<(ulong Sector, bool Listed)>();
        void Add(ulong sector, bool listed)
        {
            var at = candidates.FindIndex(c => c.Sector == sector);
            if (at < 0) candidates.Add((sector, listed));
            else if (listed) candidates[at] = (sector, true);
        }
        Add(PrimarySector, true);
        if (layoutCopies is not null) foreach (var sector in layoutCopies) Add(sector, true);
        // The default places: after the primary's largest size, and the last 2^bits sectors of the device.
        var bits = maxSizeBits ?? DefaultMaxSizeBits;
        Add(PrimarySector + (1UL << bits), layoutCopies is null);
        var deviceSectors = (ulong)(image.Length / 512);
        if (deviceSectors > 1UL << bits) Add(deviceSectors - (1UL << bits), layoutCopies is null);

        BcachefsSuperblock? best = null;
        var failures = new List<string>();
        foreach (var (sector, listed) in candidates)
        {
            var copy = TryReadCopy(image, sector, bits, out var rule, out var where);
            if (copy is null)
            {
                failures.Add($"sector {sector} (byte {where}): {rule}");
                if (listed) problems.Add(new BcachefsProblem("superblock", null, null, where, $"the copy at sector {sector}: {rule}"));
                continue;
            }
            if (best is null || copy.Seq > best.Seq) best = copy;
        }
        if (best is null)
            throw new CorruptImageException("superblock", (long)PrimarySector * 512, $"no valid superblock copy: {string.Join("; ", failures)}");
        foreach (var copySector in best.Copies)
            if (candidates.All(c => c.Sector != copySector) && TryReadCopy(image, copySector, bits, out var rule, out var where) is null)
                problems.Add(new BcachefsProblem("superblock", null, null, where, $"the copy at sector {copySector}: {rule}"));
        CheckSupported(best);
        return new Result(best, problems);
    }

    /// <summary>The layout's copies and size bits, or nulls (and a problem) when the layout is damaged.</summary>
    private static (ulong[]? Copies, int? MaxSizeBits) ReadLayout(BcachefsImage image, List<BcachefsProblem> problems)
    {
        if (image.Length < LayoutOffset + LayoutBytes)
        {
            problems.Add(new BcachefsProblem("layout", null, null, LayoutOffset, "the image ends before the superblock layout"));
            return (null, null);
        }
        Span<byte> layout = stackalloc byte[LayoutBytes];
        image.Read(LayoutOffset, layout);
        if (ParseLayout(layout, out var copies, out var bits) is { } rule)
        {
            problems.Add(new BcachefsProblem("layout", null, null, LayoutOffset + rule.Byte, rule.Text));
            return (null, null);
        }
        return (copies, bits);
    }

    /// <summary>Parses a <c>bch_sb_layout</c>; the problem and its byte within the layout, or null.</summary>
    private static (int Byte, string Text)? ParseLayout(ReadOnlySpan<byte> layout, out ulong[] copies, out int maxSizeBits)
    {
        copies = [];
        maxSizeBits = layout[17];
        if (!layout[..16].SequenceEqual(Magic) && !layout[..16].SequenceEqual(OldMagic)) return (0, "the layout's magic is not bcachefs's");
        if (layout[16] != 0) return (16, $"layout type {layout[16]}, only 0 exists");
        if (maxSizeBits > 16) return (17, $"sb_max_size_bits {maxSizeBits} is above 16");
        int count = layout[18];
        if (count == 0 || count > 61) return (18, $"nr_superblocks {count} is outside 1..61");
        copies = new ulong[count];
        for (var i = 0; i < count; i++) copies[i] = BinaryPrimitives.ReadUInt64LittleEndian(layout[(24 + 8 * i)..]);
        return null;
    }

    /// <summary>Reads and checks the copy at <paramref name="sector"/>; null with the rule broken and its byte offset when it is not valid.</summary>
    internal static BcachefsSuperblock? TryReadCopy(BcachefsImage image, ulong sector, int maxSizeBits, out string rule, out long where)
    {
        where = sector > long.MaxValue / 512 ? long.MaxValue : (long)sector * 512;
        rule = "";
        if (sector > long.MaxValue / 1024 || where + FixedBytes > image.Length) { rule = "the copy lies past the end of the image"; return null; }
        var fixedPart = new byte[FixedBytes];
        image.Read(where, fixedPart);
        if (!fixedPart.AsSpan(24, 16).SequenceEqual(Magic) && !fixedPart.AsSpan(24, 16).SequenceEqual(OldMagic)) { where += 24; rule = "the magic is not bcachefs's"; return null; }
        var u64s = BinaryPrimitives.ReadUInt32LittleEndian(fixedPart.AsSpan(124));
        var maxBytes = 512L << Math.Max(maxSizeBits, DefaultMaxSizeBits);
        var total = FixedBytes + 8L * u64s;
        if (total > maxBytes || where + total > image.Length) { where += 124; rule = $"u64s {u64s} makes the superblock {total} bytes, past its room of {maxBytes} bytes or the image's end"; return null; }
        var bytes = new byte[total];
        image.Read(where, bytes);
        var flags0 = BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(144));
        var csumType = (int)((flags0 >> 2) & 0x3F);
        if (csumType > 7 || !Checksums.IsSupported((ChecksumType)csumType)) { where += 144; rule = $"checksum type {csumType} is unknown or needs the encryption key"; return null; }
        var stored = Checksum.Read(bytes);
        var computed = Checksums.Compute((ChecksumType)csumType, bytes.AsSpan(16));
        if (stored != computed) { rule = $"checksum ({BcachefsNames.ChecksumType(csumType)}) is {stored}, the bytes give {computed}"; return null; }
        var offset = BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(104));
        if (offset != sector) { where += 104; rule = $"the copy says it was written at sector {offset}"; return null; }
        try
        {
            return Parse(bytes, sector);
        }
        catch (FieldException e)
        {
            where += e.Byte;
            rule = e.Message;
            return null;
        }
    }

    private static BcachefsSuperblock Parse(byte[] bytes, ulong sector)
    {
        var sb = bytes.AsSpan();
        var flags = new ulong[7];
        for (var i = 0; i < flags.Length; i++) flags[i] = BinaryPrimitives.ReadUInt64LittleEndian(sb[(144 + 8 * i)..]);
        var blockSectors = BinaryPrimitives.ReadUInt16LittleEndian(sb[120..]);
        var nodeSectors = (int)((flags[0] >> 12) & 0xFFFF);
        try
        {
            _ = new NodeGeometry(nodeSectors * 512, blockSectors * 512);
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new FieldException(120, $"block size {blockSectors} sectors and node size {nodeSectors} sectors: {e.Message.Split(" (Parameter", 2)[0]}");
        }
        var metaOption = (int)((flags[0] >> 40) & 0xF);
        var dataOption = (int)((flags[0] >> 44) & 0xF);
        if (metaOption > 3) throw new FieldException(144, $"metadata checksum option {metaOption} is unknown");
        if (dataOption > 3) throw new FieldException(144, $"data checksum option {dataOption} is unknown");
        ParseLayout(sb.Slice(240, LayoutBytes), out var copies, out var maxSizeBits);
        var u64s = (int)BinaryPrimitives.ReadUInt32LittleEndian(sb[124..]);
        var fields = bytes[FixedBytes..];
        var fieldList = new Fields(fields);
        var devIndex = sb[122];
        var members = fieldList.Members;
        if (members.Count <= devIndex) throw new FieldException(122, $"device index {devIndex} has no member entry ({members.Count} entries)");
        var bpShift = (int)((flags[6] >> 40) & 0xFF);
        return new BcachefsSuperblock
        {
            Version = BinaryPrimitives.ReadUInt16LittleEndian(sb[16..]),
            VersionMin = BinaryPrimitives.ReadUInt16LittleEndian(sb[18..]),
            Uuid = new Guid(sb.Slice(40, 16), bigEndian: true),
            UserUuid = new Guid(sb.Slice(56, 16), bigEndian: true),
            Label = Text(sb.Slice(72, 32)),
            Seq = BinaryPrimitives.ReadUInt64LittleEndian(sb[112..]),
            Sector = sector,
            BlockBytes = blockSectors * 512,
            NodeBytes = nodeSectors * 512,
            Clean = (flags[0] & 2) != 0,
            SuperblockChecksumType = (int)((flags[0] >> 2) & 0x3F),
            MetadataChecksumOption = metaOption,
            MetadataChecksumType = metaOption switch { 0 => 0, 1 => 1, 2 => 2, _ => 7 },
            DataChecksumOption = dataOption,
            DataChecksumType = dataOption switch { 0 => 0, 1 => 5, 2 => 6, _ => 7 },
            StrHashOption = (int)(flags[1] & 0xF),
            CompressionOption = (int)((flags[1] >> 4) & 0xF) | (int)((flags[4] >> 56) & 0xF) << 4,
            EncryptionType = (int)((flags[1] >> 10) & 0xF),
            ExtentBpShift = bpShift == 0 ? 10 : bpShift,
            TimeBaseLo = BinaryPrimitives.ReadUInt64LittleEndian(sb[128..]),
            TimeBaseHi = BinaryPrimitives.ReadUInt32LittleEndian(sb[136..]),
            TimePrecision = BinaryPrimitives.ReadUInt32LittleEndian(sb[140..]),
            WriteTime = BinaryPrimitives.ReadUInt64LittleEndian(sb[200..]),
            Features = [BinaryPrimitives.ReadUInt64LittleEndian(sb[208..]), BinaryPrimitives.ReadUInt64LittleEndian(sb[216..])],
            Compat = [BinaryPrimitives.ReadUInt64LittleEndian(sb[224..]), BinaryPrimitives.ReadUInt64LittleEndian(sb[232..])],
            Flags = flags,
            DeviceIndex = devIndex,
            DeviceCount = sb[123],
            Members = members,
            JournalBucketRanges = fieldList.JournalRanges,
            CleanJournalSeq = fieldList.CleanJournalSeq,
            Copies = copies,
            MaxSizeBits = maxSizeBits,
            U64s = u64s,
            FieldTypes = fieldList.Types,
            BlacklistedJournalSeqs = fieldList.Blacklist,
            CleanEntries = fieldList.CleanEntries,
            FieldBytes = fields,
            HasCrypt = fieldList.HasCrypt,
            ExtentEntryU64s = fieldList.ExtentEntryU64s,
        };
    }

    /// <summary>Refuses what this reader cannot read correctly, with a clear reason.</summary>
    private static void CheckSupported(BcachefsSuperblock sb)
    {
        if (sb.EncryptionType != 0 || sb.HasCrypt)
            throw new NotSupportedException("encrypted bcachefs filesystems are not supported" +
                $" (superblock at sector {sb.Sector}: encryption type {sb.EncryptionType}{(sb.HasCrypt ? ", crypt field present" : "")}).");
        if ((sb.Flags[0] & (1UL << 62)) != 0)
            throw new NotSupportedException($"The bcachefs filesystem was written by a big-endian host (superblock at sector {sb.Sector}); only little-endian images are read.");
        if (sb.Version < OldestVersion || sb.Version > NewestVersion || sb.VersionMin > sb.Version || sb.VersionMin < 9)
            throw new NotSupportedException($"bcachefs metadata version {VersionText(sb.Version)} (oldest on disk {VersionText(sb.VersionMin)}) is not supported (superblock at sector {sb.Sector}); this reader reads {VersionText(OldestVersion)} to {VersionText(NewestVersion)}.");
    }

    /// <summary>A version as bcachefs prints it: major.minor.</summary>
    public static string VersionText(int version) => $"{version >> 10}.{version & 0x3FF}";

    private static string Text(ReadOnlySpan<byte> bytes)
    {
        var end = bytes.IndexOf((byte)0);
        return Encoding.UTF8.GetString(end < 0 ? bytes : bytes[..end]);
    }

    /// <summary>A problem with the variable fields; <see cref="Byte"/> is its offset within the copy.</summary>
    private sealed class FieldException(int at, string rule) : Exception(rule)
    {
        public int Byte { get; } = at;
    }

    /// <summary>The variable fields a reader needs, walked with every length checked.</summary>
    private sealed class Fields
    {
        public List<int> Types { get; } = [];
        public List<BcachefsMember> Members { get; } = [];
        public List<(ulong Start, ulong Count)> JournalRanges { get; } = [];
        public List<(ulong Start, ulong End)> Blacklist { get; } = [];
        public ulong CleanJournalSeq { get; private set; }
        public (int Offset, int Length) CleanEntries { get; private set; }
        public bool HasCrypt { get; private set; }
        public int[] ExtentEntryU64s { get; private set; } = [];

        public Fields(byte[] area)
        {
            for (var at = 0; at < area.Length;)
            {
                var where = FixedBytes + at;
                if (area.Length - at < 8) throw new FieldException(where, $"a field header at byte {where} runs past the superblock's end");
                var u64s = BinaryPrimitives.ReadUInt32LittleEndian(area.AsSpan(at));
                var type = (int)BinaryPrimitives.ReadUInt32LittleEndian(area.AsSpan(at + 4));
                if (u64s == 0) throw new FieldException(where, $"the field at byte {where} (type {type}) has u64s 0");
                if (u64s > (area.Length - at) / 8) throw new FieldException(where, $"the field at byte {where} (type {type}) of u64s {u64s} runs past the superblock's end");
                var field = area.AsSpan(at, (int)u64s * 8);
                Types.Add(type);
                Parse(type, field, at, where);
                at += field.Length;
            }
        }

        private void Parse(int type, ReadOnlySpan<byte> field, int at, int where)
        {
            switch (type)
            {
                case 0: // journal (legacy): bucket numbers
                    for (var i = 8; i + 8 <= field.Length; i += 8) JournalRanges.Add((BinaryPrimitives.ReadUInt64LittleEndian(field[i..]), 1));
                    break;
                case 2:
                    HasCrypt = true;
                    break;
                case 6: // clean
                    if (field.Length < 24) throw new FieldException(where, $"the clean field at byte {where} has {field.Length} bytes, below its 24-byte header");
                    CleanJournalSeq = BinaryPrimitives.ReadUInt64LittleEndian(field[16..]);
                    CleanEntries = (at + 24, field.Length - 24);
                    break;
                case 8: // journal_seq_blacklist
                    for (var i = 8; i + 16 <= field.Length; i += 16)
                    {
                        var start = BinaryPrimitives.ReadUInt64LittleEndian(field[i..]);
                        var end = BinaryPrimitives.ReadUInt64LittleEndian(field[(i + 8)..]);
                        if (end <= start) throw new FieldException(where + i, $"the journal seq blacklist range [{start}, {end}) is empty");
                        Blacklist.Add((start, end));
                    }
                    break;
                case 9: // journal_v2
                    for (var i = 8; i + 16 <= field.Length; i += 16)
                        JournalRanges.Add((BinaryPrimitives.ReadUInt64LittleEndian(field[i..]), BinaryPrimitives.ReadUInt64LittleEndian(field[(i + 8)..])));
                    break;
                case 11:
                    ParseMembers(field, where);
                    break;
                case 16: // extent_type_u64s: one u8 per extent entry type, zero padded
                    var sizes = field[8..];
                    var used = sizes.LastIndexOfAnyExcept((byte)0) + 1;
                    ExtentEntryU64s = [.. sizes[..used].ToArray().Select(b => (int)b)];
                    break;
            }
        }

        private void ParseMembers(ReadOnlySpan<byte> field, int where)
        {
            if (field.Length < 16) throw new FieldException(where, $"the members field at byte {where} has {field.Length} bytes, below its 16-byte header");
            int size = BinaryPrimitives.ReadUInt16LittleEndian(field[8..]);
            if (size < 48) throw new FieldException(where + 8, $"member_bytes {size} is below the 48 bytes of a member's essentials");
            for (int i = 0, at = 16; at + size <= field.Length; i++, at += size)
            {
                var m = field.Slice(at, size);
                Members.Add(new BcachefsMember
                {
                    Index = i,
                    Uuid = new Guid(m[..16], bigEndian: true),
                    Buckets = BinaryPrimitives.ReadUInt64LittleEndian(m[16..]),
                    FirstBucket = BinaryPrimitives.ReadUInt16LittleEndian(m[24..]),
                    BucketSectors = BinaryPrimitives.ReadUInt16LittleEndian(m[26..]),
                    LastMount = BinaryPrimitives.ReadUInt64LittleEndian(m[32..]),
                    Flags = BinaryPrimitives.ReadUInt64LittleEndian(m[40..]),
                    Seq = size >= 128 ? BinaryPrimitives.ReadUInt64LittleEndian(m[120..]) : 0,
                    Name = size >= 160 ? Text(m.Slice(144, 16)) : "",
                    Model = size >= 224 ? Text(m.Slice(160, 64)) : "",
                });
            }
        }
    }
}
