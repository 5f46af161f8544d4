using Packtree.Tests.Storage;
using System.Security.Cryptography;
using System.Text;
using Packtree.Bcachefs;

namespace Packtree.Tests.Bcachefs;

public class BcachefsExtractTests
{
    public static TheoryData<string> Images => ImageFolder.All;

    [Theory]
    [MemberData(nameof(Images))]
    public void Extraction_reproduces_the_source_tree(string name)
    {
        if (!OperatingSystem.IsLinux()) return; // the comparison reads the tree with find(1) and lgetxattr
        using var image = BcachefsImage.Open(ImageFolder.Image(name));
        var files = image.Files;
        var imagePaths = FileManifest.ImagePaths(files);
        var manifest = FileManifest.For(name, imagePaths.Keys);
        using var temp = new TempFolder();
        var result = files.Extract(temp.Path);
        var tree = ExtractedTree.Read(temp.Path);
        tree.Remove("lost+found");

        Assert.Equal(manifest.Keys.Order(StringComparer.Ordinal), tree.Keys.Order(StringComparer.Ordinal));
        var root = Environment.UserName == "root";
        int xattrsChecked = 0;
        foreach (var (path, expected) in manifest)
        {
            var actual = tree[path];
            var full = Path.Combine(temp.Path, path);
            Assert.Equal(expected.Type switch { "dir" => 'd', "file" => 'f', _ => 'l' }, actual.Type);
            Assert.Equal(expected.Mode, actual.Mode);
            Assert.Equal(expected.Nlink, actual.Nlink);
            switch (expected.Type)
            {
                case "file":
                    Assert.Equal(expected.Size, actual.Size);
                    using (var stream = File.OpenRead(full))
                        Assert.Equal(expected.Sha256, Convert.ToHexStringLower(SHA256.HashData(stream)));
                    break;
                case "symlink":
                    Assert.Equal(expected.Target, actual.Target);
                    break;
            }
            foreach (var (xattr, value) in expected.Xattrs)
            {
                if (!xattr.StartsWith("user.", StringComparison.Ordinal) && !root) continue;
                Assert.Equal(value, Encoding.UTF8.GetString(ExtractedTree.Xattr(full, xattr) ?? []));
                xattrsChecked++;
            }
            // Times: the extracted mtime is the inode's.
            if (expected.Type != "symlink")
                Assert.Equal(files.Stat("/" + path).Mtime.UtcDateTime, File.GetLastWriteTimeUtc(full));
        }

        // Hard links: every name of an inode is one file on disk.
        foreach (var group in imagePaths.Where(p => p.Value.Type == "reg").GroupBy(p => p.Value.Inode).Where(g => g.Count() > 1))
            Assert.Single(group.Select(p => tree[p.Key].Inode).Distinct());

        // Sparse files stay sparse: a file the image stores with holes takes about as much room as its data.
        var sparse = 0;
        foreach (var (path, entry) in tree.Where(t => t.Value.Type == 'f' && t.Value.Size >= 1 << 20))
        {
            var stat = files.Stat("/" + path);
            if ((long)stat.Sectors * 512 > entry.Size / 2) continue;
            Assert.True(entry.Blocks * 512 <= (long)stat.Sectors * 512 + (1 << 20), $"{path}: {entry.Blocks} blocks on disk for {stat.Sectors} sectors in the image");
            sparse++;
        }

        var expectedXattrs = manifest.Values.Sum(e => e.Xattrs.Count(x => root || x.Key.StartsWith("user.", StringComparison.Ordinal)));
        Assert.Equal(expectedXattrs, xattrsChecked);
        Assert.Equal(manifest.Values.Count(e => e.Type == "dir") + 2, result.Directories); // the top and lost+found too
        Assert.Equal(manifest.Values.Count(e => e.Type == "symlink"), result.Symlinks);
        Assert.Equal(manifest.Values.Count(e => e.Type == "file"), result.Files + result.HardLinks);
        Assert.Equal(imagePaths.Where(p => p.Value.Type == "reg").GroupBy(p => p.Value.Inode).Sum(g => g.Count() - 1), result.HardLinks);
        Assert.True(result.XattrsSet >= expectedXattrs);
        if (name == "img1") Assert.True(sparse >= 1 && result.HardLinks >= 1 && result.XattrsSet >= 100);
    }

    [Theory]
    [MemberData(nameof(Images))]
    public void Extraction_of_one_file_or_subtree_and_into_existing_names(string name)
    {
        using var image = BcachefsImage.Open(ImageFolder.Image(name));
        var files = image.Files;
        var paths = FileManifest.ImagePaths(files);
        var file = paths.First(p => p.Value.Type == "reg").Key;
        var dir = paths.Where(p => p.Value.Type == "dir").OrderBy(p => p.Key.Length).Last().Key;
        using var temp = new TempFolder();
        var one = files.Extract(Path.Combine(temp.Path, "one"), "/" + file);
        Assert.Equal(1, one.Files);
        using (var extracted = File.OpenRead(Path.Combine(temp.Path, "one", Path.GetFileName(file))))
        using (var original = files.OpenRead("/" + file))
            Assert.Equal(SHA256.HashData(original), SHA256.HashData(extracted));
        var sub = files.Extract(Path.Combine(temp.Path, "sub"), "/" + dir);
        Assert.Equal(files.List("/" + dir).Select(e => e.Name).Order(StringComparer.Ordinal),
            Directory.EnumerateFileSystemEntries(Path.Combine(temp.Path, "sub")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.True(sub.Directories >= 1);
        // Nothing existing is replaced: the same file again fails and leaves the first copy as it was.
        Assert.Throws<IOException>(() => files.Extract(Path.Combine(temp.Path, "one"), "/" + file));
    }

    [Fact]
    public void Names_that_could_leave_the_destination_are_refused()
    {
        foreach (var bad in new[] { "", ".", "..", "a/b", "/", "x\0y", "../etc" })
            Assert.False(BcachefsExtractor.IsSafeName(bad), bad);
        foreach (var good in new[] { "a", "...", "..a", "a..", ".hidden", "with space", "ünï" })
            Assert.True(BcachefsExtractor.IsSafeName(good), good);
    }
}
