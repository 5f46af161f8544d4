using Packtree.Keys;

namespace Packtree.Tests.Storage;

/// <summary>The journal's space behind the older checkpoint's commits goes back to the file system.</summary>
public sealed class JournalSpaceTests
{
    [LinuxFact]
    public void CommitsNoCopyReplaysTakeNoDiskSpace()
    {
        using var folder = new TempFolder();
        var path = folder.File("journal.packtree");
        var random = new Random(8);
        var value = new byte[100];
        long before, after;
        using (var store = Store.Open(path, new StoreOptions { Durability = Durability.Buffered }))
        {
            var tree = store.GetOrCreateTree("t");
            for (var i = 0; i < 50_000; i++) tree.Put(new Bpos(1, (ulong)random.NextInt64(), 0), value);
            store.Flush();
            before = Packtree.Bench.Peers.DiskUsage.Bytes(folder.Path);
            store.Checkpoint();
            store.Checkpoint(); // no commit since the last: neither copy replays any
            after = Packtree.Bench.Peers.DiskUsage.Bytes(folder.Path);
            Assert.Equal(0, store.Statistics.JournalUsedBytes);
        }
        Assert.True(before - after > 5_000_000, $"{before} bytes on disk before the checkpoints, {after} after"); // the journal held 50,000 entries of about 140 bytes
        using (var store = Store.Open(path)) Assert.Equal(50_000, store.GetOrCreateTree("t").Count);
    }

    [LinuxFact]
    public void ASmallStoreKeepsNoJournalLargerThanItself()
    {
        using var folder = new TempFolder();
        var path = folder.File("small.packtree");
        var value = new byte[100];
        using var store = Store.Open(path, new StoreOptions { Durability = Durability.Buffered });
        var tree = store.GetOrCreateTree("t");
        for (var round = 0; round < 4; round++)
            for (var i = 0; i < 10_000; i++) tree.Put(new Bpos(1, (ulong)i, 0), value); // 40,000 entries, 5.6 MB of journal
        store.Checkpoint();
        var onDisk = Packtree.Bench.Peers.DiskUsage.Bytes(folder.Path);
        var buckets = (long)store.Statistics.NodeBuckets * store.Options.NodeBytes;
        // The nodes' written blocks, and at most about as much journal (8.0 MB here when the journal waited to be half full).
        Assert.True(onDisk < 2 * buckets, $"{onDisk} bytes on disk for {buckets} bytes of node buckets");
    }
}
