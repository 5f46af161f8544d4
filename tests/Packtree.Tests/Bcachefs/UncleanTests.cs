using System.Buffers.Binary;
using Packtree.Bcachefs;
using Packtree.Keys;
using Packtree.Nodes;

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
        var keys = new List<byte>();
        keys.AddRange(Key(hidden.Position, type: 0, ReadOnlySpan<byte>.Empty));
        keys.AddRange(Key(replaced.Position, dirents[11].Type, dirents[11].Value.Span));
        keys.AddRange(Key(added, source.Type, source.Value.Span));
        var entry = new byte[8 + keys.Count];
        BinaryPrimitives.WriteUInt16LittleEndian(entry, (ushort)(keys.Count / 8));
        entry[2] = 2; // dirents
        keys.CopyTo(entry, 8);
        var size = Jset.HeaderBytes + newest.Entries.Length;
        Assert.True((size + blockBytes - 1) / blockBytes * blockBytes - size >= entry.Length, "no room in the newest jset's blocks");
        var jset = copy.Read(newest.ByteOffset, size + entry.Length);
        entry.CopyTo(jset, size);
        BinaryPrimitives.WriteUInt32LittleEndian(jset.AsSpan(40), (uint)((size + entry.Length - Jset.HeaderBytes) / 8));
        Checksums.Compute((ChecksumType)(jset[36] & 0xF), jset.AsSpan(16)).Write(jset);
        copy.Write(newest.ByteOffset, jset);

        using (var stillClean = BcachefsImage.Open(copy.Path))
            Assert.Equal(Text(dirents), Text(stillClean.Btree("dirents").Keys())); // a clean image does not replay

        using (var sound = BcachefsImage.Open(copy.Path))
            foreach (var sector in sound.Superblock.Copies)
                copy.ResignSuperblock(sector, b => b[144] &= unchecked((byte)~2)); // clear BCH_SB_CLEAN

        using var unclean = BcachefsImage.Open(copy.Path);
        Assert.False(unclean.Superblock.Clean);
        Assert.False(unclean.RootsFromClean);
        var expected = dirents.Where(k => k != hidden).Select(k => k == replaced ? Keyed(replaced.Position, dirents[11]) : k)
            .Append(Keyed(added, source)).OrderBy(k => k.Position).ToList();
        var btree = unclean.Btree("dirents");
        Assert.Equal(Text(expected), Text(btree.Keys()));
        Assert.Equal(Text(expected.Where(k => k.Position >= replaced.Position)), Text(btree.Keys(replaced.Position)));
        Assert.Equal(Text(expected.Where(k => k.Position >= hidden.Position)), Text(btree.Keys(hidden.Position)));
        Assert.Equal(Text(expected.Where(k => k.Position >= added)), Text(btree.Keys(added)));
        // The other btrees read as before.
        Assert.Equal(ImageFolder.TruthLines(name, "list.inodes.txt").Length, unclean.Btree("inodes").Keys().Count());
    }

    private static BcachefsKey Keyed(Bpos position, BcachefsKey like) => new(position, like.Size, like.VersionHi, like.VersionLo, like.Type, like.Value);

    private static byte[] Key(Bpos position, byte type, ReadOnlySpan<byte> value)
    {
        var bytes = new byte[Bkey.ByteCount + value.Length];
        new Bkey(position, type, value.Length / 8).Write(bytes);
        value.CopyTo(bytes.AsSpan(Bkey.ByteCount));
        return bytes;
    }

    private static List<string> Text(IEnumerable<BcachefsKey> keys) => [.. keys.Select(k => k + " " + Convert.ToHexString(k.Value.Span))];
}
