using System.Runtime.InteropServices;
using Packtree.Keys;
using Packtree.Nodes;

namespace Packtree.Tests.Nodes;

/// <summary>
/// The node invariant check that Debug builds run after every change: it holds through inserts,
/// overwrites, deletes, writes, reads and rewrites (in any build), and it names what a damaged node
/// breaks.
/// </summary>
public sealed class NodeInvariantTests
{
    private const ulong Magic = 0x1a7;

    [Fact]
    public void TheInvariantsHoldThroughEveryChange()
    {
        var random = new Random(5);
        var codec = new NodeCodec(new NodeGeometry(16384, 512), Magic);
        var node = NewNode(codec);
        var disk = new byte[codec.Geometry.NodeBytes];
        var live = new List<Bpos>();
        for (var op = 0; op < 3000; op++)
        {
            var roll = random.Next(100);
            if (roll < 25 && live.Count > 0)
            {
                var victim = live[random.Next(live.Count)];
                if (node.Delete(victim) == InsertResult.NodeFull) break;
                live.Remove(victim);
            }
            else if (roll < 95)
            {
                var position = new Bpos(7, (ulong)random.Next(0, 3000), (uint)random.Next(0, 2));
                var words = random.Next(0, 4);
                if (node.Insert(new Bkey(position, 1, words), new byte[words * 8]) == InsertResult.NodeFull) break;
                if (!live.Contains(position)) live.Add(position);
            }
            else if (node.NextWriteFits())
            {
                node.Write(disk);
                if (random.Next(2) == 0) node = BtreeNode.Read(codec, disk, node.Seq, node.WrittenSectors, "n");
            }
            else
            {
                node.Rewrite();
                Array.Clear(disk);
            }
            Assert.True(node.InvariantProblem() is null, $"op {op}: {node.InvariantProblem()}");
        }
        Assert.True(live.Count > 100, $"only {live.Count} keys were live");
    }

    [Fact]
    public void ADamagedNodeIsNamed()
    {
        var codec = new NodeCodec(new NodeGeometry(16384, 512), Magic);
        var node = NewNode(codec);
        for (var i = 0; i < 200; i++) node.Insert(new Bkey(new Bpos(7, (ulong)i, 0), 1, 1), new byte[8]);
        Assert.Null(node.InvariantProblem());

        // A key marked deleted behind the node's back: its bytes are neither live nor counted dead.
        var at = node.FindLive(new Bpos(7, 50, 0));
        Bytes(node)[at + 2] = (byte)BkeyType.Deleted;
        Assert.Contains("deleted keys", node.InvariantProblem(), StringComparison.Ordinal);
        Bytes(node)[at + 2] = 1;

        // Two keys swapped out of order.
        var first = node.FindLive(new Bpos(7, 10, 0));
        var second = node.FindLive(new Bpos(7, 11, 0));
        var a = Bytes(node).Slice(first, 16).ToArray();
        Bytes(node).Slice(second, 16).CopyTo(Bytes(node).Slice(first, 16));
        a.CopyTo(Bytes(node).Slice(second, 16));
        Assert.Contains("does not follow the previous key", node.InvariantProblem(), StringComparison.Ordinal);
    }

    private static BtreeNode NewNode(NodeCodec codec)
    {
        var min = new Bpos(7, 0, 0);
        var max = new Bpos(7, ulong.MaxValue, uint.MaxValue);
        var format = new BkeyFormatBuilder().AddPosition(min).AddPosition(new Bpos(7, 3000, 1)).Build();
        return BtreeNode.Create(codec, new NodeHeader(Magic, NodeHeader.MakeFlags(1, 0, 1), min, max, format), BtreeNode.NewSeq());
    }

    /// <summary>The node's buffer, writable: only to damage it on purpose.</summary>
    private static Span<byte> Bytes(BtreeNode node) => MemoryMarshal.CreateSpan(ref MemoryMarshal.GetReference(node.RawBuffer), node.RawBuffer.Length);
}
