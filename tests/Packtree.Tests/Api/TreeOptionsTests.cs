using System.Text;
using Packtree.Keys;

namespace Packtree.Tests.Api;

/// <summary>Tree options: the leaf limit and compression of values kept out of line, kept across reopens and replays.</summary>
public sealed class TreeOptionsTests
{
    private static byte[] Text(int length, int seed)
    {
        var words = new[] { "order", "customer", "status", "shipped", "amount", "currency", "EUR", "items", "sku", "quantity" };
        var random = new Random(seed);
        var text = new StringBuilder();
        while (text.Length < length) text.Append($"{{\"{words[random.Next(words.Length)]}\":\"{words[random.Next(words.Length)]}\",\"n\":{random.Next(1000)}}},");
        return Encoding.ASCII.GetBytes(text.ToString(0, length));
    }

    private static (long Value, long Stored, int Compressed) Pieces(Store store)
    {
        long value = 0, stored = 0;
        var compressed = 0;
        foreach (var (_, extent) in Packtree.Trees.LargeValues.AllExtents(store.Large.Extents))
        {
            value += extent.ValueBytes;
            stored += extent.StoredBytes;
            if (extent.Compression != 0) compressed++;
        }
        return (value, stored, compressed);
    }

    [Fact]
    public void CompressedValuesTakeLessRoomAndReadBackAcrossAReplayAndAReopen()
    {
        using var folder = new Storage.TempFolder();
        var path = folder.File("zstd.packtree");
        var options = new TreeOptions { Compression = ValueCompression.Zstd };
        var random = new byte[300_000];
        new Random(1).NextBytes(random);
        using (var store = Store.Open(path))
        {
            var tree = store.GetOrCreateTree("docs", KeyKind.Bytes(16), options);
            tree.Put("text"u8, Text(1_000_003, 1));
            tree.Put("random"u8, random);
            tree.Put("stream"u8, new MemoryStream(Text(200_000, 2)));
            var (value, stored, compressed) = Pieces(store);
            Assert.Equal(1_000_003 + 300_000 + 200_000, value);
            Assert.True(stored < 300_000 + 1_200_003 / 2, $"{stored} bytes stored for {value}");
            Assert.True(compressed >= 1_200_003 / (64 * 1024)); // the text's pieces; the random bytes stay as they are
            store.CloseWithoutCheckpoint(); // the tree's creation and its values are replayed from the journal
        }
        using (var store = Store.Open(path))
        {
            var tree = store.GetOrCreateTree("docs", KeyKind.Bytes(16));
            Assert.Equal(ValueCompression.Zstd, tree.Options.Compression);
            Assert.Equal(Text(1_000_003, 1), tree.Get("text"u8));
            Assert.Equal(random, tree.Get("random"u8));
            using var stream = tree.OpenRead("stream"u8);
            stream.Position = 150_000;
            var tail = new byte[50_000];
            stream.ReadExactly(tail);
            Assert.Equal(Text(200_000, 2).AsSpan(150_000).ToArray(), tail);
            var scanned = 0;
            foreach (var entry in tree.Scan(BytesRange.All)) scanned += entry.Value.Length;
            Assert.Equal(1_000_003 + 300_000 + 200_000, scanned);
            Assert.Same(tree, store.GetOrCreateTree("docs", KeyKind.Bytes(16), options));
            Assert.Throws<ArgumentException>(() => store.GetOrCreateTree("docs", KeyKind.Bytes(16), new TreeOptions()));
        }
        using (var store = Store.Open(path))
        {
            Assert.Equal(ValueCompression.Zstd, store.GetOrCreateTree("docs", KeyKind.Bytes(16)).Options.Compression); // from the superblock now
        }
        var check = Packtree.Diagnostics.StoreCheck.Run(path);
        Assert.True(check.IsClean, string.Join("; ", check.Problems));
    }

    [Fact]
    public void ALowerLeafLimitSendsLongerValuesOutOfLine()
    {
        using var folder = new Storage.TempFolder();
        var path = folder.File("limit.packtree");
        using (var store = Store.Open(path))
        {
            var tree = store.GetOrCreateTree("t", KeyKind.Positions, new TreeOptions { MaxInlineValueBytes = 100 });
            Assert.Equal(100, tree.MaxInlineValueBytes);
            tree.Put(new Bpos(1, 1, 0), new byte[100]);
            tree.Put(new Bpos(1, 2, 0), new byte[101]);
            Assert.Equal(1, store.Large.Extents.Count);
        }
        using (var store = Store.Open(path))
        {
            var tree = store.GetOrCreateTree("t");
            Assert.Equal(100, tree.MaxInlineValueBytes);
            Assert.Equal(101, tree.Get(new Bpos(1, 2, 0))!.Length);
            tree.Put(new Bpos(1, 3, 0), new byte[150]);
            Assert.Equal(2, store.Large.Extents.Count);
        }
        using var memory = Store.CreateInMemory();
        Assert.Throws<ArgumentException>(() => memory.GetOrCreateTree("x", KeyKind.Positions, new TreeOptions { MaxInlineValueBytes = 2001 }));
        Assert.Throws<ArgumentException>(() => memory.GetOrCreateTree("x", KeyKind.Positions, new TreeOptions { MaxInlineValueBytes = -1 }));
        Assert.Throws<ArgumentException>(() => memory.GetOrCreateTree("x", KeyKind.Positions, new TreeOptions { Compression = (ValueCompression)7 }));
        Assert.Empty(memory.TreeNames);
    }

    [Fact]
    public void ADamagedCompressedPieceIsCaught()
    {
        using var folder = new Storage.TempFolder();
        var path = folder.File("damaged.packtree");
        long at;
        using (var store = Store.Open(path))
        {
            var tree = store.GetOrCreateTree("docs", KeyKind.Positions, new TreeOptions { Compression = ValueCompression.Zstd });
            tree.Put(new Bpos(1, 1, 0), Text(100_000, 3));
            at = (long)Packtree.Trees.LargeValues.AllExtents(store.Large.Extents).First(e => e.Extent.Compression != 0).Extent.Sector * 512;
        }
        using (var file = File.Open(path, FileMode.Open))
        {
            file.Position = at + 40;
            var b = file.ReadByte();
            file.Position = at + 40;
            file.WriteByte((byte)~b);
        }
        using (var store = Store.Open(path))
        {
            var damage = Assert.Throws<CorruptStoreException>(() => store.GetOrCreateTree("docs").Get(new Bpos(1, 1, 0)));
            Assert.Equal(StorePart.Data, damage.Part);
            Assert.Equal(at, damage.FileOffset);
        }
    }
}
