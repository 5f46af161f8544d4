using Packtree.Codegen;
using Packtree.Keys;
using Packtree.Nodes;

namespace Packtree.Tests.Nodes;

/// <summary>
/// Reading a node's keys forward in runs (what a scan does) gives exactly what stepping the iterator gives: the same
/// live keys in the same order with the same offsets, from any start, with any room, under every key-code strategy,
/// through inserts, overwrites, deletes, keys that do not fit the format, writes, reads and rewrites.
/// </summary>
public sealed class NodeRunReadTests
{
    private const ulong Magic = 0x1a7;

    [Theory]
    [InlineData(UnpackStrategy.Generic)]
    [InlineData(UnpackStrategy.ByteAligned)]
    [InlineData(UnpackStrategy.Compiled)]
    [InlineData(UnpackStrategy.Auto)]
    public void RunsReadWhatTheIteratorSteps(UnpackStrategy strategy)
    {
        var random = new Random(11 + (int)strategy);
        var options = KeyCodecOptions.Default with { Strategy = strategy, CompileThreshold = 200 };
        var codec = new NodeCodec(new NodeGeometry(65536, 512), Magic);
        var node = NewNode(codec, options);
        var disk = new byte[codec.Geometry.NodeBytes];
        var checks = 0;
        for (var op = 0; op < 4000; op++)
        {
            var roll = random.Next(100);
            // Offsets beyond 4,000 do not fit the node's format: those keys are stored unpacked.
            var position = new Bpos(7, (ulong)random.Next(0, random.Next(10) == 0 ? 100_000 : 4000), (uint)random.Next(0, 2));
            if (roll < 25)
            {
                if (node.Delete(position) == InsertResult.NodeFull) break;
            }
            else if (roll < 96)
            {
                var key = new Bkey(position, 1, random.Next(0, 3));
                if (node.Insert(key, new byte[key.ValueU64s * 8]) == InsertResult.NodeFull)
                {
                    node.Rewrite();
                    Array.Clear(disk);
                    if (node.Insert(key, new byte[key.ValueU64s * 8]) == InsertResult.NodeFull) break;
                }
            }
            else if (node.NextWriteFits())
            {
                node.Write(disk);
                if (random.Next(2) == 0) node = BtreeNode.Read(codec, disk, node.Seq, node.WrittenSectors, "n", options);
            }
            else
            {
                node.Rewrite();
                Array.Clear(disk);
            }
            if (op % 10 == 9)
            {
                Check(node, random);
                checks++;
            }
        }
        Assert.True(checks > 300);
    }

    private static void Check(BtreeNode node, Random random)
    {
        var from = new Bpos(7, (ulong)random.Next(0, 4200), 0);
        var expected = new List<(Bpos Key, int At)>();
        var stepped = node.SeekAtOrAfter(from);
        while (stepped.Peek() is { } at)
        {
            expected.Add((KeyFields.ToPosition(node.KeyAt(at)), at));
            stepped.Advance();
        }

        var room = random.Next(1, 40);
        var iterator = node.SeekAtOrAfter(from);
        var keys = new ulong[room * BkeyFields.PositionCount];
        var offsets = new int[room];
        var got = new List<(Bpos Key, int At)>();
        while (true)
        {
            var read = node.ReadForward(iterator, keys, offsets);
            Assert.InRange(read, 0, room);
            for (var i = 0; i < read; i++) got.Add((KeyFields.ToPosition(keys.AsSpan(i * 3, 3)), offsets[i]));
            if (read < room)
            {
                Assert.True(iterator.AtEnd, "a run short of its room ends the node");
                break;
            }
        }
        Assert.Equal(expected, got);
    }

    private static BtreeNode NewNode(NodeCodec codec, KeyCodecOptions options)
    {
        var min = new Bpos(7, 0, 0);
        var max = new Bpos(7, ulong.MaxValue, uint.MaxValue);
        var format = new BkeyFormatBuilder().AddPosition(min).AddPosition(new Bpos(7, 4000, 1)).Build();
        return BtreeNode.Create(codec, new NodeHeader(Magic, NodeHeader.MakeFlags(1, 0, 1), min, max, format), BtreeNode.NewSeq(), options);
    }
}
