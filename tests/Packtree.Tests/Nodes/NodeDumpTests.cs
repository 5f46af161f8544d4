using Packtree.Keys;
using Packtree.Nodes;

namespace Packtree.Tests.Nodes;

/// <summary>The node dump shows what a debugging user needs: range and format, each bset with its size and aux structure, each live key in bcachefs's text form.</summary>
public sealed class NodeDumpTests
{
    [Fact]
    public void ADumpShowsHeaderFormatBsetsAndKeys()
    {
        var codec = new NodeCodec(new NodeGeometry(65536, 512), 0xd0);
        var min = new Bpos(4096, 0, 0);
        var max = new Bpos(4096, 1 << 20, uint.MaxValue);
        var format = new BkeyFormatBuilder().AddPosition(min).AddPosition(new Bpos(4096, 1 << 16, 0)).Build();
        var node = BtreeNode.Create(codec, new NodeHeader(0xd0, NodeHeader.MakeFlags(2, 0, 1), min, max, format), 0x1234);
        node.Insert(new Bkey(new Bpos(4096, 8, 0), (byte)BkeyType.Cookie, 1, 8, default), new byte[8]);
        node.Insert(new Bkey(new Bpos(4096, 16, 0), (byte)BkeyType.Cookie, 0, 0, default), []);
        node.Write(new byte[codec.Geometry.NodeBytes]);
        node.Delete(new Bpos(4096, 8, 0));

        var lines = node.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("btree 2 level 0 seq 1 min 4096:0:0 max 4096:1048576:U32_MAX", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("  format key_u64s ", lines[1], StringComparison.Ordinal);
        Assert.Contains("seq 0000000000001234", lines[2], StringComparison.Ordinal);
        Assert.Contains(lines, l => l.Contains("bset 0: bytes 160..", StringComparison.Ordinal) && l.Contains("written", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("bset 1: ", StringComparison.Ordinal) && l.Contains("unwritten, rw table", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("1 unwritten whiteouts", StringComparison.Ordinal));
        // The deleted key is hidden; the live one is printed as bcachefs prints a key (unpacked: u64s 5).
        var keys = lines.Where(l => l.StartsWith("    ", StringComparison.Ordinal)).Select(l => l.Trim()).ToArray();
        Assert.Equal(["u64s 5 type cookie 4096:16:0 len 0 ver 0:0 needs_whiteout"], keys);
    }
}
