using System.Security.Cryptography;
using Packtree.Bcachefs;

namespace Packtree.Tests.Bcachefs;

/// <summary>The image is only ever read: its bytes do not change and the file is opened read-only.</summary>
public class ReadOnlyTests
{
    public static TheoryData<string> Images => ImageFolder.All;

    [Theory]
    [MemberData(nameof(Images))]
    public void Opening_and_walking_everything_leaves_the_image_unchanged(string name)
    {
        using var copy = new ImageCopy(name);
        var before = Hash(copy.Path);
        var written = File.GetLastWriteTimeUtc(copy.Path);
        using (var image = BcachefsImage.Open(copy.Path))
        {
            Assert.True(image.Btrees.Sum(b => b.Keys().Count()) > 0);
            Assert.Empty(image.CheckMetadata());
            Assert.NotEmpty(image.Btrees.SelectMany(b => b.Nodes()));
            if (OperatingSystem.IsLinux())
            {
                // O_ACCMODE of the open file description: 0 is O_RDONLY.
                var fd = image.Handle.DangerousGetHandle();
                var flags = File.ReadAllLines($"/proc/self/fdinfo/{fd}").Single(l => l.StartsWith("flags:", StringComparison.Ordinal)).Split(':')[1].Trim();
                Assert.Equal(0, Convert.ToInt32(flags, 8) & 3);
            }
            // Another reader may open the file while the image is open: it is shared for reading.
            using var other = new FileStream(copy.Path, FileMode.Open, FileAccess.Read, FileShare.Read);
        }
        Assert.Equal(before, Hash(copy.Path));
        Assert.Equal(written, File.GetLastWriteTimeUtc(copy.Path));
    }

    [Fact]
    public void A_read_only_file_opens()
    {
        var name = ImageFolder.Names[0];
        using var copy = new ImageCopy(name);
        File.SetAttributes(copy.Path, FileAttributes.ReadOnly);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(copy.Path, UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        using var image = BcachefsImage.Open(copy.Path);
        Assert.False(image.Btree("dirents").IsEmpty);
        File.SetAttributes(copy.Path, FileAttributes.Normal);
    }

    private static string Hash(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexString(SHA256.HashData(stream));
    }
}
