using System.Globalization;
using System.Text;
using Packtree.Bcachefs;
using Packtree.Keys;

namespace Packtree.Tests.Bcachefs;

/// <summary>The raw walk (every node, every write, every stored key) equals bcachefs's own dump of the image.</summary>
public class RawWalkTests
{
    public static TheoryData<string> Images => ImageFolder.All;

    [Theory]
    [MemberData(nameof(Images))]
    public void Raw_walk_equals_the_node_dump(string name)
    {
        using var image = BcachefsImage.Open(ImageFolder.Image(name));
        var dump = ImageFolder.TruthLines(name, "raw.txt");
        var expected = ExpectedLines(dump);
        var actual = new List<string>();
        foreach (var btree in image.Btrees)
        {
            actual.Add($"##### btree {btree.Id} {btree.Name} root_level {btree.RootLevel}{(btree.IsEmpty ? " (fake/empty)" : "")}");
            if (btree.IsEmpty) actual.Add($"=== node btree {btree.Name} level 0 FAKE (empty btree, no on-disk node)");
            foreach (var node in btree.Nodes()) actual.AddRange(Lines(image, node));
        }
        for (var i = 0; i < Math.Min(expected.Count, actual.Count); i++)
            if (expected[i] != actual[i]) Assert.Fail($"{name}: line {i + 1} differs:\n dump: {expected[i]}\n read: {actual[i]}");
        Assert.Equal(expected.Count, actual.Count);
        // The dump's totals: nodes, keys, packed and unpacked keys.
        var nodes = image.Btrees.SelectMany(b => b.Nodes()).ToList();
        var keys = nodes.SelectMany(n => n.Bsets).SelectMany(b => b.Keys).ToList();
        var totals = dump.Single(l => l.StartsWith("### totals", StringComparison.Ordinal));
        Assert.Equal(totals, $"### totals: nodes {nodes.Count} keys {keys.Count} packed {keys.Count(k => k.Packed)} unpacked {keys.Count(k => !k.Packed)}");
    }

    /// <summary>The dump's lines without what another part of the reader prints (pointer text, key text after <c>|</c>) and the totals line.</summary>
    private static List<string> ExpectedLines(string[] dump) =>
        [.. dump
            .Where(l => !l.StartsWith("  ptr:", StringComparison.Ordinal) && !l.StartsWith("### totals", StringComparison.Ordinal))
            .Select(l => l.StartsWith("    key ", StringComparison.Ordinal) && l.IndexOf(" | ", StringComparison.Ordinal) is var cut and >= 0 ? l[..cut] : l)];

    private static IEnumerable<string> Lines(BcachefsImage image, BcachefsNodeInfo node)
    {
        var c = CultureInfo.InvariantCulture;
        var h = node.Header;
        var csum = new byte[16];
        node.HeaderChecksum.Write(csum);
        yield return string.Create(c, $"=== node btree {node.Btree} level {node.Level} dev {image.Superblock.DeviceIndex} sector {node.ByteOffset / 512} byte_offset {node.ByteOffset} buf_bytes {image.Superblock.NodeBytes} written_sectors {node.WrittenSectors}");
        yield return string.Create(c, $"  header: csum_type {(int)node.Bsets[0].Header.ChecksumType} csum {Convert.ToHexStringLower(csum)} magic {h.Magic:x16} flags {h.Flags:x16} (id {h.BtreeId} level {h.Level} new_extent_overwrite {(h.NewExtentOverwrite ? 1 : 0)} seq {h.NodeSeq})");
        yield return $"  min_key {node.MinKey} max_key {node.MaxKey}";
        var f = node.Format;
        var widths = string.Join(' ', Enumerable.Range(0, 6).Select(i => f.Width((BkeyField)i).ToString(c)));
        var offsets = string.Join(' ', Enumerable.Range(0, 6).Select(i => f.Offset((BkeyField)i).ToString(c)));
        yield return string.Create(c, $"  format key_u64s {f.KeyU64s} nr_fields 6 bits_per_field [{widths}] field_offset [{offsets}] (in-memory format identical)");
        foreach (var bset in node.Bsets)
        {
            var b = bset.Header;
            yield return string.Create(c, $"  bset sector_offset {bset.SectorOffset} byte_offset {bset.ByteOffset} sectors {bset.Sectors} seq {b.Seq:x16} journal_seq {b.JournalSeq} flags {b.Flags:x8} (csum_type {(int)b.ChecksumType} big_endian {(b.BigEndian ? 1 : 0)} separate_whiteouts {(b.SeparateWhiteouts ? 1 : 0)} offset {b.SectorOffset}) version {b.Version} u64s {b.U64s} csum_ok"); // the walk yields only nodes whose checksums the codec accepted
            foreach (var key in bset.Keys)
                yield return string.Create(c, $"    key byte {key.ByteOffset} u64s {key.U64s} {(key.Packed ? "packed" : "unpacked")} needs_whiteout {key.Raw[1] >> 7} type {key.Type} raw {Convert.ToHexStringLower(key.Raw)}");
        }
    }
}
