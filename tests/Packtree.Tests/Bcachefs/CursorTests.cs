using Packtree.Bcachefs;
using Packtree.Keys;

namespace Packtree.Tests.Bcachefs;

/// <summary>Cursors: they descend from the root, reuse cached nodes, and name what they cannot reach.</summary>
public class CursorTests
{
    public static TheoryData<string> Images => ImageFolder.All;

    [Theory]
    [MemberData(nameof(Images))]
    public void Repeated_cursors_read_each_node_once(string name)
    {
        using var image = BcachefsImage.Open(ImageFolder.Image(name));
        var btree = image.Btree("dirents");
        var keys = btree.Keys().ToList();
        var afterWalk = image.Cache.Reads;
        Assert.True(afterWalk > 0);
        // One cursor per directory, as extraction does: the nodes are already in the cache.
        var directories = keys.Select(k => k.Position.Inode).Distinct().Take(40).ToList();
        foreach (var inode in directories)
            Assert.Equal(inode, btree.Keys(new Bpos(inode, 0, 0)).First().Position.Inode);
        var leaves = image.Btree("dirents").Nodes().Count(n => n.Level == 0);
        Assert.True(image.Cache.Reads - afterWalk <= Math.Max(0, leaves - image.Cache.LeafCapacity), $"{image.Cache.Reads - afterWalk} nodes read again");
    }

    [Theory]
    [MemberData(nameof(Images))]
    public void A_cursor_from_a_position_reads_one_node_per_level(string name)
    {
        var path = ImageFolder.Image(name);
        List<BcachefsKey> keys;
        using (var walked = BcachefsImage.Open(path)) keys = [.. walked.Btrees.OrderByDescending(b => b.RootLevel).First().Keys()];
        using var image = BcachefsImage.Open(path);
        var btree = image.Btrees.OrderByDescending(b => b.RootLevel).First();
        Assert.True(btree.RootLevel > 0);
        var middle = keys[keys.Count / 2];
        Assert.Equal(middle.ToString(), btree.Keys(middle.Position).First().ToString());
        Assert.Equal(btree.RootLevel + 1, image.Cache.Reads);
    }

    [Theory]
    [MemberData(nameof(Images))]
    public void A_node_on_another_device_is_named_as_such(string name)
    {
        using var copy = new ImageCopy(name);
        long relative;
        ulong[] sectors;
        string btreeName;
        using (var image = BcachefsImage.Open(copy.Path))
        {
            var root = image.CleanRoots.Values.First(r => r.Pointer is not null);
            btreeName = BcachefsNames.Btree(root.BtreeId);
            relative = root.ByteOffset - (long)image.Superblock.Sector * 512;
            sectors = [.. image.Superblock.Copies];
        }
        // The root pointer's first extent pointer: key header (40), btree_ptr_v2's fixed part (40), then dev in bits 48..55.
        foreach (var sector in sectors) copy.ResignSuperblock(sector, b => b[relative + 80 + 6] = 1);
        using var moved = BcachefsImage.Open(copy.Path);
        var error = Assert.Throws<CorruptImageException>(() => moved.Btree(btreeName).Keys().Count());
        Assert.Contains("device(s) 1, not on this image's device 0", error.Message, StringComparison.Ordinal);
        Assert.Equal(moved.CleanRoots.Values.First(r => BcachefsNames.Btree(r.BtreeId) == btreeName).ByteOffset, error.ByteOffset);
        var problems = moved.CheckMetadata().ToList();
        Assert.Contains(problems, p => p.Part == "pointer" && p.Btree == btreeName);
        Assert.Contains(problems, p => p.Part == "roots" && p.Btree == btreeName);
    }

    [Theory]
    [MemberData(nameof(Images))]
    public void The_leaf_cache_keeps_the_most_recently_used_leaves(string name)
    {
        using var image = BcachefsImage.Open(ImageFolder.Image(name));
        var parent = image.Btrees.SelectMany(b => b.Nodes()).First(n => n.Level == 1 && n.Bsets.Sum(b => b.Keys.Count) >= 3);
        var btree = image.Btrees[parent.BtreeId];
        var cache = new NodeCache(image, leafCapacity: 2);
        var children = cache.Get(btree, parent.Pointer, 1).Children!;
        Assert.True(children.Length >= 3);
        int Reads(int child)
        {
            cache.Get(btree, children[child], 0);
            return cache.Reads;
        }
        Assert.Equal(2, Reads(0));
        Assert.Equal(3, Reads(1));
        Assert.Equal(3, Reads(0)); // a hit, and leaf 0 is now the most recent
        Assert.Equal(4, Reads(2)); // evicts leaf 1
        Assert.Equal(4, Reads(0));
        Assert.Equal(5, Reads(1));
        Assert.Same(cache.Get(btree, parent.Pointer, 1), cache.Get(btree, parent.Pointer, 1)); // interior nodes stay
        Assert.Equal(5, cache.Reads);
    }

    [Fact]
    public void Unknown_btree_names_list_the_known_ones()
    {
        using var image = BcachefsImage.Open(ImageFolder.Image(ImageFolder.Names[0]));
        var error = Assert.Throws<ArgumentException>(() => image.Btree("extent"));
        Assert.Contains("extents, inodes, dirents", error.Message, StringComparison.Ordinal);
        Assert.Same(image.Btrees[2], image.Btree("dirents"));
    }

}
