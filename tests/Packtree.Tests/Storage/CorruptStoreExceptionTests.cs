using System.Buffers.Binary;
using Packtree.Keys;
using Packtree.Storage;

namespace Packtree.Tests.Storage;

/// <summary>
/// Damage of every kind is one exception family: a <see cref="CorruptStoreException"/> naming the part
/// (superblock, journal, node, tree), the file offset where one place shows it, and the rule; a node's is
/// the <see cref="CorruptNodeException"/> it always was. A file that is no store at all is not damage.
/// </summary>
public sealed class CorruptStoreExceptionTests
{
    private static readonly StoreOptions Small = new() { NodeBytes = 4096, BlockBytes = 512, JournalBytes = 1 << 20 };

    [Fact]
    public void BothSuperblockCopiesDamagedIsSuperblockDamageAtTheFirstCopyWithTheMagic()
    {
        var image = Checkpointed();
        image[Superblock.SlotBytes + 100] ^= 1; // copy 1: a reserved byte, so its checksum fails
        image[100] ^= 1;                        // copy 0 too
        var error = Assert.Throws<CorruptStoreException>(() => Store.Open(new FaultyDevice(image), Small));
        Assert.Equal(StorePart.Superblock, error.Part);
        Assert.Equal(0, error.FileOffset);
        Assert.Contains("superblock copy 0 at byte 0: checksum", error.Rule, StringComparison.Ordinal);
        Assert.StartsWith("Not a Packtree store, or both superblock copies are damaged: ", error.Message, StringComparison.Ordinal);

        // Copy 0 without its magic: the damage named is copy 1's.
        image[0] ^= 0xff;
        error = Assert.Throws<CorruptStoreException>(() => Store.Open(new FaultyDevice(image), Small));
        Assert.Equal(Superblock.SlotBytes, error.FileOffset);
    }

    [Fact]
    public void AFileWithoutTheMagicIsNotAStoreRatherThanDamage()
    {
        var bytes = new byte[4 * Superblock.SlotBytes];
        bytes.AsSpan().Fill((byte)'x');
        var error = Assert.Throws<InvalidDataException>(() => Store.Open(new FaultyDevice(bytes), Small));
        Assert.StartsWith("Not a Packtree store, or both superblock copies are damaged: superblock copy 0 at byte 0: no superblock magic", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AJournalEntryBreakingARuleIsJournalDamageAtItsOffset()
    {
        var device = new FaultyDevice();
        var store = Store.Open(device, Small);
        var tree = store.GetOrCreateTree("t");
        for (var i = 0; i < 5; i++) tree.Put(new Bpos(1, (ulong)i, 0), [1, 2, 3]);
        store.CloseWithoutCheckpoint();
        var image = device.Snapshot();
        var at = (int)Superblock.JournalOffset + JournalEntry.Bytes(1) + JournalEntry.Bytes(3); // commit 3, the second put
        var length = BinaryPrimitives.ReadInt32LittleEndian(image.AsSpan(at + 4));
        BinaryPrimitives.WriteUInt16LittleEndian(image.AsSpan(at + 30), 1); // a reserved field, resealed
        BinaryPrimitives.WriteUInt32LittleEndian(image.AsSpan(at + 24), JournalEntry.Checksum(image.AsSpan(at, length)));

        var error = Assert.Throws<CorruptStoreException>(() => Store.Open(new FaultyDevice(image), Small));
        Assert.Equal(StorePart.Journal, error.Part);
        Assert.Equal(at, error.FileOffset);
        Assert.Contains("reserved fields", error.Rule, StringComparison.Ordinal);
        Assert.StartsWith($"The journal is damaged: journal entry at byte {at} of the store file (commit 3)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ADamagedNodeIsNodeDamageAtItsFileOffset()
    {
        var image = Checkpointed();
        var (current, older) = Slots(image);
        image.AsSpan(older * Superblock.SlotBytes, Superblock.SlotBytes).Clear(); // no older copy to fall back on
        var root = (long)Superblock.TryRead(image.AsSpan(current * Superblock.SlotBytes, Superblock.SlotBytes), 0, out _)!.Trees[0].RootSector * 512;
        image[root + 200] ^= 1; // a key byte of the root leaf: its checksum fails

        var error = Assert.Throws<CorruptNodeException>(() => Store.Open(new FaultyDevice(image), Small));
        CorruptStoreException family = error;
        Assert.Equal(StorePart.Node, family.Part);
        Assert.Equal(0, error.ByteOffset); // the first write's checksum, which starts the node
        Assert.Equal(root + error.ByteOffset, family.FileOffset);
        Assert.StartsWith("checksum", family.Rule, StringComparison.Ordinal);
        Assert.StartsWith($"Corrupt btree node at byte {root} of the store file: bset 0 at byte 0: checksum", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WhenNeitherCopyOpensTheOlderCopysDamageIsNamed()
    {
        var image = Checkpointed();
        var (current, _) = Slots(image);
        var root = (long)Superblock.TryRead(image.AsSpan(current * Superblock.SlotBytes, Superblock.SlotBytes), 0, out _)!.Trees[0].RootSector * 512;
        image[root + 200] ^= 1; // the newer copy's root leaf
        var at = (int)Superblock.JournalOffset + JournalEntry.Bytes(1); // commit 2, which only the older copy replays
        var length = BinaryPrimitives.ReadInt32LittleEndian(image.AsSpan(at + 4));
        BinaryPrimitives.WriteUInt16LittleEndian(image.AsSpan(at + 30), 1);
        BinaryPrimitives.WriteUInt32LittleEndian(image.AsSpan(at + 24), JournalEntry.Checksum(image.AsSpan(at, length)));

        var error = Assert.Throws<CorruptStoreException>(() => Store.Open(new FaultyDevice(image), Small));
        Assert.StartsWith("Neither superblock copy opens: ", error.Message, StringComparison.Ordinal);
        Assert.Equal((StorePart.Journal, (long?)at), (error.Part, error.FileOffset));
        Assert.Equal(StorePart.Journal, Assert.IsType<CorruptStoreException>(error.InnerException).Part);
    }

    [Fact]
    public void AKeyCountThatDisagreesWithTheRootLeafIsTreeDamage()
    {
        var image = Checkpointed();
        var (current, older) = Slots(image);
        image.AsSpan(older * Superblock.SlotBytes, Superblock.SlotBytes).Clear();
        var copy = image.AsSpan(current * Superblock.SlotBytes, Superblock.SlotBytes);
        ImageBytes.Write(copy, 128 + 24, 8, 7); // tree 0's key count
        ImageBytes.ResealSuperblock(copy);

        var error = Assert.Throws<CorruptStoreException>(() => Store.Open(new FaultyDevice(image), Small));
        Assert.Equal(StorePart.Tree, error.Part);
        Assert.Null(error.FileOffset);
        Assert.Equal("Btree 1: the checkpoint counts 7 keys, its root leaf holds 3: the key count or the root node is damaged.", error.Message);
    }

    [Fact]
    public void DamageWithoutAMessageOfItsOwnNamesPartOffsetAndRule()
    {
        Assert.Equal("The store's journal is damaged at byte 4096 of the store file: a rule", new CorruptStoreException(StorePart.Journal, 4096, "a rule").Message);
        Assert.Equal("The store's tree is damaged: a rule", new CorruptStoreException(StorePart.Tree, null, "a rule").Message);
        var node = new CorruptNodeException("n", 2, 40, "a rule");
        Assert.Equal((StorePart.Node, (long?)null, "a rule"), (node.Part, node.FileOffset, node.Rule));
        Assert.Equal(4136L, new CorruptNodeException("n", 4096L, 2, 40, "a rule").FileOffset);
    }

    /// <summary>A store of one tree with three keys, checkpointed: both superblock copies written.</summary>
    private static byte[] Checkpointed()
    {
        var device = new FaultyDevice();
        using (var store = Store.Open(device, Small))
        {
            var tree = store.GetOrCreateTree("t");
            for (var i = 0; i < 3; i++) tree.Put(new Bpos(1, (ulong)i, 0), [9]);
        }
        return device.Snapshot();
    }

    private static (int Current, int Older) Slots(byte[] image)
    {
        var generations = new[] { 0, 1 }.Select(slot => Superblock.TryRead(image.AsSpan(slot * Superblock.SlotBytes, Superblock.SlotBytes), slot * Superblock.SlotBytes, out _)!.Generation).ToArray();
        return generations[0] > generations[1] ? (0, 1) : (1, 0);
    }
}
