using Packtree.Keys;
using Packtree.Storage;

namespace Packtree.Tests.Storage;

/// <summary>
/// Each defect the power-loss trials found, as one short scenario on a <see cref="PowerCutDevice"/>:
/// the writes a cut keeps are chosen, not drawn, so the scenario does not depend on a seed.
/// </summary>
public sealed class PowerLossDefectTests
{
    private static readonly StoreOptions Options = PowerLossTrial.Options(1024 * 1024);

    private static Bpos Key(ulong offset) => new(1, offset, 0);

    private static void PutBuffered(Store store, Tree tree, ulong offset, int bytes = 10) =>
        store.Write(new WriteBatch().Put(tree, Key(offset), new byte[bytes]), Durability.Buffered);

    private static List<Bpos> Keys(Store store, string tree)
    {
        var keys = new List<Bpos>();
        foreach (var (key, _) in store.GetOrCreateTree(tree).Scan()) keys.Add(key);
        return keys;
    }

    /// <summary>
    /// A cut while a new store writes its first superblock copy (64 KiB at byte 65,536, before its
    /// flush) can tear it: the sector with the magic lost, later sectors (zeros) kept, so the device is
    /// not empty. Nothing was ever acknowledged, yet the file can never be opened again ("Not a Packtree
    /// store").
    /// </summary>
    [Fact]
    public void ACutWhileTheStoreIsCreatedLeavesAFileThatOpens()
    {
        var device = new PowerCutDevice();
        device.CutAfter(1); // the superblock copy is written, its flush fails
        Assert.Throws<IOException>(() => Store.Open(device, Options));
        var random = new Random(1);
        for (var i = 0; i < 20; i++)
        {
            using var store = Store.Open(new PowerCutDevice(device.Cut(random, keepProbability: 1, tearProbability: 1)), Options);
            Assert.Empty(store.TreeNames);
        }
    }

    /// <summary>
    /// A store opened after a process crash replays commits whose journal entries the crashed process
    /// wrote but never flushed, and takes them as durable without flushing: the next entry it writes
    /// says so in its header. A power cut that loses the old entry and keeps the new one leaves a file
    /// that refuses to open ("acknowledged commits were lost"), though no acknowledged commit was lost.
    /// </summary>
    [Fact]
    public void CommitsReplayedAfterAProcessCrashAreNotClaimedDurableUnflushed()
    {
        var device = new PowerCutDevice();
        var store = Store.Open(device, Options);
        var tree = store.GetOrCreateTree("t");
        PutBuffered(store, tree, 1); // commit 1: a pending write
        store.CloseWithoutCheckpoint(); // the process dies; the operating system keeps the write, unflushed

        var reopened = Store.Open(device, Options); // replays commit 1
        PutBuffered(reopened, reopened.GetOrCreateTree("t"), 2); // commit 2, whose entry says "commit 1 is durable"
        var image = device.CutKeeping(device.PendingWrites().Count - 1); // commit 2's entry kept, every other pending write lost
        reopened.CloseWithoutCheckpoint();

        using var recovered = Store.Open(new PowerCutDevice(image), Options);
        var keys = Keys(recovered, "t");
        Assert.True(keys.SequenceEqual([]) || keys.SequenceEqual([Key(1)]) || keys.SequenceEqual([Key(1), Key(2)]), $"recovered {string.Join(", ", keys)}: not a prefix of the commits");
    }

    /// <summary>
    /// For the same reason, <see cref="Store.Flush"/> on a store opened after a process crash returns
    /// at once (every replayed commit counts as durable), so commits it acknowledges are lost at a cut.
    /// </summary>
    [Fact]
    public void FlushAfterAProcessCrashMakesTheReplayedCommitsDurable()
    {
        var device = new PowerCutDevice();
        var store = Store.Open(device, Options);
        var tree = store.GetOrCreateTree("t");
        PutBuffered(store, tree, 1);
        store.CloseWithoutCheckpoint();

        var reopened = Store.Open(device, Options);
        Assert.Equal([Key(1)], Keys(reopened, "t"));
        reopened.Flush(); // acknowledges commit 1 as durable
        var image = device.CutKeeping(); // every unflushed write lost
        reopened.CloseWithoutCheckpoint();

        using var recovered = Store.Open(new PowerCutDevice(image), Options);
        Assert.Equal([Key(1)], Keys(recovered, "t"));
    }

    /// <summary>
    /// Also from opening on unflushed bytes: the process dies after a checkpoint wrote its superblock
    /// copy and before it flushed it. The next process opens on that copy (the operating system has it),
    /// counts the buckets only the previous checkpoint used as free, and writes new nodes into them at
    /// its first checkpoint; a power cut before that checkpoint's flush can keep those node writes and
    /// lose the superblock copy. The previous checkpoint, then the newest on disk, points at overwritten
    /// buckets: the store does not open, and the acknowledged commits are lost.
    /// </summary>
    [Fact]
    public void BucketsOfTheNewestCheckpointOnDiskAreNotReusedAfterAProcessCrash()
    {
        var device = new PowerCutDevice();
        var store = Store.Open(device, Options);
        var tree = store.GetOrCreateTree("t");
        tree.Put(Key(0), new byte[100]);
        store.Checkpoint(); // the root leaf, in the first bucket
        var batch = new WriteBatch();
        for (var i = 1UL; i <= 300; i++) batch.Put(tree, Key(i), new byte[100]);
        store.Write(batch, Durability.Flush); // acknowledged; the leaf splits, the first bucket is freed
        device.CrashAtFlush(2);
        Assert.Throws<IOException>(store.Checkpoint); // nodes written and flushed, superblock copy written, the process dies at its flush
        store.CloseWithoutCheckpoint();
        device.Restart();

        var reopened = Store.Open(device, Options);
        var again = reopened.GetOrCreateTree("t");
        batch.Clear();
        for (var i = 301UL; i <= 600; i++) batch.Put(again, Key(i), new byte[100]);
        reopened.Write(batch, Durability.Buffered);
        device.CutAtFlush(1);
        Assert.Throws<IOException>(reopened.Checkpoint); // new nodes written (the freed buckets first), the power fails at the flush
        var pending = device.PendingWrites();
        var image = device.CutKeeping([.. Enumerable.Range(0, pending.Count).Where(i => pending[i].Length != Superblock.SlotBytes)]); // a superblock copy still pending lost, the rest kept
        reopened.CloseWithoutCheckpoint();

        using var recovered = Store.Open(new PowerCutDevice(image), Options);
        var t = recovered.GetOrCreateTree("t");
        t.Verify();
        for (var i = 0UL; i <= 300; i++) Assert.NotNull(t.Get(Key(i)));
    }

    /// <summary>
    /// A journal entry holds its record count in 16 bits: a batch of 65,537 updates is written with a
    /// count of 1, and replay (after a crash, before a checkpoint) applies only its first update.
    /// </summary>
    [Fact]
    public void ABatchOfMoreThan65535UpdatesIsReplayedWhole()
    {
        var options = PowerLossTrial.Options(8L * 1024 * 1024); // a quarter of the journal holds the entry
        var device = new PowerCutDevice();
        var store = Store.Open(device, options);
        var tree = store.GetOrCreateTree("t");
        var batch = new WriteBatch();
        for (var i = 0UL; i < 65_537; i++) batch.Put(tree, Key(i), []);
        store.Write(batch, Durability.Flush);
        Assert.Equal(65_537, tree.Count);
        store.CloseWithoutCheckpoint();

        using var reopened = Store.Open(device, options);
        Assert.Equal(65_537, reopened.GetOrCreateTree("t").Count);
    }

    /// <summary>
    /// A cut loses journal entry 1 (unflushed) and keeps entry 2 (also unflushed) behind it; recovery
    /// rightly stops at 1. The recovered store then numbers its next commit 1 again and writes it at the
    /// same place; when it is as long as the lost one, it ends where the stale entry 2 begins, and the
    /// next replay (after a crash or cut before a checkpoint) applies that stale commit, which no one
    /// acknowledged and the recovered store never held.
    /// </summary>
    [Fact]
    public void AJournalEntryLeftByACutIsNotReplayedAfterRecovery()
    {
        var device = new PowerCutDevice();
        var store = Store.Open(device, Options);
        var tree = store.GetOrCreateTree("t");
        PutBuffered(store, tree, 1); // pending write 0: commit 1
        PutBuffered(store, tree, 2); // pending write 1: commit 2
        var image = device.CutKeeping(1);
        store.CloseWithoutCheckpoint();

        var recoveredDevice = new PowerCutDevice(image);
        var recovered = Store.Open(recoveredDevice, Options);
        Assert.Empty(Keys(recovered, "t"));
        recovered.GetOrCreateTree("t").Put(Key(3), new byte[10]); // flushed: commit 1 again, as long as the lost one
        recovered.CloseWithoutCheckpoint(); // a crash (or cut) before the next checkpoint

        using var again = Store.Open(recoveredDevice, Options);
        Assert.Equal([Key(3)], Keys(again, "t"));
    }
}
