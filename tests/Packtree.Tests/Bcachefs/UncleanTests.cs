using System.Buffers.Binary;
using Packtree.Bcachefs;
using Packtree.Keys;

namespace Packtree.Tests.Bcachefs;

/// <summary>
/// An image that was not shut down cleanly takes its roots from the journal and overlays the journal's keys of the
/// replay window on the btrees: a journal key replaces the node key at its position, a deleted one hides it.
/// </summary>
public class UncleanTests
{
    public static TheoryData<string> Images => ImageFolder.All;

    [Theory]
    [MemberData(nameof(Images))]
    public void Journal_keys_are_overlaid_on_an_unclean_image(string name)
    {
        using var copy = new ImageCopy(name);
        List<BcachefsKey> dirents;
        Jset newest;
        int blockBytes;
        using (var image = BcachefsImage.Open(copy.Path))
        {
            dirents = [.. image.Btree("dirents").Keys()];
            newest = image.Journal.Jsets.Single(j => j.Seq == image.Journal.ReplayEnd);
            blockBytes = image.Superblock.BlockBytes;
            Assert.True(dirents.Count > 30);
        }
        var hidden = dirents[5];
        var replaced = dirents[10];
        var source = dirents[20];
        var added = new Bpos(source.Position.Inode, source.Position.Offset + 1, source.Position.Snapshot);
        Assert.DoesNotContain(dirents, k => k.Position == added);

        // One btree_keys entry for dirents, appended to the newest flush jset inside the room its blocks leave.
        var deletion = new BcachefsKey(hidden.Position, 0, 0, 0, 0, ReadOnlyMemory<byte>.Empty);
        byte[] keys = [.. new[] { deletion, Keyed(replaced.Position, dirents[11]), Keyed(added, source) }.SelectMany(RelaidImage.Unpacked)];
        AppendToNewestJset(copy, newest, blockBytes, btreeId: 2, level: 0, keys);

        using (var stillClean = BcachefsImage.Open(copy.Path))
            Assert.Equal(KeyTexts.Of(dirents), KeyTexts.Of(stillClean.Btree("dirents").Keys())); // a clean image does not replay

        MarkUnclean(copy);

        using var unclean = BcachefsImage.Open(copy.Path);
        Assert.False(unclean.Superblock.Clean);
        Assert.False(unclean.RootsFromClean);
        var expected = dirents.Where(k => k != hidden).Select(k => k == replaced ? Keyed(replaced.Position, dirents[11]) : k)
            .Append(Keyed(added, source)).OrderBy(k => k.Position).ToList();
        var btree = unclean.Btree("dirents");
        Assert.Equal(KeyTexts.Of(expected), KeyTexts.Of(btree.Keys()));
        Assert.Equal(KeyTexts.Of(expected.Where(k => k.Position >= replaced.Position)), KeyTexts.Of(btree.Keys(replaced.Position)));
        Assert.Equal(KeyTexts.Of(expected.Where(k => k.Position >= hidden.Position)), KeyTexts.Of(btree.Keys(hidden.Position)));
        Assert.Equal(KeyTexts.Of(expected.Where(k => k.Position >= added)), KeyTexts.Of(btree.Keys(added)));
        // The other btrees read as before.
        Assert.Equal(ImageFolder.TruthLines(name, "list.inodes.txt").Length, unclean.Btree("inodes").Keys().Count());
    }

    [Theory]
    [MemberData(nameof(Images))]
    public void Journal_pointers_replace_an_interior_nodes_own(string name)
    {
        using var copy = new ImageCopy(name);
        BcachefsNodeInfo leaf;
        BcachefsBtree btree;
        Jset newest;
        int blockBytes;
        List<string> before;
        using (var image = BcachefsImage.Open(copy.Path))
        {
            // A leaf whose log holds several writes, under an interior node.
            leaf = image.Btrees.Where(b => b.RootLevel > 0).SelectMany(b => b.Nodes()).First(n => n.Level == 0 && n.Bsets.Count > 1);
            btree = image.Btrees[leaf.BtreeId];
            before = KeyTexts.Of(btree.Keys());
            newest = image.Journal.Jsets.Single(j => j.Seq == image.Journal.ReplayEnd);
            blockBytes = image.Superblock.BlockBytes;
        }
        // The same pointer, saying only the first write belongs to the node, as a level-1 journal key.
        var p = leaf.Pointer;
        var value = new byte[BtreePointer.V2FixedBytes + 8 * p.Pointers.Count];
        BinaryPrimitives.WriteUInt64LittleEndian(value.AsSpan(8), p.Seq);
        BinaryPrimitives.WriteUInt16LittleEndian(value.AsSpan(16), (ushort)leaf.Bsets[0].Sectors);
        p.MinKey.Write(value.AsSpan(20));
        for (var i = 0; i < p.Pointers.Count; i++)
        {
            var e = p.Pointers[i];
            BinaryPrimitives.WriteUInt64LittleEndian(value.AsSpan(BtreePointer.V2FixedBytes + 8 * i), 1UL | (e.Offset << 4) | ((ulong)e.Device << 48) | ((ulong)e.Gen << 56));
        }
        AppendToNewestJset(copy, newest, blockBytes, leaf.BtreeId, level: 1, RelaidImage.Unpacked(new BcachefsKey(p.MaxKey, 0, 0, 0, BtreePointer.TypeV2, value)));
        MarkUnclean(copy);

        using var unclean = BcachefsImage.Open(copy.Path);
        var shortened = unclean.Btrees[leaf.BtreeId].Nodes().Single(n => n.ByteOffset == leaf.ByteOffset);
        Assert.Equal(leaf.Bsets[0].Sectors, shortened.WrittenSectors);
        Assert.Single(shortened.Bsets);
        var after = KeyTexts.Of(unclean.Btrees[leaf.BtreeId].Keys());
        Assert.NotEqual(before, after);
        Assert.DoesNotContain(unclean.CheckMetadata(), problem => problem.Part == "node");
    }

    /// <summary>Appends one btree_keys entry to the newest flush jset, inside the room its blocks leave, and signs it again.</summary>
    private static void AppendToNewestJset(ImageCopy copy, Jset newest, int blockBytes, int btreeId, int level, byte[] keys)
    {
        var entry = RelaidImage.JournalEntry(0, btreeId, level, keys);
        var size = Jset.HeaderBytes + newest.Entries.Length;
        Assert.True((size + blockBytes - 1) / blockBytes * blockBytes - size >= entry.Length, "no room in the newest jset's blocks");
        var jset = copy.Read(newest.ByteOffset, size + entry.Length);
        entry.CopyTo(jset, size);
        BinaryPrimitives.WriteUInt32LittleEndian(jset.AsSpan(40), (uint)((size + entry.Length - Jset.HeaderBytes) / 8));
        Reseal.Jset(jset);
        copy.Write(newest.ByteOffset, jset);
    }

    /// <summary>Clears BCH_SB_CLEAN in every superblock copy.</summary>
    private static void MarkUnclean(ImageCopy copy)
    {
        using var sound = BcachefsImage.Open(copy.Path);
        foreach (var sector in sound.Superblock.Copies)
            copy.ResignSuperblock(sector, b => b[144] &= unchecked((byte)~2));
    }

    private static BcachefsKey Keyed(Bpos position, BcachefsKey like) => new(position, like.Size, like.VersionHi, like.VersionLo, like.Type, like.Value);
}
