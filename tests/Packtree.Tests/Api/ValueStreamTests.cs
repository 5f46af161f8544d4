using Packtree.Keys;

namespace Packtree.Tests.Api;

/// <summary>Values put from streams and read through streams: every size across the leaf limit, seeks, limits, replaced values, memory.</summary>
public sealed class ValueStreamTests
{
    /// <summary>A stream of <paramref name="length"/> bytes made as they are read (never whole in memory), not seekable.</summary>
    private sealed class MadeStream(long length, int seed) : Stream
    {
        private long _position;

        public static byte At(long position, int seed) => (byte)((position * 2654435761L + seed) >> 13);

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = (int)Math.Min(count, length - _position);
            for (var i = 0; i < n; i++) buffer[offset + i] = At(_position + i, seed);
            _position += n;
            return n;
        }

        public override void Flush() { }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    private static byte[] Expected(long length, int seed) => [.. Enumerable.Range(0, (int)length).Select(i => MadeStream.At(i, seed))];

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void StreamedValuesOfEverySizeReadBackWholeAndFromAnyPosition(bool onFile)
    {
        using var folder = new Storage.TempFolder();
        using var store = onFile ? Store.Open(folder.File("s.packtree")) : Store.CreateInMemory();
        var tree = store.GetOrCreateTree("blobs", KeyKind.Bytes(16));
        var inline = tree.MaxInlineValueBytes;
        long[] sizes = [0, 1, inline, inline + 1, 300_000, 1024 * 1024 + 5];
        var random = new Random(5);
        foreach (var size in sizes)
        {
            var key = System.Text.Encoding.ASCII.GetBytes($"v{size}");
            tree.Put(key, new MadeStream(size, (int)size));
            var expected = Expected(size, (int)size);
            Assert.Equal(expected, tree.Get(key));
            using var stream = tree.OpenRead(key);
            Assert.True(stream.CanSeek);
            Assert.False(stream.CanWrite);
            Assert.Equal(size, stream.Length);
            var read = new MemoryStream();
            var chunk = new byte[random.Next(1, 70_000)];
            int n;
            while ((n = stream.Read(chunk, 0, random.Next(1, chunk.Length + 1))) > 0) read.Write(chunk, 0, n);
            Assert.Equal(expected, read.ToArray());
            for (var i = 0; i < 20 && size > 0; i++)
            {
                var at = random.NextInt64(size);
                stream.Position = at;
                var piece = new byte[(int)Math.Min(5000, size - at)];
                stream.ReadExactly(piece);
                Assert.Equal(expected.AsSpan((int)at, piece.Length).ToArray(), piece);
            }
            stream.Seek(0, SeekOrigin.End);
            Assert.Equal(0, stream.Read(chunk));
        }
        Assert.Throws<KeyNotFoundException>(() => tree.OpenRead("absent"u8));
    }

    [Fact]
    public void AStreamLongerThanTheLimitIsRefusedAndLeavesNothingBehind()
    {
        using var store = Store.CreateInMemory(new StoreOptions { MaxValueBytes = 100_000 });
        var tree = store.GetOrCreateTree("blobs");
        tree.Put(new Bpos(1, 1, 0), new MadeStream(100_000, 1));
        var live = store.Large.Data.LiveBytes;
        var refused = Assert.Throws<ValueTooLargeException>(() => tree.Put(new Bpos(1, 2, 0), new MadeStream(300_000, 2)));
        Assert.Equal(100_000, refused.MaxBytes);
        Assert.Contains("at most 100000 bytes", refused.Message, StringComparison.Ordinal);
        Assert.Throws<ValueTooLargeException>(() => tree.Put(new Bpos(1, 2, 0), new MemoryStream(new byte[100_001]))); // seekable: refused before reading
        Assert.False(tree.Contains(new Bpos(1, 2, 0)));
        Assert.Equal(live, store.Large.Data.LiveBytes);
        Assert.Equal(1, store.Large.Data.BucketCount);
        Assert.Equal(Expected(100_000, 1), tree.Get(new Bpos(1, 1, 0)));
    }

    [Fact]
    public void AStreamOverAReplacedValueSaysSoInsteadOfReadingItsOldSpace()
    {
        using var store = Store.CreateInMemory();
        var tree = store.GetOrCreateTree("blobs");
        tree.Put(new Bpos(1, 1, 0), new MadeStream(1_000_000, 1));
        using var stream = tree.OpenRead(new Bpos(1, 1, 0));
        var first = new byte[1000];
        stream.ReadExactly(first);
        Assert.Equal(Expected(1000, 1), first);
        tree.Put(new Bpos(1, 1, 0), new MadeStream(1_000_000, 2));
        stream.Position = 900_000; // another piece: read after the replacement
        var replaced = Assert.Throws<InvalidOperationException>(() => stream.ReadExactly(first));
        Assert.Contains("replaced or deleted", replaced.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void StreamingA64MiBValueInAndOutNeverHoldsItWhole()
    {
        using var folder = new Storage.TempFolder();
        using var store = Store.Open(folder.File("big.packtree"), new StoreOptions { Durability = Durability.Buffered });
        var tree = store.GetOrCreateTree("blobs");
        const long size = 64L << 20;
        var before = GC.GetAllocatedBytesForCurrentThread();
        tree.Put(new Bpos(9, 9, 0), new MadeStream(size, 9));
        using (var stream = tree.OpenRead(new Bpos(9, 9, 0)))
        {
            var buffer = new byte[1 << 20];
            long at = 0;
            int n;
            while ((n = stream.Read(buffer)) > 0)
            {
                for (var i = 0; i < n; i += 4099) Assert.Equal(MadeStream.At(at + i, 9), buffer[i]);
                at += n;
            }
            Assert.Equal(size, at);
        }
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < size / 4, $"{allocated} bytes allocated to stream {size} bytes in and out"); // buffers and piece lists, never the value
    }
}
