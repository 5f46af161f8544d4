using System.Security.Cryptography;
using System.Text;
using Packtree.Bcachefs;

namespace Packtree.Tests.Bcachefs;

public class BcachefsFileSystemTests
{
    public static TheoryData<string> Images => ImageFolder.All;

    [Theory]
    [MemberData(nameof(Images))]
    public void List_stat_readlink_and_read_agree_with_the_manifest(string name)
    {
        using var image = BcachefsImage.Open(ImageFolder.Image(name));
        var files = image.Files;
        var paths = FileManifest.ImagePaths(files);
        var manifest = FileManifest.For(name, paths.Keys);
        Assert.Equal(manifest.Keys.Order(StringComparer.Ordinal), paths.Keys.Order(StringComparer.Ordinal));
        int hashed = 0, targets = 0, xattrSets = 0;
        foreach (var (path, expected) in manifest)
        {
            var stat = files.Stat("/" + path);
            Assert.Equal("/" + path, stat.Path);
            Assert.Equal(expected.Type, stat.Type);
            Assert.Equal(paths[path].Inode, stat.Inode);
            Assert.Equal(expected.Type switch { "dir" => "dir", "file" => "reg", _ => "lnk" }, paths[path].Type);
            Assert.Equal(expected.Mode, (int)stat.Mode & 0xFFF);
            Assert.Equal(expected.Nlink, stat.LinkCount);
            var userXattrs = stat.Xattrs.Where(x => x.Key.StartsWith("user.", StringComparison.Ordinal))
                .ToDictionary(x => x.Key, x => Encoding.UTF8.GetString(x.Value));
            Assert.Equal(expected.Xattrs.OrderBy(x => x.Key), userXattrs.OrderBy(x => x.Key));
            if (expected.Xattrs.Count > 0) xattrSets++;
            switch (expected.Type)
            {
                case "file":
                    Assert.Equal(expected.Size, (long)stat.Size);
                    using (var stream = files.OpenRead("/" + path))
                    {
                        Assert.Equal(expected.Size, stream.Length);
                        Assert.Equal(expected.Sha256, Convert.ToHexStringLower(SHA256.HashData(stream)));
                    }
                    hashed++;
                    break;
                case "symlink":
                    Assert.Equal(expected.Target, files.ReadLink("/" + path));
                    Assert.Equal(Encoding.UTF8.GetByteCount(expected.Target!), (long)stat.Size);
                    targets++;
                    break;
            }
        }
        Assert.Equal(manifest.Values.Count(e => e.Type == "file"), hashed);
        Assert.Equal(manifest.Values.Count(e => e.Type == "symlink"), targets);
        Assert.True(hashed > 1000 && targets > 0 && xattrSets > 0 || !name.StartsWith("img1", StringComparison.Ordinal));
        Assert.Equal(files.RootInode, files.Stat("/").Inode);
        Assert.Equal(files.Stat("").Inode, files.Stat("/").Inode);
    }

    [Theory]
    [MemberData(nameof(Images))]
    public void Paths_that_do_not_exist_or_have_the_wrong_type_are_refused(string name)
    {
        using var image = BcachefsImage.Open(ImageFolder.Image(name));
        var files = image.Files;
        var paths = FileManifest.ImagePaths(files);
        var file = paths.First(p => p.Value.Type == "reg").Key;
        var dir = paths.First(p => p.Value.Type == "dir").Key;
        var link = paths.First(p => p.Value.Type == "lnk").Key;
        Assert.Throws<FileNotFoundException>(() => files.Stat("/no such name here"));
        Assert.Throws<FileNotFoundException>(() => files.Stat($"/{file}/below-a-file"));
        Assert.Throws<FileNotFoundException>(() => files.List($"/{dir}/no-such-child"));
        Assert.Throws<IOException>(() => files.List("/" + file));
        Assert.Throws<IOException>(() => files.OpenRead("/" + dir));
        Assert.Throws<IOException>(() => files.OpenRead("/" + link));
        Assert.Throws<IOException>(() => files.ReadLink("/" + file));
        Assert.Throws<ArgumentException>(() => files.Stat($"/{dir}/../{dir}"));
        Assert.Equal(files.Stat("/" + file).Inode, files.Stat($"//./{file}/").Inode);
    }

    [Theory]
    [MemberData(nameof(Images))]
    public void Reads_at_random_offsets_agree_with_the_whole_file(string name)
    {
        using var image = BcachefsImage.Open(ImageFolder.Image(name));
        var files = image.Files;
        var paths = FileManifest.ImagePaths(files);
        // The largest files: many extents, holes in the sparse one.
        var largest = paths.Where(p => p.Value.Type == "reg").Select(p => (Path: "/" + p.Key, files.Stat("/" + p.Key).Size))
            .OrderByDescending(p => p.Size).Take(3).ToList();
        var random = new Random(42);
        foreach (var (path, size) in largest)
        {
            using var stream = files.OpenRead(path);
            var whole = new byte[size];
            stream.ReadExactly(whole);
            Assert.Equal(0, stream.Read(new byte[10]));
            for (var i = 0; i < 300; i++)
            {
                var offset = random.NextInt64(0, (long)size + 5000);
                var buffer = new byte[random.Next(1, 200_000)];
                switch (i % 3)
                {
                    case 0: stream.Position = offset; break;
                    case 1: stream.Seek(offset - (long)size, SeekOrigin.End); break;
                    default: stream.Seek(offset - stream.Position, SeekOrigin.Current); break;
                }
                Assert.Equal(offset, stream.Position);
                var expected = (int)Math.Max(0, Math.Min(buffer.Length, (long)size - offset));
                stream.ReadAtLeast(buffer, expected, throwOnEndOfStream: false);
                Assert.Equal(offset + expected, stream.Position);
                Assert.True(buffer.AsSpan(0, expected).SequenceEqual(whole.AsSpan((int)Math.Min(offset, (long)size), expected)), $"{path} at {offset}");
            }
            Assert.Throws<IOException>(() => stream.Seek(-1, SeekOrigin.Begin));
            Assert.Throws<NotSupportedException>(() => stream.Write([1], 0, 1));
        }
    }

    [Theory]
    [MemberData(nameof(Images))]
    public void Every_dirent_and_xattr_sits_where_its_hash_says(string name)
    {
        using var image = BcachefsImage.Open(ImageFolder.Image(name));
        var files = image.Files;
        var inodes = new Dictionary<(ulong, uint), ResolvedInode>();
        ResolvedInode Inode(ulong inum, uint snapshot) =>
            inodes.TryGetValue((inum, snapshot), out var known) ? known : inodes[(inum, snapshot)] = files.ReadInode(inum, snapshot, $"inode {inum}");
        var dirents = 0;
        foreach (var key in image.Btree("dirents").Keys())
        {
            if (key.Type != 10) continue;
            var dirent = BcachefsDirent.Read(key.Value.Span);
            Assert.Equal(key.Position.Offset, files.DirentHash(Inode(key.Position.Inode, key.Position.Snapshot), dirent.Name));
            dirents++;
        }
        var xattrs = 0;
        foreach (var key in image.Btree("xattrs").Keys())
        {
            if (key.Type != 11) continue;
            var xattr = BcachefsXattr.Read(key.Value.Span);
            var owner = Inode(key.Position.Inode, key.Position.Snapshot).Inode;
            Assert.Equal(key.Position.Offset, BcachefsStrHash.Xattr(owner.StrHashType, owner.HashSeed, xattr.Type, xattr.Name));
            xattrs++;
        }
        Assert.Equal(ImageFolder.TruthLines(name, "list.dirents.txt").Length, dirents);
        Assert.Equal(ImageFolder.TruthLines(name, "list.xattrs.txt").Length, xattrs);
    }

    [Theory]
    [MemberData(nameof(Images))]
    public void Every_data_checksum_of_an_undamaged_image_holds(string name)
    {
        using var image = BcachefsImage.Open(ImageFolder.Image(name));
        var problems = image.Files.CheckData().ToList();
        Assert.Empty(problems);
        Assert.True(image.Files.CheckedPointers > 0);
        var extents = ImageFolder.TruthLines(name, "list.extents.txt").Length;
        Assert.True(image.Files.CheckedPointers >= extents, $"{image.Files.CheckedPointers} pointers checked, {extents} extents listed");
    }
}
