using Packtree.Diagnostics;
using Packtree.Keys;
using Packtree.Storage;
using Packtree.Tests.Storage;

namespace Packtree.Tests.Diagnostics;

/// <summary>The public diagnostics entry point reports a store's facts and problems as data; only a file that cannot be read at all throws.</summary>
public sealed class StoreCheckTests
{
    private static readonly StoreOptions Small = new() { NodeBytes = 4096, BlockBytes = 512, JournalBytes = 1024 * 1024 };

    [Fact]
    public void ACleanStoreFileReportsBothCopiesItsTreesAndFigures()
    {
        using var folder = new TempFolder();
        var path = folder.File("clean.packtree");
        using (var store = Store.Open(path, Small))
        {
            var tree = store.GetOrCreateTree("events");
            for (ulong i = 0; i < 500; i++) tree.Put(new Bpos(1, i, 0), "value"u8);
            store.GetOrCreateTree("empty");
        }

        var report = StoreCheck.Run(path);

        Assert.True(report.IsClean, string.Join("\n", report.Problems));
        Assert.Equal(Path.GetFullPath(path), report.Path);
        Assert.Equal([0, 1], report.SuperblockCopies.Select(c => c.Slot));
        Assert.All(report.SuperblockCopies, c => Assert.True(c.IsValid));
        Assert.NotNull(report.Recovery);
        Assert.Equal(["events", "empty"], report.Trees.Select(t => t.Name));
        Assert.Equal(500, report.Trees[0].Keys);
        Assert.True(report.Trees[0].Nodes > 1);
        Assert.Equal(0, report.Trees[1].Keys);
        Assert.NotNull(report.Statistics);
        Assert.NotEmpty(report.KeyFormats);
        Assert.StartsWith("superblock copy 0: generation ", report.Notes[0], StringComparison.Ordinal);
    }

    [Fact]
    public void ADamagedCopyIsANoteAndItsFallbackAProblem()
    {
        using var folder = new TempFolder();
        var path = folder.File("damaged.packtree");
        using (var store = Store.Open(path, Small)) store.GetOrCreateTree("t").Put(new Bpos(1, 1, 0), "one"u8);
        ulong newer;
        using (var device = FileStorageDevice.OpenReadOnly(path))
            newer = Superblock.ReadCopies(device).Max(c => c.Copy!.Generation);
        var bytes = File.ReadAllBytes(path);
        bytes[(int)(newer % 2) * Superblock.SlotBytes + 100] ^= 0xff;
        File.WriteAllBytes(path, bytes);

        var report = StoreCheck.Run(path);

        var damaged = Assert.Single(report.SuperblockCopies, c => !c.IsValid);
        Assert.Contains("checksum", damaged.Problem, StringComparison.Ordinal);
        Assert.Contains(damaged.ToString(), report.Notes);
        Assert.Empty(report.Problems); // the older copy had every commit (replayed from the journal)
        Assert.Equal("t", Assert.Single(report.Trees).Name);
    }

    [Fact]
    public void AFileThatIsNoStoreIsAProblemNotAnException()
    {
        using var folder = new TempFolder();
        var path = folder.File("garbage.packtree");
        File.WriteAllBytes(path, [.. Enumerable.Range(0, 200_000).Select(i => (byte)(i * 7))]);

        var report = StoreCheck.Run(path);

        Assert.False(report.IsClean);
        Assert.Contains("Not a Packtree store", Assert.Single(report.Problems), StringComparison.Ordinal);
        Assert.Null(report.Recovery);
        Assert.Null(report.Statistics);
        Assert.Empty(report.Trees);
    }

    [Fact]
    public void AMissingFileOrADirectoryThrows()
    {
        using var folder = new TempFolder();
        Assert.Throws<FileNotFoundException>(() => StoreCheck.Run(folder.File("missing.packtree")));
        Assert.Throws<IOException>(() => StoreCheck.Run(folder.Path));
    }

    [Fact]
    public void AnOpenStoreInMemoryIsCheckedTreeByTree()
    {
        using var store = Store.CreateInMemory(Small);
        var tree = store.GetOrCreateTree("t");
        for (ulong i = 0; i < 2000; i++) tree.Put(new Bpos(i, 0, 0), new byte[20]);

        var report = StoreCheck.Run(store);

        Assert.True(report.IsClean, string.Join("\n", report.Problems));
        Assert.Null(report.Path);
        Assert.Null(report.Recovery);
        Assert.Empty(report.SuperblockCopies);
        Assert.Empty(report.Notes);
        var checkedTree = Assert.Single(report.Trees);
        Assert.Equal((2000L, tree.Id), (checkedTree.Keys, checkedTree.Id));
        Assert.True(checkedTree.Levels >= 2);
        Assert.Equal(default(StoreStatistics), report.Statistics);
    }
}
