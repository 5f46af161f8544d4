using Packtree.Keys;
using Packtree.Nodes;

namespace Packtree.Tests.Nodes;

/// <summary>
/// The in-memory node against a sorted dictionary: random inserts, overwrites and deletes, with writes
/// (appended bsets), reads back from disk, and rewrites in between; lookups, ordered iteration both ways
/// and what reaches disk must always match the model.
/// </summary>
public sealed class BtreeNodeTests
{
    private const ulong Magic = 0x5eed;

    [Fact]
    public void ANodeBehavesLikeASortedDictionaryThroughWritesReadsAndRewrites()
    {
        var random = new Random(123);
        for (var trial = 0; trial < 12; trial++)
        {
            var codec = new NodeCodec(new NodeGeometry(trial % 2 == 0 ? 16384 : 65536, 512 << (trial % 3)), Magic, ChecksumType.Crc32cNonzero);
            var min = new Bpos(100, 0, 0);
            var max = new Bpos(120, ulong.MaxValue, uint.MaxValue);
            var format = new BkeyFormatBuilder().AddPosition(min).AddPosition(new Bpos(103, 5000, 3)).Build();
            var node = BtreeNode.Create(codec, new NodeHeader(Magic, NodeHeader.MakeFlags(3, 0, 1), min, max, format), BtreeNode.NewSeq());
            var model = new SortedDictionary<Bpos, (Bkey Key, byte[] Value)>();
            var onDisk = new SortedDictionary<Bpos, (Bkey Key, byte[] Value)>();
            var disk = new byte[codec.Geometry.NodeBytes];

            for (var op = 0; op < 1500; op++)
            {
                var position = new Bpos((ulong)random.Next(100, 106), (ulong)random.Next(0, 6000), (uint)random.Next(0, 3));
                var roll = random.Next(100);
                if (roll < 25 && model.Count > 0)
                {
                    var victim = random.Next(3) == 0 ? position : model.Keys.ElementAt(random.Next(model.Count));
                    if (node.Delete(victim) == InsertResult.NodeFull)
                    {
                        // No room for the whiteout: the tree would rewrite the node to a new place, where none is needed.
                        node.Rewrite();
                        Array.Clear(disk);
                        Assert.Equal(InsertResult.Done, node.Delete(victim));
                    }
                    model.Remove(victim);
                }
                else if (roll < 92)
                {
                    var valueWords = random.Next(10) == 0 ? random.Next(0, 20) : random.Next(0, 3);
                    var key = new Bkey(position, (byte)random.Next(1, 39), valueWords, (uint)random.Next(0, 50), new Bversion(0, (ulong)op));
                    var value = new byte[valueWords * 8];
                    random.NextBytes(value);
                    if (node.Insert(key, value) == InsertResult.NodeFull)
                    {
                        Assert.True(node.UsedBytes > codec.Geometry.NodeBytes / 4, $"full at {node.UsedBytes} bytes");
                        break;
                    }
                    model[position] = (key, value);
                }
                else if (roll < 97)
                {
                    if (node.FreeSectors < codec.Geometry.NodeSectors / 4)
                    {
                        node.Rewrite(); // the log is nearly full: a new node in a new place
                        Array.Clear(disk);
                    }
                    node.Write(disk);
                    onDisk = new SortedDictionary<Bpos, (Bkey, byte[])>(model);
                }
                else if (node.WrittenSectors > 0 && !node.IsDirty)
                {
                    node = BtreeNode.Read(codec, disk, node.Seq, node.WrittenSectors, "model");
                    AssertSame(onDisk, node);
                }
                else
                {
                    node.Rewrite();
                    Array.Clear(disk);
                }

                if (op % 50 == 0) AssertSame(model, node);
                CheckSeeks(random, model, node);
            }
            AssertSame(model, node);
        }
    }

    [Fact]
    public void AFourthBsetIsAvoidedBySortingTheUnwrittenOnesTogether()
    {
        var codec = new NodeCodec(new NodeGeometry(65536, 512), Magic);
        var min = new Bpos(1, 0, 0);
        var max = new Bpos(1, 1_000_000, 0);
        var node = BtreeNode.Create(codec, new NodeHeader(Magic, NodeHeader.MakeFlags(3, 0, 1), min, max, new BkeyFormatBuilder().AddPosition(min).AddPosition(max).Build()), BtreeNode.NewSeq());
        var model = new SortedDictionary<Bpos, (Bkey Key, byte[] Value)>();
        void Put(ulong offset)
        {
            var key = new Bkey(new Bpos(1, offset, 0), 5, 2);
            Assert.Equal(InsertResult.Done, node.Insert(key, new byte[16]));
            model[key.Position] = (key, new byte[16]);
        }
        for (ulong i = 0; i < 50; i++) Put(i * 7);
        node.Write(new byte[codec.Geometry.NodeBytes]);
        Assert.Equal(1, node.BsetCount);
        var seen = new HashSet<int>();
        for (ulong i = 0; i < 2000 && seen.Count < 3; i++)
        {
            Put(1000 + i * 3);
            if (i % 5 == 0) node.Delete(new Bpos(1, 1000 + i * 3, 0)); // dead keys, dropped by the sort
            if (i % 5 == 0) model.Remove(new Bpos(1, 1000 + i * 3, 0));
            seen.Add(node.BsetCount);
        }
        Assert.Contains(3, seen);
        for (ulong i = 0; i < 600; i++) Put(500_000 + i);
        Assert.InRange(node.BsetCount, 2, 3);
        AssertSame(model, node);
    }

    [Fact]
    public void DeadKeysInAnOlderBsetAreDroppedLazily()
    {
        var codec = new NodeCodec(new NodeGeometry(65536, 512), Magic);
        var min = new Bpos(1, 0, 0);
        var max = new Bpos(1, 10_000, 0);
        var node = BtreeNode.Create(codec, new NodeHeader(Magic, NodeHeader.MakeFlags(3, 0, 1), min, max, new BkeyFormatBuilder().AddPosition(min).AddPosition(max).Build()), BtreeNode.NewSeq());
        var model = new SortedDictionary<Bpos, (Bkey Key, byte[] Value)>();
        for (ulong i = 0; i < 400; i++)
        {
            var key = new Bkey(new Bpos(1, i, 0), 5, 4);
            Assert.Equal(InsertResult.Done, node.Insert(key, new byte[32]));
            model[key.Position] = (key, new byte[32]);
        }
        node.Write(new byte[codec.Geometry.NodeBytes]);
        var before = node.UsedBytes;
        // Overwrite most keys with value-less versions: their old copies die in the written bset.
        for (ulong i = 0; i < 300; i++)
        {
            var key = new Bkey(new Bpos(1, i, 0), 6);
            Assert.Equal(InsertResult.Done, node.Insert(key, []));
            model[key.Position] = (key, []);
        }
        Assert.True(node.UsedBytes < before, $"used {node.UsedBytes} bytes, {before} before: the dead keys were not dropped");
        AssertSame(model, node);
    }

    private static void AssertSame(SortedDictionary<Bpos, (Bkey Key, byte[] Value)> model, BtreeNode node)
    {
        var live = node.LiveKeys().ToList();
        Assert.Equal(model.Count, live.Count);
        var unpacked = new Bkey[4096];
        var count = node.UnpackLive(unpacked);
        Assert.Equal(live.Select(k => k.Key), unpacked[..count]);
        var i = 0;
        foreach (var (position, (key, value)) in model)
        {
            var (actual, actualValue) = live[i++];
            Assert.Equal(position, actual.Position);
            Assert.Equal(key.Type, actual.Type);
            Assert.Equal(key.Version, actual.Version);
            Assert.Equal(key.Size, actual.Size);
            Assert.Equal(value, actualValue.ToArray());
        }
    }

    private static void CheckSeeks(Random random, SortedDictionary<Bpos, (Bkey Key, byte[] Value)> model, BtreeNode node)
    {
        for (var probe = 0; probe < 3; probe++)
        {
            var p = new Bpos((ulong)random.Next(99, 107), (ulong)random.Next(0, 6001), (uint)random.Next(0, 4));
            Assert.Equal(model.ContainsKey(p), node.TryGet(p, out var found, out _));
            if (model.TryGetValue(p, out var expected)) Assert.Equal(expected.Key.Version, found.Version);

            var after = model.Keys.Where(k => k >= p).Cast<Bpos?>().FirstOrDefault();
            Assert.True(after == node.SeekAtOrAfter(p).Current?.Key.Position, $"seek {p}: expected {after}, got {node.SeekAtOrAfter(p).Current?.Key.Position}; model {string.Join(", ", model.Keys.TakeLast(3))}\n{node}");
            var before = model.Keys.Where(k => k <= p).Cast<Bpos?>().LastOrDefault();
            var iterator = node.SeekAtOrBefore(p);
            Assert.Equal(before, iterator.Current?.Key.Position);
            if (before is not null)
            {
                var earlier = model.Keys.Where(k => k < before.Value).Cast<Bpos?>().LastOrDefault();
                Assert.Equal(earlier is not null, iterator.MovePrevious());
                if (earlier is not null) Assert.Equal(earlier, iterator.Current?.Key.Position);
            }
        }
    }
}
