using System.Buffers.Binary;
using Packtree.Keys;
using Packtree.Storage;

namespace Packtree.Tests.Storage;

/// <summary>
/// Damage to one superblock copy or to the journal: the older copy takes over (its nodes and journal
/// are kept until it is replaced), a salvage open reads what is left and names what was lost, and
/// opening says which copy it used and why.
/// </summary>
public sealed class RecoveryTests
{
    private static readonly StoreOptions Small = new() { NodeBytes = 4096, BlockBytes = 512, JournalBytes = 1 << 20, CacheBytes = 64 * 4096 };

    /// <summary>A store after many checkpoints (both copies written, buckets freed and reused), with its model.</summary>
    private static (FaultyDevice Device, SortedDictionary<Bpos, byte[]> Model) Busy(int commits, bool crash)
    {
        var device = new FaultyDevice();
        var model = new SortedDictionary<Bpos, byte[]>();
        var store = Store.Open(device, Small);
        var tree = store.GetOrCreateTree("t");
        var random = new Random(7);
        for (var i = 0; i < commits; i++)
        {
            var key = new Bpos(1, (ulong)random.Next(3000), 0);
            if (random.Next(5) == 0)
            {
                tree.Delete(key);
                model.Remove(key);
                continue;
            }
            var value = new byte[random.Next(0, 120)];
            random.NextBytes(value);
            tree.Put(key, value);
            model[key] = value;
            if (i % 2500 == 0) store.Checkpoint();
        }
        if (crash) store.CloseWithoutCheckpoint();
        else store.Dispose();
        return (device, model);
    }

    private static int CurrentSlot(byte[] image) =>
        Superblock.TryRead(image.AsSpan(0, Superblock.SlotBytes), 0, out _)!.Generation > Superblock.TryRead(image.AsSpan(Superblock.SlotBytes, Superblock.SlotBytes), Superblock.SlotBytes, out _)!.Generation ? 0 : 1;

    private static void AssertHolds(Store store, SortedDictionary<Bpos, byte[]> model)
    {
        Assert.True(store.TryGetTree("t", out var tree));
        tree.Verify();
        Assert.Equal(model.Count, tree.Count);
        foreach (var (key, value) in model) Assert.Equal(value, tree.Get(key));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void DamageToTheCurrentSuperblockCopyLosesNothing(bool crash)
    {
        var (device, model) = Busy(20_000, crash);
        var image = device.Snapshot();
        var slot = CurrentSlot(image);
        image.AsSpan(slot * Superblock.SlotBytes + 130, 16).Fill(0xA5); // 16 bytes of the tree list
        using var store = Store.Open(new FaultyDevice(image), Small);
        Assert.Equal(1 - slot, store.Recovery.SuperblockCopy);
        Assert.Contains($"copy {slot}", store.Recovery.Reason, StringComparison.Ordinal);
        Assert.Contains("checksum", store.Recovery.Reason, StringComparison.Ordinal);
        AssertHolds(store, model);
    }

    [Fact]
    public void StrayBytesAfterTheTreeListMakeACopyInvalidToo()
    {
        var (device, model) = Busy(3_000, crash: true);
        var image = device.Snapshot();
        var slot = CurrentSlot(image);
        image[slot * Superblock.SlotBytes + 60_000] = 1; // past the tree list, outside the checksum
        using var store = Store.Open(new FaultyDevice(image), Small);
        Assert.Equal(1 - slot, store.Recovery.SuperblockCopy);
        Assert.Contains("after its tree list, is not zero", store.Recovery.Reason, StringComparison.Ordinal);
        AssertHolds(store, model);
    }

    [Fact]
    public void TheOlderCopyStaysUsableAcrossReopensAndCheckpoints()
    {
        // After a reopen, buckets only the older copy reaches are still held: more work, then damage the newer copy.
        var (device, model) = Busy(8_000, crash: false);
        var again = new FaultyDevice(device.Snapshot());
        var store = Store.Open(again, Small);
        var tree = store.GetOrCreateTree("t");
        var random = new Random(11);
        for (var i = 0; i < 3000; i++)
        {
            var key = new Bpos(1, (ulong)random.Next(3000), 0);
            var value = BitConverter.GetBytes(i);
            tree.Put(key, value);
            model[key] = value;
        }
        store.Checkpoint();
        for (var i = 0; i < 500; i++)
        {
            var key = new Bpos(1, (ulong)random.Next(3000), 0);
            tree.Delete(key);
            model.Remove(key);
        }
        store.CloseWithoutCheckpoint();
        var image = again.Snapshot();
        var slot = CurrentSlot(image);
        image.AsSpan(slot * Superblock.SlotBytes + 8, 4).Fill(0xFF); // the version field: the copy's checksum fails
        using var reopened = Store.Open(new FaultyDevice(image), Small);
        Assert.Equal(1 - slot, reopened.Recovery.SuperblockCopy);
        AssertHolds(reopened, model);
    }

    [Fact]
    public void DamageInTheMiddleOfTheJournalIsAnErrorAndSalvageReadsUpToIt()
    {
        var device = new FaultyDevice();
        var store = Store.Open(device, Small);
        var tree = store.GetOrCreateTree("t");
        for (var i = 0; i < 100; i++) tree.Put(new Bpos(1, (ulong)i, 0), new byte[20]);
        store.CloseWithoutCheckpoint();
        var image = device.Snapshot();
        var entry = JournalEntry.Bytes(20);
        var tenth = Superblock.JournalOffset + JournalEntry.Bytes(1) + 9 * entry; // after the tree's creation: commit 11
        image[tenth + 50] ^= 1;

        var error = Assert.Throws<CorruptStoreException>(() => Store.Open(new FaultyDevice(image), Small));
        Assert.Equal((StorePart.Journal, tenth), (error.Part, error.FileOffset));
        Assert.Contains("acknowledged commits were lost", error.Message, StringComparison.Ordinal);
        Assert.Contains($"commit 11 at byte {tenth}", error.Message, StringComparison.Ordinal);

        using var salvaged = Store.Open(new FaultyDevice(image), Small with { Salvage = true });
        Assert.True(salvaged.IsReadOnly);
        Assert.Equal(10UL, salvaged.LastCommit);
        Assert.Equal((11UL, 101UL), salvaged.Recovery.LostCommits);
        Assert.Contains($"byte {tenth}", salvaged.Recovery.LossReason, StringComparison.Ordinal);
        Assert.True(salvaged.TryGetTree("t", out var back));
        Assert.Equal(9, back.Count);
        Assert.Throws<InvalidOperationException>(() => back.Put(Bpos.Min, [1]));
    }

    [Fact]
    public void AnEntryWhoseChecksumHoldsButWhoseRecordsDoNotReachItsEndIsDamage()
    {
        var device = new FaultyDevice();
        var store = Store.Open(device, Small);
        var tree = store.GetOrCreateTree("t");
        var batch = new WriteBatch();
        for (var i = 0; i < 10; i++) batch.Put(tree, new Bpos(1, (ulong)i, 0), [1, 2, 3]);
        store.Write(batch);
        store.CloseWithoutCheckpoint();
        var image = device.Snapshot();
        var at = (int)Superblock.JournalOffset + JournalEntry.Bytes(1); // the batch's entry
        var length = BinaryPrimitives.ReadInt32LittleEndian(image.AsSpan(at + 4));
        BinaryPrimitives.WriteInt32LittleEndian(image.AsSpan(at + 32), 4); // claims 4 of its 10 records
        BinaryPrimitives.WriteUInt32LittleEndian(image.AsSpan(at + 24), JournalEntry.Checksum(image.AsSpan(at, length)));
        var error = Assert.Throws<CorruptStoreException>(() => Store.Open(new FaultyDevice(image), Small));
        Assert.Equal((StorePart.Journal, (long)at), (error.Part, error.FileOffset));
        Assert.Contains("records end at entry byte", error.Message, StringComparison.Ordinal);
        Assert.Contains($"byte {at}", error.Message, StringComparison.Ordinal);
    }
}
