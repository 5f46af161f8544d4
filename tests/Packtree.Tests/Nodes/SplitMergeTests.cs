using Packtree.Keys;
using Packtree.Nodes;

namespace Packtree.Tests.Nodes;

/// <summary>Split and merge keep every live key, give each node its own format and range, and tile the original range.</summary>
public sealed class SplitMergeTests
{
    private const ulong Magic = 0xfeed;

    [Fact]
    public void SplitThenMergeGivesBackTheSameKeys()
    {
        var random = new Random(8);
        for (var trial = 0; trial < 30; trial++)
        {
            var codec = new NodeCodec(new NodeGeometry(16384, 512), Magic);
            var node = RandomFullNode(random, codec, fill: random.Next(2) == 0);
            var before = node.LiveKeys().Select(k => (k.Key, k.Value.ToArray())).ToList();
            if (before.Count < 2) continue;

            var (left, right) = node.Split();
            Assert.Equal(node.Header.MinPosition, left.Header.MinPosition);
            Assert.Equal(node.Header.MaxPosition, right.Header.MaxPosition);
            Assert.Equal(left.Header.MaxPosition.Successor(), right.Header.MinPosition);
            Assert.Equal(node.Header.NodeSeq + 1, left.Header.NodeSeq);
            var leftKeys = left.LiveKeys().ToList();
            var rightKeys = right.LiveKeys().ToList();
            Assert.NotEmpty(leftKeys);
            Assert.NotEmpty(rightKeys);
            Assert.Equal(left.Header.MaxPosition, leftKeys[^1].Key.Position);
            Assert.All(leftKeys, k => Assert.InRange(k.Key.Position, left.Header.MinPosition, left.Header.MaxPosition));
            Assert.All(rightKeys, k => Assert.InRange(k.Key.Position, right.Header.MinPosition, right.Header.MaxPosition));
            Assert.Equal(before.Select(k => (k.Key.Position, k.Item2.Length)), leftKeys.Concat(rightKeys).Select(k => (k.Key.Position, k.Value.Length)));
            Assert.True(left.UsedBytes < node.UsedBytes && right.UsedBytes < node.UsedBytes);

            // Both halves survive a write and a read in their own formats.
            foreach (var half in new[] { left, right })
            {
                var disk = new byte[codec.Geometry.NodeBytes];
                half.Write(disk);
                var read = BtreeNode.Read(codec, disk, half.Seq, half.WrittenSectors, "half");
                Assert.Equal(half.LiveKeys().Select(k => k.Key.Position), read.LiveKeys().Select(k => k.Key.Position));
            }

            var merged = BtreeNode.Merge([left, right]);
            if (merged is null) continue; // a full node's halves may not fit one node again in a wider format
            Assert.Equal(node.Header.MinPosition, merged.Header.MinPosition);
            Assert.Equal(node.Header.MaxPosition, merged.Header.MaxPosition);
            Assert.Equal(before.Select(k => (k.Key.Position, k.Key.Version, k.Item2.Length)), merged.LiveKeys().Select(k => (k.Key.Position, k.Key.Version, k.Value.Length)));
        }
    }

    [Fact]
    public void MergeRefusesNodesThatDoNotTileAndNodesThatDoNotFit()
    {
        var random = new Random(3);
        var codec = new NodeCodec(new NodeGeometry(16384, 512), Magic);
        var a = RandomFullNode(random, codec, fill: true);
        var (left, right) = a.Split();
        Assert.Throws<ArgumentException>(() => BtreeNode.Merge([right, left]));
        Assert.Throws<ArgumentException>(() => BtreeNode.Merge([left]));
        // Two nodes each more than half full cannot become one.
        var full = new[] { Fill(codec, new Bpos(1, 0, 0), new Bpos(1, 999_999, uint.MaxValue)), Fill(codec, new Bpos(1, 1_000_000, 0), new Bpos(2, 0, 0)) };
        Assert.Null(BtreeNode.Merge(full));
    }

    private static BtreeNode Fill(NodeCodec codec, Bpos min, Bpos max)
    {
        var format = new BkeyFormatBuilder().AddPosition(min).AddPosition(max).Build();
        var node = BtreeNode.Create(codec, new NodeHeader(Magic, NodeHeader.MakeFlags(1, 0, 1), min, max, format), BtreeNode.NewSeq());
        for (ulong i = 0; node.Insert(new Bkey(new Bpos(min.Inode, min.Offset + i * 3, 0), 8, 1), new byte[8]) == InsertResult.Done; i++)
        {
        }
        return node;
    }

    /// <summary>
    /// The parent's side of a merge: a key replaced and another deleted in one change, both or, when the node
    /// has no room for both, neither (the tree then makes room and decides the merge again).
    /// </summary>
    [Fact]
    public void InsertAndDeleteChangesBothKeysOrNeither()
    {
        var codec = new NodeCodec(new NodeGeometry(1024, 512), Magic);
        var min = new Bpos(1, 0, 0);
        var max = new Bpos(1, 100, 0);
        var format = new BkeyFormatBuilder().AddPosition(min).AddPosition(max).Build();
        var node = BtreeNode.Create(codec, new NodeHeader(Magic, NodeHeader.MakeFlags(2, 0, 5), min, max, format), BtreeNode.NewSeq());
        var count = 0;
        while (node.Insert(new Bkey(new Bpos(1, (ulong)count, 0), 9, 6), new byte[48]) == InsertResult.Done) count++;

        var replacement = Enumerable.Repeat((byte)0xab, 48).ToArray();
        var before = Contents(node);
        Assert.Equal(InsertResult.NodeFull, node.InsertAndDelete(new Bkey(new Bpos(1, 0, 0), 9, 6), replacement, new Bpos(1, 1, 0), 0));
        Assert.Equal(before, Contents(node));

        for (var i = 2; i < 5; i++) Assert.Equal(InsertResult.Done, node.Delete(new Bpos(1, (ulong)i, 0)));
        Assert.Equal(InsertResult.Done, node.InsertAndDelete(new Bkey(new Bpos(1, 0, 0), 9, 6), replacement, new Bpos(1, 1, 0), 0));
        var after = Contents(node);
        Assert.Equal(count - 4, after.Count);
        Assert.Equal(replacement, after[new Bpos(1, 0, 0)]);
        Assert.False(after.ContainsKey(new Bpos(1, 1, 0)));
        Assert.All(after.Where(k => k.Key != new Bpos(1, 0, 0)), k => Assert.Equal(new byte[48], k.Value));

        static Dictionary<Bpos, byte[]> Contents(BtreeNode node) => node.LiveKeys().ToDictionary(k => k.Key.Position, k => k.Value.ToArray());
    }

    private static BtreeNode RandomFullNode(Random random, NodeCodec codec, bool fill)
    {
        var min = new Bpos(7, 0, 0);
        var max = new Bpos(9, ulong.MaxValue, uint.MaxValue);
        var format = new BkeyFormatBuilder().AddPosition(min).AddPosition(new Bpos(7, 1000, 0)).Build();
        var node = BtreeNode.Create(codec, new NodeHeader(Magic, NodeHeader.MakeFlags(2, 0, 5), min, max, format), BtreeNode.NewSeq());
        var count = fill ? int.MaxValue : random.Next(2, 200);
        for (var i = 0; i < count; i++)
        {
            var key = new Bkey(new Bpos((ulong)random.Next(7, 10), (ulong)random.NextInt64(0, 1L << random.Next(4, 50)), (uint)random.Next(0, 3)), 9, random.Next(0, 4), version: new Bversion(0, (ulong)i));
            if (node.Insert(key, new byte[key.ValueU64s * 8]) == InsertResult.NodeFull) break;
            if (random.Next(10) == 0) node.Delete(key.Position);
        }
        return node;
    }
}
