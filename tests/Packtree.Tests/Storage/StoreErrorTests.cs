using System.Buffers.Binary;
using Packtree.Keys;
using Packtree.Nodes;
using Packtree.Storage;

namespace Packtree.Tests.Storage;

/// <summary>Bad files, a second opener, a full disk, damaged bytes: each a clear error, nothing acknowledged lost.</summary>
[Trait("Category", "Slow")]
public sealed class StoreErrorTests
{
    private static readonly StoreOptions Small = new() { NodeBytes = 4096, BlockBytes = 512, JournalBytes = 1024 * 1024, CacheBytes = 16 * 4096 * 4 };

    [Fact]
    public void AFileThatIsNotAStoreIsRefused()
    {
        using var folder = new TempFolder();
        var path = folder.File("notes.txt");
        File.WriteAllText(path, "these are not the bytes you are looking for" + new string('x', 200_000));
        var error = Assert.Throws<InvalidDataException>(() => Store.Open(path));
        Assert.Contains("Not a Packtree store", error.Message, StringComparison.Ordinal);
        Assert.Contains("at byte 0", error.Message, StringComparison.Ordinal);
        Assert.Equal(200_043, new FileInfo(path).Length); // untouched
    }

    [Fact]
    public void ANewerFormatVersionIsRefused()
    {
        var device = new FaultyDevice();
        using (var store = Store.Open(device, Small)) store.GetOrCreateTree("t").Put(Bpos.Min, [1]);
        var bytes = device.Snapshot();
        foreach (var slot in new[] { 0, 1 })
        {
            var copy = bytes.AsSpan(slot * Superblock.SlotBytes, Superblock.SlotBytes);
            if (BinaryPrimitives.ReadUInt64LittleEndian(copy) != Superblock.Magic) continue;
            var superblock = Superblock.TryRead(copy, 0, out _)!;
            var image = superblock.ToBytes();
            BinaryPrimitives.WriteUInt32LittleEndian(image.AsSpan(8), Superblock.CurrentVersion + 1);
            ImageBytes.ResealSuperblock(image); // a good checksum: only the version is wrong
            image.CopyTo(copy);
        }
        var error = Assert.Throws<NotSupportedException>(() => Store.Open(new FaultyDevice(bytes), Small));
        Assert.Contains($"format version {Superblock.CurrentVersion + 1}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ASecondOpenerIsRefusedWhileTheStoreIsOpen()
    {
        using var folder = new TempFolder();
        var path = folder.File("locked.packtree");
        using var first = Store.Open(path, Small);
        first.GetOrCreateTree("t").Put(Bpos.Min, [1]);
        var error = Assert.Throws<IOException>(() => Store.Open(path, Small));
        Assert.Contains("another process", error.Message, StringComparison.Ordinal);
        var (exit, _, errors) = PacktreeCli.Run(TimeSpan.FromMinutes(2), "get", path, "POS_MIN", "--tree", "t");
        Assert.Equal(1, exit);
        Assert.Contains("another process", errors, StringComparison.Ordinal);
    }

    [Fact]
    public void AClosedStoreReopensAtOnceThoughItsBufferedFlushWasUnderWay()
    {
        // The buffered flush runs every 10 ms, so closes at random moments meet some in their fsync, which holds the file (and its lock).
        using var folder = new TempFolder();
        var path = folder.File("reopen.packtree");
        var options = Small with { Durability = Durability.Buffered, BufferedFlushMilliseconds = 10 };
        var random = new Random(5);
        for (var i = 0; i < 150; i++)
        {
            var store = Store.Open(path, options);
            var tree = store.GetOrCreateTree("t");
            for (var k = 0; k < 20; k++) tree.Put(new Bpos(1, (ulong)(i * 20 + k), 0), [(byte)k]);
            Thread.Sleep(random.Next(5, 15));
            if (i % 2 == 0) store.Dispose();
            else store.CloseWithoutCheckpoint();
        }
        using var last = Store.Open(path, options);
        Assert.Equal(150 * 20, last.GetOrCreateTree("t").Count);
    }

    [Fact]
    public void AFullDiskSurfacesAsIOExceptionAndTheStoreReopensConsistent()
    {
        var device = new FaultyDevice();
        var acknowledged = new SortedDictionary<Bpos, byte[]>();
        var store = Store.Open(device, Small);
        var tree = store.GetOrCreateTree("t");
        device.WritableBytes = 300_000;
        var random = new Random(4);
        IOException? full = null;
        for (var i = 0; i < 100_000 && full is null; i++)
        {
            var key = new Bpos(1, (ulong)random.Next(0, 5000), 0);
            var value = new byte[random.Next(0, 100)];
            random.NextBytes(value);
            try
            {
                tree.Put(key, value);
                acknowledged[key] = value;
            }
            catch (IOException e)
            {
                full = e;
            }
        }
        Assert.NotNull(full);
        Assert.Contains("No space left", full!.Message, StringComparison.Ordinal);
        // A further write fails for the same reason: refused outright once a checkpoint failed, else by the full disk again.
        var again = Assert.ThrowsAny<Exception>(() => tree.Put(Bpos.Min, [1]));
        Assert.True(again is IOException or InvalidOperationException, again.ToString());
        Assert.Contains("No space left", again.Message, StringComparison.Ordinal);
        Assert.False(tree.Contains(Bpos.Min));
        // The store is closed as a crash would leave it.
        store.CloseWithoutCheckpoint();

        using var reopened = Store.Open(new FaultyDevice(device.Snapshot()), Small);
        var t = reopened.GetOrCreateTree("t");
        t.Verify();
        foreach (var (key, value) in acknowledged) Assert.Equal(value, t.Get(key));
        Assert.Equal(acknowledged.Count, t.Count);
    }

    [Fact]
    public void DamagedNodeBytesAreReportedWithTheirFileOffset()
    {
        using var folder = new TempFolder();
        var path = folder.File("damaged.packtree");
        using (var store = Store.Open(path, Small))
        {
            var tree = store.GetOrCreateTree("t");
            for (var i = 0; i < 3000; i++) tree.Put(new Bpos(2, (ulong)i, 0), BitConverter.GetBytes(i));
        }
        Assert.Equal(0, PacktreeCli.Run(TimeSpan.FromMinutes(2), "check", path).ExitCode);

        // Flip one byte inside the keys of the root node.
        long nodeArea;
        using (var device = FileStorageDevice.Open(path, create: false)) nodeArea = (long)Superblock.ReadCopies(device).Select(c => c.Copy).OfType<Superblock>().MaxBy(c => c.Generation)!.Trees[0].RootSector * 512;
        var bytes = File.ReadAllBytes(path);
        bytes[nodeArea + 200] ^= 0x40;
        File.WriteAllBytes(path, bytes);

        var (exit, output, _) = PacktreeCli.Run(TimeSpan.FromMinutes(2), "check", path);
        Assert.Equal(1, exit);
        Assert.Contains($"node at byte {nodeArea}", output.Replace("\n", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Contains("checksum", output, StringComparison.Ordinal);
        // Opening reads the root and finds it damaged, so it falls back to the older superblock copy, whose
        // nodes and journal are kept until the next checkpoint: every commit comes back, and it says why.
        using var reopened = Store.Open(path, Small with { ReadOnly = true });
        Assert.Contains($"at byte {nodeArea} of the store file", reopened.Recovery.Reason, StringComparison.Ordinal);
        Assert.True(reopened.Recovery.UsedOlderCopy);
        var t = (reopened.TryGetTree("t", out var found) ? found : throw new InvalidOperationException("no tree t"));
        Assert.Equal(3000, t.Count);
        for (var i = 0; i < 3000; i++) Assert.Equal(BitConverter.GetBytes(i), t.Get(new Bpos(2, (ulong)i, 0)));
    }

}

/// <summary>The journal's end is told apart from damage in its middle.</summary>
public sealed class JournalDamageTests
{
    private static readonly StoreOptions Small = new() { NodeBytes = 4096, BlockBytes = 512, JournalBytes = 1024 * 1024 };

    [Fact]
    public void ATornLastEntryIsDroppedButADamagedAcknowledgedEntryIsAnError()
    {
        var device = new FaultyDevice();
        var store = Store.Open(device, Small);
        var tree = store.GetOrCreateTree("t");
        for (var i = 0; i < 50; i++) tree.Put(new Bpos(1, (ulong)i, 0), new byte[20]); // each flushed: durable
        store.CloseWithoutCheckpoint();
        var bytes = device.Snapshot();
        var entry = JournalEntry.Bytes(20);
        var start = Superblock.JournalOffset + JournalEntry.Bytes(1); // after the entry that creates tree "t"

        // The last entry torn: it was never acknowledged as far as recovery can tell; 49 commits come back.
        var torn = bytes.ToArray();
        torn[start + 49 * entry + 40] ^= 1;
        using (var reopened = Store.Open(new FaultyDevice(torn), Small))
        {
            Assert.Equal(50UL, reopened.Recovered); // the tree's creation and 49 puts
            Assert.Equal(49, reopened.GetOrCreateTree("t").Count);
        }

        // Entry 10 damaged while entries after it say it was durable: acknowledged data lost, an error naming the offsets.
        var damaged = bytes.ToArray();
        damaged[start + 9 * entry + 40] ^= 1;
        var error = Assert.Throws<CorruptStoreException>(() => Store.Open(new FaultyDevice(damaged), Small));
        Assert.Equal(StorePart.Journal, error.Part);
        Assert.Equal(start + 9 * entry, error.FileOffset);
        Assert.Contains($"commit 11 at byte {start + 9 * entry}", error.Message, StringComparison.Ordinal);
        Assert.Contains("acknowledged commits were lost", error.Message, StringComparison.Ordinal);
    }
}
