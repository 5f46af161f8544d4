using Packtree.Keys;
using Packtree.Storage;
using Xunit.Abstractions;

namespace Packtree.Tests.Storage;

/// <summary>Values kept out of line on a store file: across reopens and crashes, damaged data, data that never reached the disk, space given back.</summary>
public sealed class LargeValueTests(ITestOutputHelper output)
{
    private static readonly int[] Sizes = [2001, 4096, 65_536, 256 * 1024, 1024 * 1024 + 3];

    private static byte[] ValueOf(int size, int seed)
    {
        var value = new byte[size];
        new Random(seed).NextBytes(value);
        return value;
    }

    [Fact]
    public void LargeValuesSurviveAReopenAndACrashAndOverwritesGiveTheirSpaceBack()
    {
        using var folder = new TempFolder();
        var path = folder.File("large.packtree");
        using (var store = Store.Open(path))
        {
            var tree = store.GetOrCreateTree("docs");
            for (var i = 0; i < Sizes.Length; i++) tree.Put(new Bpos(1, (ulong)i, 0), ValueOf(Sizes[i], i));
        }
        using (var store = Store.Open(path))
        {
            var tree = store.GetOrCreateTree("docs");
            for (var i = 0; i < Sizes.Length; i++) Assert.Equal(ValueOf(Sizes[i], i), tree.Get(new Bpos(1, (ulong)i, 0)));
            for (var i = 0; i < Sizes.Length; i++) tree.Put(new Bpos(1, (ulong)i, 0), ValueOf(Sizes[i], 100 + i)); // journaled only
            store.CloseWithoutCheckpoint();
        }
        using (var store = Store.Open(path))
        {
            Assert.Equal((ulong)Sizes.Length, store.Recovered);
            var tree = store.GetOrCreateTree("docs");
            var scanned = 0;
            foreach (var entry in tree.Scan())
            {
                Assert.Equal(ValueOf(Sizes[scanned], 100 + scanned), entry.Value.ToArray());
                scanned++;
            }
            Assert.Equal(Sizes.Length, scanned);
            var live = store.Large.Data.LiveBytes;
            Assert.InRange(live, Sizes.Sum(), Sizes.Sum() + Sizes.Length * DataBuckets.SectorBytes);
            for (var i = 0; i < Sizes.Length; i++) Assert.True(tree.Delete(new Bpos(1, (ulong)i, 0)));
            Assert.Equal(0, store.Large.Data.LiveBytes);
            Assert.Equal(0, store.Large.Extents.Count);
        }
        using (var store = Store.Open(path))
        {
            Assert.Equal(0, store.Large.Data.LiveBytes);
            Assert.Equal(0, store.GetOrCreateTree("docs").Count);
        }
    }

    [Fact]
    public void EveryDamagedByteOfValueDataIsCaughtNamingTheKeyAndOffset()
    {
        using var folder = new TempFolder();
        var path = folder.File("damaged.packtree");
        long dataAt;
        using (var store = Store.Open(path))
        {
            var tree = store.GetOrCreateTree("docs");
            tree.Put(new Bpos(7, 7, 0), ValueOf(5000, 1));
            var reference = Packtree.Trees.ValueReference.Read(ReferenceBytes(tree, new Bpos(7, 7, 0)));
            dataAt = (long)store.Large.ExtentsOf(reference)[0].Extent.Sector * DataBuckets.SectorBytes;
        }
        foreach (var offset in new[] { 0, 1, 2500, 4999 })
        {
            var copy = folder.File($"copy-{offset}.packtree");
            File.Copy(path, copy);
            using (var file = File.Open(copy, FileMode.Open))
            {
                file.Position = dataAt + offset;
                var b = file.ReadByte();
                file.Position = dataAt + offset;
                file.WriteByte((byte)(b ^ 0x10));
            }
            using var store = Store.Open(copy);
            var tree = store.GetOrCreateTree("docs");
            var damage = Assert.Throws<CorruptStoreException>(() => tree.Get(new Bpos(7, 7, 0)));
            Assert.Equal(StorePart.Data, damage.Part);
            Assert.Equal(dataAt, damage.FileOffset);
            Assert.Contains("7:7:0", damage.Message, StringComparison.Ordinal);
            Assert.Throws<CorruptStoreException>(() => tree.TryGet(new Bpos(7, 7, 0), new byte[5000], out _));
            Assert.Throws<CorruptStoreException>(() => { foreach (var _ in tree.Scan()) { } });
        }
    }

    [Fact]
    public void ACommitWhoseDataNeverReachedTheDiskIsDroppedAtReplayWithWhatFollows()
    {
        using var folder = new TempFolder();
        var path = folder.File("torn.packtree");
        long secondAt;
        using (var store = Store.Open(path, new StoreOptions { Durability = Durability.Buffered }))
        {
            var tree = store.GetOrCreateTree("docs");
            tree.Put(new Bpos(1, 1, 0), ValueOf(3000, 1));
            store.Checkpoint();
            tree.Put(new Bpos(1, 2, 0), ValueOf(3000, 2));
            tree.Put(new Bpos(1, 3, 0), [1, 2, 3]);
            var reference = Packtree.Trees.ValueReference.Read(ReferenceBytes(tree, new Bpos(1, 2, 0)));
            secondAt = (long)store.Large.ExtentsOf(reference)[0].Extent.Sector * DataBuckets.SectorBytes;
            store.CloseWithoutCheckpoint();
        }
        using (var file = File.Open(path, FileMode.Open))
        {
            file.Position = secondAt;
            file.Write(new byte[3000]); // as if the data's pages never left the cache, while the journal's did
        }
        using (var store = Store.Open(path))
        {
            var tree = store.GetOrCreateTree("docs");
            Assert.Equal(ValueOf(3000, 1), tree.Get(new Bpos(1, 1, 0)));
            Assert.Null(tree.Get(new Bpos(1, 2, 0)));
            Assert.Null(tree.Get(new Bpos(1, 3, 0)));
            Assert.Equal(0UL, store.Recovered);
            Assert.NotNull(store.Recovery.LostCommits);
        }
    }

    [Fact]
    public void DataAppendedToTheOpenBucketPastPiecesOnlyTheOlderCopyReachesReplays()
    {
        // The open bucket stays open when its pieces die, and later data goes after them; the older superblock copy
        // may still reach the dead pieces, so replay finds the new data in a bucket held for that copy.
        using var folder = new TempFolder();
        var path = folder.File("open-bucket.packtree");
        using (var store = Store.Open(path, new StoreOptions { Durability = Durability.Buffered }))
        {
            var tree = store.GetOrCreateTree("docs");
            tree.Put(new Bpos(1, 1, 0), ValueOf(3000, 1));
            var dead = store.Large.ExtentsOf(Packtree.Trees.ValueReference.Read(ReferenceBytes(tree, new Bpos(1, 1, 0))))[0].Extent;
            store.Checkpoint(); // the first copy reaches value 1's piece
            Assert.True(tree.Delete(new Bpos(1, 1, 0)));
            store.Checkpoint(); // the newer copy does not; the older one still does
            tree.Put(new Bpos(1, 2, 0), ValueOf(3000, 2)); // after value 1's piece, in the same open bucket
            var next = store.Large.ExtentsOf(Packtree.Trees.ValueReference.Read(ReferenceBytes(tree, new Bpos(1, 2, 0))))[0].Extent;
            Assert.Equal(store.Large.Data.BucketOf(dead.Sector), store.Large.Data.BucketOf(next.Sector));
            Assert.True(next.Sector > dead.Sector);
            store.CloseWithoutCheckpoint();
        }
        using (var store = Store.Open(path))
        {
            Assert.Equal(3UL, store.Recovery.Generation); // the newer copy (creation, two checkpoints), its journal replayed: the put of value 2
            Assert.Equal(1UL, store.Recovered);
            var tree = store.GetOrCreateTree("docs");
            Assert.Null(tree.Get(new Bpos(1, 1, 0)));
            Assert.Equal(ValueOf(3000, 2), tree.Get(new Bpos(1, 2, 0)));
            tree.Put(new Bpos(1, 3, 0), ValueOf(3000, 3));
        }
        using (var store = Store.Open(path))
        {
            var tree = store.GetOrCreateTree("docs");
            Assert.Equal(ValueOf(3000, 2), tree.Get(new Bpos(1, 2, 0)));
            Assert.Equal(ValueOf(3000, 3), tree.Get(new Bpos(1, 3, 0)));
        }
        Assert.True(Packtree.Diagnostics.StoreCheck.Run(path).IsClean);
    }

    [Fact]
    public void OverwritingLargeValuesManyTimesKeepsTheFileWithinTwiceTheLiveData()
    {
        using var folder = new TempFolder();
        var path = folder.File("overwrites.packtree");
        var random = new Random(11);
        var options = new StoreOptions { Durability = Durability.Buffered, JournalBytes = 1 << 20 };
        long live = 0;
        using (var store = Store.Open(path, options))
        {
            var tree = store.GetOrCreateTree("blobs");
            var sizes = new int[64];
            for (var round = 0; round < 30; round++)
            {
                // Every key in the first rounds; then only the even ones, so that buckets keep odd keys' values among dead space.
                for (var k = 0; k < sizes.Length; k += round < 5 ? 1 : 2)
                {
                    sizes[k] = random.Next(20_000, 600_000);
                    var value = new byte[sizes[k]];
                    value[0] = (byte)round;
                    value[^1] = (byte)k;
                    tree.Put(new Bpos(1, (ulong)k, 0), value);
                }
                live = sizes.Sum(s => (long)s);
                Assert.True(new FileInfo(path).Length < 2 * live + Slack, $"round {round}: a file of {new FileInfo(path).Length} bytes for {live} live bytes");
                if (OperatingSystem.IsLinux())
                {
                    // Allocated blocks (free buckets are holes): the data buckets' slack (under 1.25 times the live data, as
                    // the moves keep it) and the buckets freed before the last two checkpoints (one comes every 4 MiB of them).
                    var onDisk = Packtree.Bench.Peers.DiskUsage.Bytes(folder.Path);
                    Assert.True(onDisk < 1.25 * live + (12 << 20), $"round {round}: {onDisk} bytes on disk for {live} live bytes");
                }
            }
            Assert.True(store.Large.PiecesMoved > 0, "No piece was moved out of a sparse bucket.");

            for (var k = 0; k < sizes.Length; k++)
            {
                var value = tree.Get(new Bpos(1, (ulong)k, 0))!;
                Assert.Equal(sizes[k], value.Length);
                Assert.Equal(k % 2 == 0 ? (byte)29 : (byte)4, value[0]);
                Assert.Equal((byte)k, value[^1]);
            }
        }
        using (var store = Store.Open(path, options))
        {
            Assert.InRange(store.Large.Data.LiveBytes, live, live + 64 * DataBuckets.SectorBytes);
        }
        Assert.True(new FileInfo(path).Length < 2 * live + Slack);
        var check = Packtree.Diagnostics.StoreCheck.Run(path);
        Assert.True(check.IsClean, string.Join("; ", check.Problems));
    }

    /// <summary>
    /// The case at full size: 1,000 keys, each overwritten 50 times with a 1 MiB value (50 GiB written); the file
    /// stays under twice the live data plus <see cref="Slack"/> all along, and checks clean after a reopen.
    /// </summary>
    [LongFact]
    [Trait("Category", "Slow")]
    public void OverwritingAThousandMiBValuesFiftyTimesKeepsTheFileWithinTwiceTheLiveData()
    {
        using var folder = new TempFolder();
        var path = folder.File("gib.packtree");
        var options = new StoreOptions { Durability = Durability.Buffered };
        const long live = 1000L << 20;
        var value = new byte[1 << 20];
        new Random(3).NextBytes(value);
        long largest = 0;
        using (var store = Store.Open(path, options))
        {
            var tree = store.GetOrCreateTree("blobs");
            for (var round = 0; round < 50; round++)
            {
                for (var k = 0; k < 1000; k++)
                {
                    value[0] = (byte)round;
                    tree.Put(new Bpos(1, (ulong)k, 0), value);
                }
                largest = Math.Max(largest, new FileInfo(path).Length);
                Assert.True(new FileInfo(path).Length < 2 * live + Slack, $"round {round}: a file of {new FileInfo(path).Length} bytes for {live} live bytes");
                if (OperatingSystem.IsLinux())
                {
                    // Allocated blocks (free buckets are holes): the data buckets' slack (under 1.25 times the live data, as
                    // the moves keep it) and the buckets freed before the last two checkpoints (one comes every 4 MiB of them).
                    var onDisk = Packtree.Bench.Peers.DiskUsage.Bytes(folder.Path);
                    Assert.True(onDisk < 1.25 * live + (12 << 20), $"round {round}: {onDisk} bytes on disk for {live} live bytes");
                }
            }
        }
        output.WriteLine($"largest file {largest} bytes for {live} live: {(double)largest / live:F3}x");
        var check = Packtree.Diagnostics.StoreCheck.Run(path);
        Assert.True(check.IsClean, string.Join("; ", check.Problems));
    }

    /// <summary>What a store file holds besides its values' data: superblocks, a 1 MiB journal, nodes, freed buckets waiting for their checkpoints (16 MiB), the open bucket.</summary>
    private const long Slack = 24L << 20;

    private static byte[] ReferenceBytes(Tree tree, Bpos key)
    {
        Span<ulong> fields = stackalloc ulong[BkeyFields.PositionCount];
        KeyFields.FromPosition(key, fields);
        Assert.True(tree.Btree.TryFind(fields, out var leaf, out var at));
        Assert.Equal(Packtree.Trees.TreeValues.ReferenceType, leaf.TypeAt(at));
        return Packtree.Trees.Btree.ValueOf(leaf, at).ToArray();
    }
}
