using Packtree.Keys;
using Packtree.Nodes;

namespace Packtree.Tests.Nodes;

/// <summary>Nodes of every shape survive a write and a read: empty, one key, 1- to 5-word formats, the largest value, full, several appended bsets.</summary>
public sealed class NodeShapeTests
{
    private const ulong Magic = 0xabcdef;

    public static TheoryData<int> WordCounts => [1, 2, 3, 4, 5];

    [Fact]
    public void AnEmptyNodeRoundTrips()
    {
        var codec = new NodeCodec(NodeGeometry.Default, Magic);
        var node = NewNode(codec, new BkeyFormatBuilder().AddPosition(Bpos.Min).AddPosition(Bpos.Max).Build(), Bpos.Min, Bpos.Max);
        var disk = new byte[codec.Geometry.NodeBytes];
        Assert.Equal(8, node.Write(disk)); // one 4 KiB block
        var read = BtreeNode.Read(codec, disk, node.Seq, node.WrittenSectors, "empty");
        Assert.Empty(read.LiveKeys());
        Assert.Equal(3, read.Format.KeyU64s); // the empty root format of E4
    }

    [Theory]
    [MemberData(nameof(WordCounts))]
    public void FormatsOfOneToFiveWordsRoundTripWithLargeValues(int words)
    {
        var codec = new NodeCodec(new NodeGeometry(65536, 4096), Magic, ChecksumType.XxHash);
        BkeyFormat format = words == 5 ? BkeyFormat.Current : BkeyFormat.Create(Widths(words), [0, 0, 0, 0, 0, 0]);
        Assert.Equal(words, format.KeyU64s);
        var node = NewNode(codec, format, Bpos.Min, Bpos.Max);
        var random = new Random(words);
        var expected = new List<(Bkey, byte[])>();
        foreach (var valueWords in new[] { 0, 1, Bkey.ValueU64sMax, 7, Bkey.ValueU64sMax })
        {
            var key = new Bkey(new Bpos((ulong)expected.Count * 5 + 1, 77, 1), (byte)BkeyType.InlineData, valueWords, version: new Bversion(1, 2));
            var value = new byte[valueWords * 8];
            random.NextBytes(value);
            Assert.Equal(InsertResult.Done, node.Insert(key, value));
            expected.Add((key, value));
        }
        var disk = new byte[codec.Geometry.NodeBytes];
        node.Write(disk);
        var read = BtreeNode.Read(codec, disk, node.Seq, node.WrittenSectors, $"{words} words");
        var live = read.LiveKeys().ToList();
        Assert.Equal(expected.Select(e => e.Item1.Position), live.Select(k => k.Key.Position));
        Assert.Equal(expected.Select(e => e.Item2), live.Select(k => k.Value.ToArray()));
    }

    [Fact]
    public void AFullNodeWithSeveralAppendedBsetsRoundTrips()
    {
        var codec = new NodeCodec(new NodeGeometry(32768, 512), Magic);
        var min = new Bpos(1, 0, 0);
        var max = new Bpos(1, 100_000, 0);
        var node = NewNode(codec, new BkeyFormatBuilder().AddPosition(min).AddPosition(max).Build(), min, max);
        var disk = new byte[codec.Geometry.NodeBytes];
        var model = new SortedDictionary<Bpos, ulong>();
        var random = new Random(2);
        var writes = 0;
        for (var round = 0; round < 200 && node.FreeSectors > 16; round++)
        {
            for (var i = 0; i < 20; i++)
            {
                var position = new Bpos(1, (ulong)random.Next(0, 100_000), 0);
                var key = new Bkey(position, (byte)BkeyType.Extent, 1, version: new Bversion(0, (ulong)round));
                if (node.Insert(key, new byte[8]) == InsertResult.NodeFull) break;
                model[position] = (ulong)round;
            }
            if (node.Write(disk) > 0) writes++;
        }
        Assert.True(writes > 5, $"only {writes} writes");
        var read = BtreeNode.Read(codec, disk, node.Seq, node.WrittenSectors, "full");
        Assert.Equal(model.Select(m => (m.Key, m.Value)), read.LiveKeys().Select(k => (k.Key.Position, k.Key.Version.Lo)));
        var image = codec.Read(disk, node.Seq, node.WrittenSectors, "full");
        Assert.True(image.Bsets.Count > 5);
        Assert.Contains("bset seq", image.ToString(), StringComparison.Ordinal);
    }

    private static byte[] Widths(int words) => words switch
    {
        1 => [8, 16, 8, 0, 0, 8],
        2 => [20, 40, 16, 8, 8, 8],
        3 => [64, 40, 32, 16, 8, 8],
        _ => [64, 64, 32, 32, 8, 32],
    };

    private static BtreeNode NewNode(NodeCodec codec, BkeyFormat format, Bpos min, Bpos max) =>
        BtreeNode.Create(codec, new NodeHeader(Magic, NodeHeader.MakeFlags(4, 0, 1), min, max, format), BtreeNode.NewSeq());
}
