using System.Buffers.Binary;
using Packtree.Keys;
using Packtree.Storage;

namespace Packtree.Tests.Storage;

/// <summary>
/// However a store file is damaged, the packtree command reports it (check: as a problem; the other
/// commands: one line) with exit code 1, and never shows a stack trace.
/// </summary>
[Trait("Category", "Slow")]
public sealed class CliDamagedStoreTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    [Theory]
    [InlineData(32, 4, 3)]           // node bytes
    [InlineData(32, 4, -65536)]      // node bytes, negative
    [InlineData(36, 4, 0)]           // block bytes
    [InlineData(128 + 4, 8, -1)]     // the first tree's root sector: past any file offset
    [InlineData(128 + 20, 2, 65535)] // the first tree's root sectors written: more than a node has
    public void AnAbsurdSuperblockInBothCopiesIsReportedNotThrown(int offset, int size, long value)
    {
        using var folder = new TempFolder();
        var path = folder.File("absurd.packtree");
        using (var store = Store.Open(path, new StoreOptions { NodeBytes = 4096, BlockBytes = 512, JournalBytes = 1024 * 1024 }))
            store.GetOrCreateTree("default").Put(new Bpos(1, 1, 0), "one"u8);
        var bytes = File.ReadAllBytes(path);
        for (var slot = 0; slot < 2; slot++)
        {
            var copy = bytes.AsSpan(slot * Superblock.SlotBytes, Superblock.SlotBytes);
            Assert.Equal(Superblock.Magic, BinaryPrimitives.ReadUInt64LittleEndian(copy)); // both copies written: creation and the checkpoint at close
            if (size == 2) BinaryPrimitives.WriteInt16LittleEndian(copy[offset..], (short)value);
            else if (size == 4) BinaryPrimitives.WriteInt32LittleEndian(copy[offset..], (int)value);
            else BinaryPrimitives.WriteInt64LittleEndian(copy[offset..], value);
            ImageBytes.ResealSuperblock(copy);
        }
        File.WriteAllBytes(path, bytes);

        var check = PacktreeCli.Run(Timeout, "check", path);
        Assert.True(check.ExitCode == 1, check.Output + check.Errors);
        // Validated beyond the checksum: each copy is refused with the field named, not trusted into a crash.
        Assert.Contains("both superblock copies are damaged", check.Output.Replace("\n", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.DoesNotContain("unexpected error", check.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", check.Output + check.Errors, StringComparison.Ordinal);

        var get = PacktreeCli.Run(Timeout, "get", path, "1:1:0");
        Assert.True(get.ExitCode == 1, get.Output + get.Errors);
        Assert.Equal("", get.Output);
        Assert.StartsWith("packtree: Not a Packtree store, or both superblock copies are damaged: ", get.Errors, StringComparison.Ordinal);
        Assert.Single(get.Errors.Trim().Split('\n'));
    }

}
