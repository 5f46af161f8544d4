using Packtree.Bcachefs;
using Packtree.Keys;
using Packtree.Nodes;

namespace Packtree.Tests.Bcachefs;

/// <summary>
/// The reader on geometries the images at hand do not have: each image laid out again (<see cref="RelaidImage"/>)
/// with 512-byte blocks, small and large nodes, crc64 and xxhash metadata, roots from the journal and journal keys
/// over the nodes, must give back the source's keys exactly.
/// </summary>
public sealed class RelaidImageTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("packtree-relaid-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    public static TheoryData<string, int, int, string> Layouts
    {
        get
        {
            var data = new TheoryData<string, int, int, string>();
            foreach (var image in ImageFolder.Names)
            {
                data.Add(image, 512, 4096, nameof(ChecksumType.XxHash));
                data.Add(image, 512, 128 * 1024, nameof(ChecksumType.Crc64Nonzero));
                data.Add(image, 1024, 8192, nameof(ChecksumType.Crc32cNonzero));
            }
            return data;
        }
    }

    [Theory]
    [MemberData(nameof(Layouts))]
    public void ARelaidImageListsTheSameKeys(string name, int blockBytes, int nodeBytes, string checksum)
    {
        var source = ImageFolder.Image(name);
        var copy = Path.Combine(_folder, "relaid.img");
        var levels = RelaidImage.Write(source, copy, new RelaidImage.Layout(blockBytes, nodeBytes, Enum.Parse<ChecksumType>(checksum)));

        using var original = BcachefsImage.Open(source);
        using var relaid = BcachefsImage.Open(copy);
        Assert.Equal(blockBytes, relaid.Superblock.BlockBytes);
        Assert.Equal(nodeBytes, relaid.Superblock.NodeBytes);
        foreach (var btree in original.Btrees)
        {
            var other = relaid.Btrees[btree.Id];
            Assert.Equal(btree.IsEmpty, other.IsEmpty);
            if (levels.TryGetValue(btree.Id, out var level)) Assert.Equal(level, other.RootLevel);
            Assert.Equal(KeyTexts.Of(btree.Keys()), KeyTexts.Of(other.Keys()));
        }
        if (nodeBytes == 4096) Assert.True(levels.Values.Max() >= 2, $"4 KiB nodes should make a tree of three levels or more; the deepest root is at level {levels.Values.Max()}.");
        Assert.Empty(relaid.CheckMetadata());
    }

    /// <summary>
    /// An unclean image takes its roots from the journal, and the journal's keys overlay the nodes: a deletion hides
    /// a key, a new key appears, a changed value wins, seeks see the same; the btrees without journal keys read as the source's.
    /// </summary>
    [Theory]
    [MemberData(nameof(ImageFolder.All), MemberType = typeof(ImageFolder))]
    public void AnUncleanImageTakesItsRootsFromTheJournalAndItsKeysOverlayTheNodes(string name)
    {
        var source = ImageFolder.Image(name);
        using var original = BcachefsImage.Open(source);
        var dirents = original.Btree("dirents");
        var keys = dirents.Keys().ToList();
        var deleted = keys[keys.Count / 3];
        var changed = keys[keys.Count / 2];
        var last = keys[^1];
        var added = new BcachefsKey(new Bpos(last.Position.Inode, last.Position.Offset + 1, last.Position.Snapshot), 0, 0, 0, last.Type, last.Value);
        var newValue = changed.Value.ToArray();
        newValue[^1] ^= 0x5A;
        var journal = new List<(int, BcachefsKey)>
        {
            (dirents.Id, new BcachefsKey(deleted.Position, 0, 0, 0, 0, ReadOnlyMemory<byte>.Empty)),
            (dirents.Id, new BcachefsKey(changed.Position, changed.Size, changed.VersionHi, changed.VersionLo, changed.Type, newValue)),
            (dirents.Id, added),
        };
        var copy = Path.Combine(_folder, "overlay.img");
        RelaidImage.Write(source, copy, new RelaidImage.Layout(512, 4096, ChecksumType.Crc32cNonzero, Clean: false, JournalKeys: journal));

        var expected = keys.Where(k => k.Position != deleted.Position).Select(k => k.Position == changed.Position ? journal[1].Item2 : k).Append(added).ToList();
        using var relaid = BcachefsImage.Open(copy);
        Assert.False(relaid.Superblock.Clean);
        Assert.False(relaid.RootsFromClean);
        foreach (var other in original.Btrees.Where(b => b.Id != dirents.Id)) Assert.Equal(KeyTexts.Of(other.Keys()), KeyTexts.Of(relaid.Btrees[other.Id].Keys()));
        var btree = relaid.Btree("dirents");
        Assert.Equal(KeyTexts.Of(expected), KeyTexts.Of(btree.Keys()));
        Assert.Equal(KeyTexts.Of(expected.Where(k => k.Position >= deleted.Position)), KeyTexts.Of(btree.Keys(deleted.Position)));
        Assert.Equal(KeyTexts.Of(expected.Where(k => k.Position >= changed.Position)), KeyTexts.Of(btree.Keys(changed.Position)));
    }
}
