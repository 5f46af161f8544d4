namespace Packtree.Tests.Storage;

/// <summary>A store is a regular file: a device or a directory at the path is refused, by the library and by the packtree command.</summary>
[Trait("Category", "Slow")]
public sealed class StorePathTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ADeviceIsNotAStoreFile(bool readOnly)
    {
        if (!File.Exists("/dev/null")) return; // Unix only
        var error = Assert.Throws<IOException>(() => Store.Open("/dev/null", new StoreOptions { ReadOnly = readOnly }));
        Assert.Contains("'/dev/null' is not a regular file", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ADirectoryIsNotAStoreFile()
    {
        using var folder = new TempFolder();
        var error = Assert.Throws<IOException>(() => Store.Open(folder.Path));
        Assert.Contains($"'{folder.Path}' is a directory", error.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(folder.Path)); // nothing created inside
    }

    [Fact]
    public void PutToADeviceFailsInsteadOfDiscardingTheValue()
    {
        if (!File.Exists("/dev/null")) return; // Unix only
        var (exit, _, errors) = PacktreeCli.Run(Timeout, "put", "/dev/null", "1:1", "lost");
        Assert.Equal(1, exit);
        Assert.Contains("'/dev/null' is not a regular file", errors, StringComparison.Ordinal);

        using var folder = new TempFolder();
        (exit, _, errors) = PacktreeCli.Run(Timeout, "check", folder.Path);
        Assert.NotEqual(0, exit);
        Assert.Contains("is a directory", errors, StringComparison.Ordinal);
    }
}
