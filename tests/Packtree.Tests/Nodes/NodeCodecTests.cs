using Packtree.Keys;
using Packtree.Nodes;

namespace Packtree.Tests.Nodes;

/// <summary>
/// The node codec against a model: random nodes written as several appended bsets (overwrites and
/// deletions included) read back as the newest version of every live position; corrupted nodes are
/// refused or read back exactly; garbage never crashes the reader.
/// </summary>
public sealed class NodeCodecTests
{
    private const ulong Magic = 0x90135c78b99e07f5 ^ 0x1234;
    private static readonly ChecksumType[] Types = [ChecksumType.Crc32cNonzero, ChecksumType.Crc64Nonzero, ChecksumType.XxHash, ChecksumType.Crc32c, ChecksumType.Crc64, ChecksumType.None];

    [Fact]
    public void RandomNodesReadBackAsTheNewestVersionOfEveryLivePosition()
    {
        var random = new Random(2024);
        for (var trial = 0; trial < 120; trial++)
        {
            var geometry = trial % 3 == 0 ? NodeGeometry.Default : new NodeGeometry(16384, 512 << random.Next(0, 3));
            var codec = new NodeCodec(geometry, Magic, Types[trial % Types.Length]);
            var built = TestNode.Build(random, codec, writes: random.Next(1, 5), keysPerWrite: random.Next(0, 40));
            var image = codec.Read(built.Bytes, built.Seq, built.SectorsWritten, $"trial {trial}");
            Assert.Equal(built.Expected, image.UnpackKeys());
            Assert.Equal(built.Writes, image.Bsets.Count);
            Assert.Equal(built.SectorsWritten, image.SectorsRead);
            Assert.Equal(built.Header.Format, image.Header.Format);
            Assert.Equal(built.Header.MinPosition, image.Header.MinPosition);
            Assert.Equal(built.JournalSeq, image.JournalSeq);
            // Without the parent's sector count the log is followed until the seq stops matching.
            Assert.Equal(built.Expected, codec.Read(built.Bytes, built.Seq, 0, $"trial {trial}").UnpackKeys());
        }
    }

    [Fact]
    public void EveryCorruptionIsRefusedOrHarmless()
    {
        var random = new Random(77);
        var refused = 0;
        for (var trial = 0; trial < 3000; trial++)
        {
            var codec = new NodeCodec(new NodeGeometry(8192, 512), Magic, Types[trial % 5]);
            var built = TestNode.Build(random, codec, writes: random.Next(1, 4), keysPerWrite: random.Next(1, 12));
            var bytes = built.Bytes.ToArray();
            var end = built.SectorsWritten * NodeGeometry.SectorBytes;
            var changes = random.Next(1, 4);
            for (var i = 0; i < changes; i++)
            {
                var at = random.Next(end);
                var old = bytes[at];
                do bytes[at] = (byte)random.Next(256); while (bytes[at] == old);
            }
            try
            {
                var image = codec.Read(bytes, built.Seq, built.SectorsWritten, "corrupted");
                Assert.Equal(built.Expected, image.UnpackKeys()); // only padding was hit
            }
            catch (CorruptNodeException e)
            {
                refused++;
                Assert.Equal("corrupted", e.Node);
                Assert.InRange(e.ByteOffset, 0, bytes.Length);
            }
        }
        Assert.True(refused > 2000, $"only {refused} of 3000 corruptions were refused");
    }

    [Fact]
    public async Task GarbageNeverCrashesOrHangsTheReader()
    {
        var trials = 0;
        var run = Task.Run(() =>
        {
            var random = new Random(5);
            var codec = new NodeCodec(new NodeGeometry(4096, 512), Magic, ChecksumType.Crc32cNonzero);
            for (var trial = 0; trial < 2000; trial++, Volatile.Write(ref trials, trial))
            {
                var bytes = new byte[4096];
                random.NextBytes(bytes);
                if (trial % 2 == 0) BitConverter.TryWriteBytes(bytes.AsSpan(16), Magic); // get past the magic
                var seq = BitConverter.ToUInt64(bytes, 136);
                var ex = Record.Exception(() => codec.Read(bytes, seq, random.Next(0, 9), "garbage"));
                Assert.True(ex is null or CorruptNodeException, $"trial {trial}: {ex}");
            }
        });
        // A hang is a failure too: 2,000 reads take well under a second, so a minute means one never returned.
        Assert.True(run == await Task.WhenAny(run, Task.Delay(TimeSpan.FromMinutes(1))), $"the reader hung on garbage trial {Volatile.Read(ref trials)}");
        await run;
    }

    [Fact]
    public void RuleBreakersAreNamed()
    {
        var random = new Random(9);
        var codec = new NodeCodec(new NodeGeometry(8192, 512), Magic);
        var built = TestNode.Build(random, codec, writes: 2, keysPerWrite: 5);

        var wrongSeq = Assert.Throws<CorruptNodeException>(() => codec.Read(built.Bytes, built.Seq + 1, built.SectorsWritten, "n"));
        Assert.Contains("seq", wrongSeq.Rule, StringComparison.Ordinal);

        var otherStore = new NodeCodec(new NodeGeometry(8192, 512), Magic + 1);
        var wrongMagic = Assert.Throws<CorruptNodeException>(() => otherStore.Read(built.Bytes, built.Seq, built.SectorsWritten, "n"));
        Assert.Contains("magic", wrongMagic.Rule, StringComparison.Ordinal);

        var missing = Assert.Throws<CorruptNodeException>(() => codec.Read(built.Bytes, built.Seq, built.SectorsWritten + 1, "n"));
        Assert.Contains("sector", missing.Rule, StringComparison.Ordinal);

        var header = built.Header;
        var wrongTree = Assert.Throws<CorruptNodeException>(() => codec.Read(built.Bytes, built.Seq, built.SectorsWritten, "n", new NodeExpectation(header.BtreeId + 1, header.Level, header.MinPosition, header.MaxPosition)));
        Assert.Contains("btree", wrongTree.Rule, StringComparison.Ordinal);
        var wrongRange = Assert.Throws<CorruptNodeException>(() => codec.Read(built.Bytes, built.Seq, built.SectorsWritten, "n", new NodeExpectation(header.BtreeId, header.Level, header.MinPosition, header.MaxPosition.Predecessor())));
        Assert.Contains("max_key", wrongRange.Rule, StringComparison.Ordinal);
        Assert.NotNull(codec.Read(built.Bytes, built.Seq, built.SectorsWritten, "n", new NodeExpectation(header.BtreeId, header.Level, header.MinPosition, header.MaxPosition)));

        // A write of the node beyond a hole in its log.
        var holed = built.Bytes.ToArray();
        var keys = TestNode.Pack(header.Format, new Bkey(header.MinPosition));
        codec.WriteEntry(holed, built.SectorsWritten + 2, built.Seq, 1, keys);
        var afterEnd = Assert.Throws<CorruptNodeException>(() => codec.Read(holed, built.Seq, 0, "n"));
        Assert.Contains("after the end", afterEnd.Rule, StringComparison.Ordinal);

        // Keys out of order are refused even with a good checksum.
        var format = built.Header.Format;
        var node = new byte[8192];
        var a = TestNode.Pack(format, new Bkey(new Bpos(built.Header.MinPosition.Inode, built.Header.MinPosition.Offset + 2, 0)));
        var b = TestNode.Pack(format, new Bkey(new Bpos(built.Header.MinPosition.Inode, built.Header.MinPosition.Offset + 1, 0)));
        codec.WriteFirst(node, built.Header, 42, 1, [.. b, .. a, .. b]);
        var order = Assert.Throws<CorruptNodeException>(() => codec.Read(node, 42, 0, "n"));
        Assert.Contains("does not follow", order.Rule, StringComparison.Ordinal);
        Assert.Equal(NodeHeader.ByteCount + a.Length + b.Length, order.ByteOffset);

        // A key outside the node's range.
        var outside = TestNode.Pack(BkeyFormat.Current, new Bkey(Bpos.Max));
        outside[1] = 1; // stored unpacked
        codec.WriteFirst(node, built.Header, 43, 1, outside);
        Assert.Contains("outside the node's range", Assert.Throws<CorruptNodeException>(() => codec.Read(node, 43, 0, "n")).Rule, StringComparison.Ordinal);
    }

    [Fact]
    public void BadGeometryAndWritesAreArgumentErrors()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new NodeGeometry(3000, 512));
        Assert.Throws<ArgumentOutOfRangeException>(() => new NodeGeometry(512, 512));
        Assert.Throws<ArgumentOutOfRangeException>(() => new NodeGeometry(1 << 20, 4096));
        Assert.Throws<ArgumentOutOfRangeException>(() => new NodeCodec(NodeGeometry.Default, Magic, ChecksumType.ChaCha20Poly1305));
        var codec = new NodeCodec(new NodeGeometry(4096, 512), Magic);
        var header = new NodeHeader(Magic, NodeHeader.MakeFlags(1, 0, 1), Bpos.Min, Bpos.Max, BkeyFormat.Current);
        Assert.Throws<ArgumentException>(() => codec.WriteFirst(new byte[4096], header, 1, 0, new byte[4096]));
        Assert.Throws<ArgumentException>(() => codec.WriteFirst(new byte[100], header, 1, 0, []));
        Assert.Throws<ArgumentOutOfRangeException>(() => codec.WriteFirst(new byte[4096], header, 0, 0, []));
        Assert.Throws<ArgumentException>(() => codec.WriteEntry(new byte[4096], 1, 1, 0, []));
    }
}
