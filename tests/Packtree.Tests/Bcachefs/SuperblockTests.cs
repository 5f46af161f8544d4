using System.Globalization;
using Packtree.Bcachefs;

namespace Packtree.Tests.Bcachefs;

/// <summary>The superblock as read equals what <c>bcachefs show-super</c> printed from the image.</summary>
public class SuperblockTests
{
    public static TheoryData<string> Images => ImageFolder.All;

    private static readonly string[] FieldNames =
        ["journal", "members_v1", "crypt", "replicas_v0", "quota", "disk_groups", "clean", "replicas", "journal_seq_blacklist", "journal_v2",
         "counters", "members_v2", "errors", "ext", "downgrade", "recovery_passes", "extent_type_u64s"];

    private static readonly string[] FeatureNames =
        ["lz4", "gzip", "zstd", "atomic_nlink", "ec", "journal_seq_blacklist_v3", "reflink", "new_siphash", "inline_data", "new_extent_overwrite",
         "incompressible", "btree_ptr_v2", "extents_above_btree_updates", "btree_updates_journalled", "reflink_inline_data", "new_varint",
         "journal_no_flush", "alloc_v2", "extents_across_btree_nodes", "incompat_version_field", "casefolding", "no_alloc_info", "small_image"];

    private static readonly string[] CompatNames = ["alloc_info", "alloc_metadata", "extents_above_btree_updates_done", "bformat_overflow_done", "no_stale_ptrs"];

    [Theory]
    [MemberData(nameof(Images))]
    public void Superblock_fields_equal_show_super(string name)
    {
        using var image = BcachefsImage.Open(ImageFolder.Image(name));
        var sb = image.Superblock;
        var lines = ImageFolder.TruthLines(name, "show-super.txt");
        var top = Fields(lines.TakeWhile(l => !System.Text.RegularExpressions.Regex.IsMatch(l, @"^Device \d+:")));
        var device = Fields(lines.SkipWhile(l => !l.StartsWith($"Device {sb.DeviceIndex}:", StringComparison.Ordinal)).Skip(1));

        Assert.Equal(top["External UUID"], sb.UserUuid.ToString());
        Assert.Equal(top["Internal UUID"], sb.Uuid.ToString());
        Assert.Equal(top["Device index"], sb.DeviceIndex.ToString(CultureInfo.InvariantCulture));
        Assert.Equal(top["Label"], sb.Label);
        Assert.EndsWith($"({Version(sb.Version)})", top["Version"]);
        Assert.EndsWith($"({Version(sb.VersionMin)})", top["Oldest version on disk"]);
        Assert.Equal(top["Sequence number"], sb.Seq.ToString(CultureInfo.InvariantCulture));
        Assert.Equal(top["Clean"], sb.Clean ? "1" : "0");
        Assert.Equal(top["Devices"], sb.DeviceCount.ToString(CultureInfo.InvariantCulture));
        Assert.Equal(top["Sections"], string.Join(",", sb.FieldTypes.Order().Select(t => FieldNames[t]))); // show-super lists them by type
        Assert.Equal(top["Features"], Bits(sb.Features[0], FeatureNames));
        Assert.Equal(top["Compat features"], Bits(sb.Compat[0], CompatNames));
        Assert.Equal(top["Created"], Time(sb.TimeBaseLo / 1_000_000_000));
        Assert.Equal(top["Time of last write"], Time(sb.WriteTime));
        Assert.Equal(Size(top["Superblock size"].Split('/')[0]), SuperblockReader.FixedBytes + 8.0 * sb.U64s, 0.01 * (SuperblockReader.FixedBytes + 8.0 * sb.U64s));
        Assert.Equal(Size(top["Superblock size"].Split('/')[1]), 512L << sb.MaxSizeBits);

        Assert.Equal(Size(top["block_size"]), sb.BlockBytes);
        Assert.Equal(Size(top["btree_node_size"]), sb.NodeBytes);
        Assert.Equal(Chosen(top["metadata_checksum"]), new[] { "none", "crc32c", "crc64", "xxhash" }[sb.MetadataChecksumOption]);
        Assert.Equal(Chosen(top["data_checksum"]), new[] { "none", "crc32c", "crc64", "xxhash" }[sb.DataChecksumOption]);
        Assert.Equal(Chosen(top["str_hash"]), new[] { "crc32c", "crc64", "siphash" }[sb.StrHashOption]);
        Assert.Equal(top["compression"], new[] { "none", "lz4", "gzip", "zstd" }[sb.CompressionOption]);
        Assert.Equal(new[] { 0, 1, 2, 7 }[sb.MetadataChecksumOption], sb.MetadataChecksumType);
        Assert.Equal(new[] { 0, 5, 6, 7 }[sb.DataChecksumOption], sb.DataChecksumType);
        Assert.Equal(0, sb.EncryptionType);

        Assert.Equal(top["Nr superblocks"], sb.Copies.Count.ToString(CultureInfo.InvariantCulture));
        Assert.Equal(top["Offsets"], string.Join(", ", sb.Copies));
        Assert.Equal(Size(top["Superblock max size"]), 512L << sb.MaxSizeBits);
        Assert.Contains(sb.Sector, sb.Copies);

        var member = sb.Members[sb.DeviceIndex];
        Assert.Equal(sb.DeviceIndex, member.Index);
        Assert.Equal(device["UUID"], member.Uuid.ToString());
        Assert.Equal(Size(device["Bucket size"]), member.BucketSectors * 512L);
        Assert.Equal(device["First bucket"], member.FirstBucket.ToString(CultureInfo.InvariantCulture));
        Assert.Equal(device["Buckets"], member.Buckets.ToString(CultureInfo.InvariantCulture));
        Assert.Equal(Size(device["Size"]), (long)member.Buckets * member.BucketSectors * 512);
        Assert.Equal(device["Last superblock write"], member.Seq.ToString(CultureInfo.InvariantCulture));
        Assert.Equal(device["Last mount"], Time(member.LastMount));
        Assert.Equal(device["State"], member.StateName);
        Assert.Equal(device["Durability"], member.Durability.ToString(CultureInfo.InvariantCulture));
        Assert.Equal(device["Discard"], member.Discard ? "1" : "0");
        Assert.Equal(device["Freespace initialized"], member.FreespaceInitialized ? "1" : "0");
        Assert.Equal(device["Rotational"], member.Rotational ? "1" : "0");
        Assert.Equal(device["Last device name"], member.Name);
        Assert.Equal(device["Last device model"], member.Model);
    }

    [Theory]
    [MemberData(nameof(Images))]
    public void Clean_section_and_journal_buckets_equal_show_super_all(string name)
    {
        using var image = BcachefsImage.Open(ImageFolder.Image(name));
        var sb = image.Superblock;
        var lines = ImageFolder.TruthLines(name, "show-super-all.txt");
        var journalSeq = lines.First(l => l.StartsWith("journal_seq:", StringComparison.Ordinal)).Split(':')[1].Trim();
        Assert.Equal(journalSeq, sb.CleanJournalSeq.ToString(CultureInfo.InvariantCulture));
        var buckets = lines.SkipWhile(l => !l.StartsWith("journal_v2 ", StringComparison.Ordinal)).Skip(1).TakeWhile(l => l.Length > 0)
            .SelectMany(l => l["Buckets:".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToList();
        Assert.Equal(buckets, sb.JournalBucketRanges.Select(r => $"{r.Start}-{r.Start + r.Count}"));
        // Each btree_root line names the btree and level; the next line its seq and sectors written.
        var roots = new List<string>();
        for (var i = 0; i < lines.Length; i++)
        {
            if (!lines[i].StartsWith("btree_root: btree=", StringComparison.Ordinal)) continue;
            var parts = lines[i].Split(' ');
            var seq = lines[i + 1].Trim().Split(' ');
            roots.Add($"{parts[1]["btree=".Length..]} {parts[2]} seq {seq[1]} written {seq[3]}");
        }
        Assert.NotEmpty(roots);
        var entrySizes = lines.SkipWhile(l => !l.StartsWith("extent_type_u64s ", StringComparison.Ordinal)).Skip(1).TakeWhile(l => l.Length > 0)
            .Select(l => int.Parse(l.Split(':')[1], CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(entrySizes, sb.ExtentEntryU64s);
        Assert.Equal(roots, image.Btrees.Where(b => !b.IsEmpty).Select(b => $"{b.Name} level={b.RootLevel} seq {b.Root!.Pointer!.Seq:x} written {b.Root.Pointer.SectorsWritten}"));
    }

    private static Dictionary<string, string> Fields(IEnumerable<string> lines)
    {
        var fields = new Dictionary<string, string>();
        foreach (var line in lines)
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0) continue;
            fields.TryAdd(line[..colon].Trim(), line[(colon + 1)..].Trim());
        }
        return fields;
    }

    private static string Version(int version) => $"{version >> 10}.{version & 0x3FF}";

    private static string Bits(ulong bits, string[] names) =>
        string.Join(',', Enumerable.Range(0, 64).Where(b => (bits >> b & 1) != 0).Select(b => b < names.Length ? names[b] : $"bit {b}"));

    private static string Time(ulong seconds) =>
        DateTimeOffset.FromUnixTimeSeconds((long)seconds).UtcDateTime.ToString("ddd MMM d HH:mm:ss yyyy", CultureInfo.InvariantCulture);

    private static string Chosen(string options) => options.Split(' ').Single(o => o.StartsWith('[')).Trim('[', ']');

    /// <summary>A size as bcachefs prints it (128k, 64.0k, 1.00M, 256M) in bytes.</summary>
    internal static double Size(string text)
    {
        var unit = text[^1] switch { 'k' => 1024.0, 'M' => 1024.0 * 1024, 'G' => 1024.0 * 1024 * 1024, _ => 1.0 };
        return double.Parse(char.IsDigit(text[^1]) ? text : text[..^1], CultureInfo.InvariantCulture) * unit;
    }
}
