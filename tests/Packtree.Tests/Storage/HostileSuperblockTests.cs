using System.Buffers.Binary;
using Packtree.Keys;
using Packtree.Storage;

namespace Packtree.Tests.Storage;

/// <summary>
/// Superblocks crafted with a valid checksum but impossible geometry: each copy is refused with the
/// field named, so a store whose copies are both crafted is an error, never a crash or a huge allocation.
/// </summary>
public sealed class HostileSuperblockTests
{
    private static readonly StoreOptions Small = new() { NodeBytes = 4096, BlockBytes = 512, JournalBytes = 1 << 20 };

    public static TheoryData<string, int, long, int, string> Fields => new()
    {
        { "node bytes 3", 32, 3, 4, "node size 3" },
        { "node bytes 3 KiB", 32, 3072, 4, "node size 3072" },
        { "block bytes 0", 36, 0, 4, "block size 0" },
        { "block bytes = node bytes", 36, 4096, 4, "block size 4096" },
        { "journal offset moved", 40, 4096, 8, "journal offset 4096" },
        { "journal of 0 bytes", 48, 0, 8, "journal size 0" },
        { "journal of 1 TiB", 48, 1L << 40, 8, "journal size 1099511627776" },
        { "journal not a multiple of 4 KiB", 48, (1 << 20) + 8, 8, "journal size" },
        { "node area overlapping the journal", 56, Superblock.JournalOffset + 4096, 8, "node area at byte" },
        { "node area far away", 56, 1L << 31, 8, "node area at byte" },
        { "negative journal tail", 72, -8, 8, "journal tail -8" },
        { "journal tail past the journal", 72, 1 << 20, 8, "journal tail 1048576" },
        { "unaligned journal tail", 72, 12, 8, "journal tail 12" },
        { "generation 0", 16, 0, 8, "generation 0" },
        { "reserved bytes", 116, 1, 1, "reserved bytes" },
        { "values tree root without a node", 100, 1, 1, "the values tree's root: no root node" },
        { "values tree root off a bucket", 88, 1, 1, "the values tree's root: root at sector 1" },
    };

    [Theory]
    [MemberData(nameof(Fields))]
    public void ACopyWithImpossibleGeometryIsRefusedAndTheOtherUsed(string what, int offset, long value, int width, string message)
    {
        var image = StoreImage(out var current);
        var copy = image.AsSpan(current * Superblock.SlotBytes, Superblock.SlotBytes);
        ImageBytes.Write(copy, offset, width, (ulong)value);
        ImageBytes.ResealSuperblock(copy);
        using (var store = Store.Open(new FaultyDevice(image.ToArray()), Small))
        {
            Assert.True(store.Recovery.Reason.Contains(message, StringComparison.Ordinal), $"{what}: {store.Recovery.Reason}");
            Assert.Equal([9], store.GetOrCreateTree("t").Get(new Bpos(1, 2, 3)));
        }

        // Both copies crafted: not a store this code will read, said with both reasons; no crash, what={what}.
        var other = image.AsSpan((1 - current) * Superblock.SlotBytes, Superblock.SlotBytes);
        ImageBytes.Write(other, offset, width, (ulong)value);
        ImageBytes.ResealSuperblock(other);
        var error = Assert.Throws<CorruptStoreException>(() => Store.Open(new FaultyDevice(image), Small));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.Contains("both superblock copies", error.Message, StringComparison.Ordinal);
        Assert.Equal(StorePart.Superblock, error.Part);
        Assert.Equal(0, error.FileOffset); // both copies carry the magic: the first is named
    }

    [Fact]
    public void TreeRecordsThatMakeNoSenseAreRefused()
    {
        // Root at sector 1 (inside the superblocks), a root level of 200, a negative count, id 0.
        foreach (var (offset, value, width, message) in new (int, long, int, string)[]
        {
            (128 + 4, 1, 8, "not the start of a node bucket"),
            (128 + 22, 200, 1, "root level 200"),
            (128 + 24, -1, 8, "key count -1"),
            (128, 0, 4, "id 0"),
            (128 + 20, 0, 2, "sectors written"),
        })
        {
            var image = StoreImage(out var current);
            var copy = image.AsSpan(current * Superblock.SlotBytes, Superblock.SlotBytes);
            ImageBytes.Write(copy, offset, width, (ulong)value);
            ImageBytes.ResealSuperblock(copy);
            using var store = Store.Open(new FaultyDevice(image), Small);
            Assert.Contains(message, store.Recovery.Reason, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void OpeningReadsTheJournalInPiecesWhateverItsSize()
    {
        // The largest journal, 4 GiB (sparse): opening allocates a small bounded amount, not the journal's size.
        using var folder = new TempFolder();
        var path = folder.File("big-journal.packtree");
        var options = new StoreOptions { JournalBytes = 4L << 30 };
        using (var store = Store.Open(path, options)) store.GetOrCreateTree("t").Put(Bpos.Min, [1]);
        GC.Collect();
        var before = GC.GetAllocatedBytesForCurrentThread();
        using (var store = Store.Open(path, options with { ReadOnly = true })) Assert.Equal([1], store.GetOrCreateTree("t").Get(Bpos.Min));
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < 16L << 20, $"opening allocated {allocated:N0} bytes for a 4 GiB journal");
    }

    private static byte[] StoreImage(out int current)
    {
        var device = new FaultyDevice();
        using (var store = Store.Open(device, Small))
        {
            store.GetOrCreateTree("t").Put(new Bpos(1, 2, 3), [9]);
            store.Checkpoint();
        }
        var image = device.Snapshot();
        var generations = new[] { 0, 1 }.Select(slot => Superblock.TryRead(image.AsSpan(slot * Superblock.SlotBytes, Superblock.SlotBytes), 0, out _)!.Generation).ToArray();
        current = generations[0] > generations[1] ? 0 : 1;
        return image;
    }

}
