using System.Text;
using Packtree.Bcachefs;

namespace Packtree.Tests.Bcachefs;

/// <summary>Copies of the images with bytes changed: each change is found and reported where it is, and no wrong byte is returned.</summary>
public class BcachefsDamageTests
{
    public static TheoryData<string> Images => ImageFolder.All;

    [Theory]
    [MemberData(nameof(Images))]
    public void A_damaged_data_extent_fails_its_checksum_and_nothing_else(string name)
    {
        using var copy = new ImageCopy(name);
        string path;
        BcachefsFileData.Extent victim;
        byte[] original;
        using (var image = BcachefsImage.Open(ImageFolder.Image(name)))
        {
            // The regular file with the most extents; its second extent gets the damage.
            (path, var data) = FileManifest.ImagePaths(image.Files).Where(p => p.Value.Type == "reg")
                .Select(p => ("/" + p.Key, image.Files.FileData(image.Files.Resolve("/" + p.Key))))
                .OrderByDescending(p => p.Item2.Extents.Count).First();
            Assert.True(data.Extents.Count >= 2, $"{path} has {data.Extents.Count} extents");
            victim = data.Extents[1];
            Assert.NotNull(victim.Layout?.Checksum);
            Assert.NotEqual(0, victim.Layout!.Checksum!.ChecksumType);
            using var stream = image.Files.OpenRead(path);
            original = new byte[stream.Length];
            stream.ReadExactly(original);
        }
        var damagedAt = victim.Layout.StoredOffset + 100;
        copy.Flip(damagedAt);

        using var damaged = BcachefsImage.Open(copy.Path);
        var files = damaged.Files;
        using (var stream = files.OpenRead(path))
        {
            var got = new MemoryStream();
            var buffer = new byte[7000];
            var e = Assert.Throws<CorruptImageException>(() =>
            {
                int n;
                while ((n = stream.Read(buffer)) > 0) got.Write(buffer, 0, n);
            });
            Assert.Equal("data", e.Part);
            Assert.Equal(victim.Layout.StoredOffset, e.ByteOffset);
            Assert.Contains(path, e.Rule);
            Assert.Contains("expected", e.Rule);
            // Everything before the bad extent came back, right; nothing of it did.
            Assert.Equal(victim.Start, got.Length);
            Assert.True(got.ToArray().AsSpan().SequenceEqual(original.AsSpan(0, (int)victim.Start)));
            Assert.Equal(victim.Start, stream.Position);
            // Past the bad extent the file reads again.
            stream.Position = victim.End;
            var rest = new byte[original.Length - victim.End];
            stream.ReadExactly(rest);
            Assert.True(rest.AsSpan().SequenceEqual(original.AsSpan((int)victim.End)));
        }
        var problem = Assert.Single(files.CheckData());
        Assert.Equal("data", problem.Part);
        Assert.Equal(victim.Layout.StoredOffset, problem.ByteOffset);

        // Other files still read; extraction stops at the damaged file with the same error.
        var other = FileManifest.ImagePaths(files).First(p => p.Value.Type == "reg" && "/" + p.Key != path).Key;
        using (var stream = files.OpenRead("/" + other)) stream.CopyTo(Stream.Null);
        var extract = Assert.Throws<CorruptImageException>(() => files.Extract(Path.Combine(copy.Folder.Path, "out")));
        Assert.Equal(victim.Layout.StoredOffset, extract.ByteOffset);
    }

    [Theory]
    [MemberData(nameof(Images))]
    public void A_dirent_naming_a_missing_inode_is_reported_where_it_is(string name)
    {
        using var copy = new ImageCopy(name);
        using (var image = BcachefsImage.Open(ImageFolder.Image(name)))
            ImageSurgery.ChangeValue(image, copy, "dirents", 10, value => BitConverter.TryWriteBytes(value, 0x7FFF_FFFF_FFFF_FF00UL));
        using var damaged = BcachefsImage.Open(copy.Path);
        var failures = StatEverything(damaged);
        var failure = Assert.Single(failures).Error;
        var e = Assert.IsType<CorruptImageException>(failure);
        Assert.Equal("inodes", e.Part);
        Assert.Contains("9223372036854775552", e.Rule);
        Assert.Contains("no inode key", e.Rule);
        Assert.True(e.ByteOffset > 0);
    }

    [Theory]
    [MemberData(nameof(Images))]
    public void A_damaged_inode_value_is_reported_with_its_node(string name)
    {
        using var copy = new ImageCopy(name);
        long node;
        // FIELDS_START (bi_flags bits 31..35) = 0 puts the varint fields inside the fixed part.
        using (var image = BcachefsImage.Open(ImageFolder.Image(name)))
            node = ImageSurgery.ChangeValue(image, copy, "inodes", 29, value => { value[16 + 3] &= 0x7F; value[16 + 4] &= 0xF0; });
        using var damaged = BcachefsImage.Open(copy.Path);
        var failure = Assert.Single(StatEverything(damaged)).Error;
        var e = Assert.IsType<CorruptImageException>(failure);
        Assert.Equal("inodes", e.Part);
        Assert.Equal(node, e.ByteOffset);
        Assert.Contains("fields start", e.Rule);
    }

    [Theory]
    [MemberData(nameof(Images))]
    public void A_damaged_directory_node_is_an_error_naming_the_node(string name)
    {
        using var copy = new ImageCopy(name);
        long node;
        using (var image = BcachefsImage.Open(ImageFolder.Image(name)))
        {
            var leaf = image.Btree("dirents").Nodes().Last(n => n.Level == 0);
            node = leaf.ByteOffset;
            copy.Flip(node + leaf.Bsets[0].Keys[^1].ByteOffset + 12);
        }
        using var damaged = BcachefsImage.Open(copy.Path);
        var failures = StatEverything(damaged, listOnly: true);
        Assert.NotEmpty(failures);
        foreach (var (_, error) in failures)
            Assert.True(error is CorruptNodeException or CorruptImageException, error.ToString());
        Assert.Contains(node.ToString(System.Globalization.CultureInfo.InvariantCulture), failures[0].Error.Message);
    }

    [Theory]
    [MemberData(nameof(Images))]
    public void Entry_names_that_would_leave_the_destination_are_not_extracted(string name)
    {
        using var copy = new ImageCopy(name);
        var renamed = new List<string>();
        using (var image = BcachefsImage.Open(ImageFolder.Image(name)))
        {
            // Two regular files get names of the same length that climb out or reach into a subdirectory.
            var victims = image.Btree("dirents").Keys().Where(k => k.Type == 10)
                .Select(k => (Key: k, Dirent: BcachefsDirent.Read(k.Value.Span)))
                .Where(d => d.Dirent.Type == 8 && d.Dirent.Name.Length >= 10).Take(2).ToList();
            Assert.Equal(2, victims.Count);
            foreach (var (victim, prefix) in victims.Zip(new[] { "../../", "sub/" }))
            {
                var value = victim.Key.Value.ToArray();
                var hostile = (byte[])value.Clone();
                var newName = prefix + Encoding.ASCII.GetString(victim.Dirent.Name)[prefix.Length..];
                Encoding.ASCII.GetBytes(newName).CopyTo(hostile, 9);
                ImageSurgery.ReplaceValue(image, copy, "dirents", value, hostile);
                renamed.Add(newName);
            }
        }
        using var damaged = BcachefsImage.Open(copy.Path);
        var destination = Path.Combine(copy.Folder.Path, "a", "b", "out");
        var result = damaged.Files.Extract(destination);
        foreach (var hostile in renamed)
        {
            Assert.Contains(result.Notes, n => n.Contains(hostile, StringComparison.Ordinal));
            Assert.False(File.Exists(Path.GetFullPath(Path.Combine(destination, "x", hostile))));
        }
        // Nothing appeared beside the destination or above it.
        Assert.Equal([Path.Combine(copy.Folder.Path, "a"), Path.Combine(copy.Folder.Path, name + ".img")], Directory.GetFileSystemEntries(copy.Folder.Path).Order());
        Assert.Equal([Path.Combine(copy.Folder.Path, "a", "b", "out")], Directory.GetFileSystemEntries(Path.Combine(copy.Folder.Path, "a", "b")));
        Assert.Equal([Path.Combine(copy.Folder.Path, "a", "b")], Directory.GetFileSystemEntries(Path.Combine(copy.Folder.Path, "a")));
    }

    [Theory]
    [MemberData(nameof(Images))]
    public void A_directory_entry_leading_back_to_the_root_is_a_loop_not_a_hang(string name)
    {
        using var copy = new ImageCopy(name);
        ulong root;
        using (var image = BcachefsImage.Open(ImageFolder.Image(name)))
        {
            root = image.Files.RootInode;
            // A subdirectory's entry (not in the root) is pointed at the root directory.
            var victim = image.Btree("dirents").Keys().Where(k => k.Type == 10 && k.Position.Inode != root)
                .First(k => BcachefsDirent.Read(k.Value.Span).Type == 4);
            var value = victim.Value.ToArray();
            var hostile = (byte[])value.Clone();
            BitConverter.TryWriteBytes(hostile.AsSpan(0, 8), root);
            ImageSurgery.ReplaceValue(image, copy, "dirents", value, hostile);
        }
        using var damaged = BcachefsImage.Open(copy.Path);
        var e = Assert.Throws<CorruptImageException>(() => damaged.Files.Extract(Path.Combine(copy.Folder.Path, "out")));
        Assert.Equal("dirents", e.Part);
        Assert.Contains("loops", e.Rule);
        Assert.Contains(root.ToString(System.Globalization.CultureInfo.InvariantCulture), e.Rule);
    }

    /// <summary>Lists every directory reachable and stats every entry, collecting the errors by path instead of stopping.</summary>
    private static List<(string Path, Exception Error)> StatEverything(BcachefsImage image, bool listOnly = false)
    {
        var files = image.Files;
        var failures = new List<(string, Exception)>();
        var pending = new Stack<string>();
        pending.Push("/");
        while (pending.Count > 0)
        {
            var dir = pending.Pop();
            IReadOnlyList<BcachefsEntry> entries;
            try
            {
                entries = files.List(dir);
            }
            catch (Exception e) when (e is not (NullReferenceException or IndexOutOfRangeException or ArgumentOutOfRangeException))
            {
                failures.Add((dir, e));
                continue;
            }
            foreach (var entry in entries)
            {
                var path = dir == "/" ? "/" + entry.Name : dir + "/" + entry.Name;
                if (entry.Type == "dir") pending.Push(path);
                if (listOnly) continue;
                try
                {
                    files.Stat(path);
                }
                catch (Exception e) when (e is not (NullReferenceException or IndexOutOfRangeException or ArgumentOutOfRangeException))
                {
                    failures.Add((path, e));
                }
            }
        }
        return failures;
    }
}
