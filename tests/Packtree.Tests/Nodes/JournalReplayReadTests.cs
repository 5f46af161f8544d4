using Packtree.Keys;
using Packtree.Nodes;

namespace Packtree.Tests.Nodes;

/// <summary>
/// Reads that recovery depends on (docs/DESIGN.md §3.6, §3.7): writes whose journal entries were lost are skipped
/// through the blacklist, and a pointer with a repaired range overrides the node's own.
/// </summary>
public sealed class JournalReplayReadTests
{
    private const ulong Magic = 0xb1ac;

    [Fact]
    public void BlacklistedWritesAreSkippedAsIfTheyNeverHappened()
    {
        var random = new Random(77);
        for (var trial = 0; trial < 40; trial++)
        {
            var codec = new NodeCodec(new NodeGeometry(65536, 512), Magic);
            var (node, disk, writes) = WriteNode(random, codec, writeCount: random.Next(2, 7));
            // Any set of later writes may be lost; the first never (it would be corruption).
            var lost = Enumerable.Range(2, writes.Count - 1).Where(_ => random.Next(2) == 0).Select(s => (ulong)s).ToHashSet();
            var blacklist = new JournalSeqBlacklist(lost.Select(s => (s, s + 1)));

            var expected = new SortedDictionary<Bpos, Bkey>();
            for (var w = 0; w < writes.Count; w++)
            {
                if (lost.Contains((ulong)w + 1)) continue;
                foreach (var (position, key) in writes[w])
                {
                    if (key is { } live) expected[position] = live;
                    else expected.Remove(position);
                }
            }
            foreach (var sectors in new[] { node.WrittenSectors, 0 })
            {
                var image = codec.Read(disk, node.Seq, sectors, $"trial {trial}", blacklist: blacklist);
                Assert.Equal(expected.Values, image.UnpackKeys());
                Assert.Equal(Enumerable.Range(1, writes.Count).Select(s => (ulong)s).Where(s => !lost.Contains(s)).Max(), image.JournalSeq);
                var read = BtreeNode.Read(codec, disk, node.Seq, sectors, $"trial {trial}", blacklist: blacklist);
                Assert.Equal(expected.Keys, read.LiveKeys().Select(k => k.Key.Position)); // read keys carry needs_whiteout
            }
        }
    }

    [Fact]
    public void ABlacklistedFirstWriteIsCorruption()
    {
        var codec = new NodeCodec(new NodeGeometry(65536, 512), Magic);
        var (node, disk, _) = WriteNode(new Random(5), codec, writeCount: 2);
        var ex = Assert.Throws<CorruptNodeException>(() => codec.Read(disk, node.Seq, node.WrittenSectors, "n", blacklist: new JournalSeqBlacklist([(1, 2)])));
        Assert.Contains("first write's journal_seq 1 is blacklisted", ex.Rule, StringComparison.Ordinal);
        Assert.Equal(0, ex.Bset);
    }

    [Fact]
    public void ABlacklistedWriteAfterTheEndOfTheLogIsNoHole()
    {
        var codec = new NodeCodec(new NodeGeometry(65536, 512), Magic);
        var (node, disk, _) = WriteNode(new Random(6), codec, writeCount: 2);
        var key = TestNode.Pack(node.Format, new Bkey(node.Header.MinPosition));
        codec.WriteEntry(disk, node.WrittenSectors + 4, node.Seq, journalSeq: 90, key);
        Assert.Throws<CorruptNodeException>(() => codec.Read(disk, node.Seq, 0, "n"));
        var image = codec.Read(disk, node.Seq, 0, "n", blacklist: new JournalSeqBlacklist([(80, 100)]));
        Assert.Equal(node.WrittenSectors, image.SectorsRead);
    }

    [Fact]
    public void BlacklistRangesAreHalfOpenAndMerged()
    {
        var blacklist = new JournalSeqBlacklist([(10, 20), (5, 8), (15, 30), (30, 31)]);
        Assert.Equal([(5UL, 8UL), (10UL, 31UL)], blacklist.Ranges);
        Assert.False(blacklist.Contains(4));
        Assert.True(blacklist.Contains(5));
        Assert.True(blacklist.Contains(7));
        Assert.False(blacklist.Contains(8));
        Assert.True(blacklist.Contains(30));
        Assert.False(blacklist.Contains(31));
        Assert.False(JournalSeqBlacklist.Empty.Contains(0));
        Assert.Contains("[9, 9)", Assert.Throws<ArgumentException>(() => new JournalSeqBlacklist([(9, 9)])).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ARepairedRangeOverridesTheHeaderAndDropsKeysOutsideIt()
    {
        var codec = new NodeCodec(new NodeGeometry(65536, 512), Magic);
        var (node, disk, writes) = WriteNode(new Random(8), codec, writeCount: 3);
        var all = codec.Read(disk, node.Seq, node.WrittenSectors, "n").UnpackKeys();
        var from = all[all.Length / 4].Position;
        var to = all[all.Length * 3 / 4].Position;
        var header = node.Header;

        // Without the flag a different range is a mismatch; with it the pointer wins.
        Assert.Throws<CorruptNodeException>(() => codec.Read(disk, node.Seq, node.WrittenSectors, "n", new NodeExpectation(header.BtreeId, header.Level, from, to)));
        var repaired = new NodeExpectation(header.BtreeId, header.Level, from, to, rangeUpdated: true);
        var image = codec.Read(disk, node.Seq, node.WrittenSectors, "n", repaired);
        Assert.Equal(from, image.Header.MinPosition);
        Assert.Equal(to, image.Header.MaxPosition);
        Assert.Equal(all.Where(k => k.Position >= from && k.Position <= to), image.UnpackKeys());

        var read = BtreeNode.Read(codec, disk, node.Seq, node.WrittenSectors, "n", expected: repaired);
        Assert.Equal(image.UnpackKeys().Select(k => k.Position), read.LiveKeys().Select(k => k.Key.Position));
        Assert.False(read.TryGet(all[0].Position, out _, out _));
        Assert.True(read.TryGet(from, out _, out _));
    }

    /// <summary>A node written <paramref name="writeCount"/> times, write w with journal seq w + 1; each write's updates (null = deleted).</summary>
    private static (BtreeNode Node, byte[] Disk, List<Dictionary<Bpos, Bkey?>> Writes) WriteNode(Random random, NodeCodec codec, int writeCount)
    {
        var min = new Bpos(7, 0, 0);
        var max = new Bpos(9, ulong.MaxValue, uint.MaxValue);
        var format = new BkeyFormatBuilder().AddPosition(min).AddPosition(new Bpos(8, 4000, 2)).Build();
        var node = BtreeNode.Create(codec, new NodeHeader(Magic, NodeHeader.MakeFlags(1, 0, 1), min, max, format), BtreeNode.NewSeq());
        var disk = new byte[codec.Geometry.NodeBytes];
        var live = new List<Bpos>();
        var writes = new List<Dictionary<Bpos, Bkey?>>();
        for (var w = 0; w < writeCount; w++)
        {
            var updates = new Dictionary<Bpos, Bkey?>();
            var journalSeq = (ulong)w + 1;
            for (var i = 0; i < (w == 0 ? 60 : 15); i++)
            {
                if (w > 0 && live.Count > 0 && random.Next(4) == 0)
                {
                    var victim = live[random.Next(live.Count)];
                    Assert.Equal(InsertResult.Done, node.Delete(victim, journalSeq));
                    live.Remove(victim);
                    updates[victim] = null;
                    continue;
                }
                var position = new Bpos((ulong)random.Next(7, 9), (ulong)random.Next(0, 4000), (uint)random.Next(0, 3));
                var key = new Bkey(position, (byte)BkeyType.Cookie, random.Next(0, 3), 0, default);
                Assert.Equal(InsertResult.Done, node.Insert(key, new byte[key.ValueU64s * 8], journalSeq));
                if (!live.Contains(position)) live.Add(position);
                updates[position] = key;
            }
            node.Write(disk);
            writes.Add(updates);
        }
        return (node, disk, writes);
    }
}
