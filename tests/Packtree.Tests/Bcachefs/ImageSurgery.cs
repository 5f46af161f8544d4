using Packtree.Bcachefs;
using Packtree.Keys;
using Packtree.Nodes;

namespace Packtree.Tests.Bcachefs;

/// <summary>
/// Changes to copies of images: key values rewritten with the bset checksum sealed again,
/// so that only the value is wrong (or differently right).
/// </summary>
internal static class ImageSurgery
{
    /// <summary>
    /// Changes the value of the last key of type <paramref name="type"/> in the newest write of the btree's last
    /// leaf that has one. Returns the node's offset.
    /// </summary>
    public static long ChangeValue(BcachefsImage image, ImageCopy copy, string btree, byte type, Action<byte[]> change)
    {
        var leaf = image.Btree(btree).Nodes().Last(n => n.Level == 0 && n.Bsets[^1].Keys.Any(k => k.Type == type));
        var bset = leaf.Bsets[^1];
        var key = bset.Keys.Last(k => k.Type == type);
        var valueAt = key.ByteOffset + (key.Packed ? leaf.Format.KeyBytes : Bkey.ByteCount);
        return Rewrite(image, copy, leaf, bset, valueAt, key.U64s * 8 - (valueAt - key.ByteOffset), change);
    }

    /// <summary>Replaces the value bytes <paramref name="value"/> of a key in the btree's leaves (the newest copy) with <paramref name="replacement"/>.</summary>
    public static long ReplaceValue(BcachefsImage image, ImageCopy copy, string btree, ReadOnlySpan<byte> value, byte[] replacement)
    {
        Assert.Equal(value.Length, replacement.Length);
        var node = new byte[image.Superblock.NodeBytes];
        foreach (var leaf in image.Btree(btree).Nodes().Where(n => n.Level == 0).Reverse())
        {
            image.Read(leaf.ByteOffset, node);
            for (var b = leaf.Bsets.Count - 1; b >= 0; b--)
            {
                var bset = leaf.Bsets[b];
                foreach (var key in bset.Keys)
                {
                    var at = node.AsSpan(key.ByteOffset, key.U64s * 8).LastIndexOf(value);
                    if (at < 0) continue;
                    return Rewrite(image, copy, leaf, bset, key.ByteOffset + at, value.Length, v => replacement.CopyTo(v, 0));
                }
            }
        }
        Assert.Fail($"No key of {btree} has the value asked for.");
        return -1;
    }

    private static long Rewrite(BcachefsImage image, ImageCopy copy, BcachefsNodeInfo leaf, BcachefsBsetInfo bset, int valueAt, int valueLength, Action<byte[]> change)
    {
        var node = copy.Read(leaf.ByteOffset, image.Superblock.NodeBytes);
        var value = node.AsSpan(valueAt, valueLength).ToArray();
        change(value);
        value.CopyTo(node.AsSpan(valueAt));
        var headerBytes = bset.ByteOffset == 0 ? NodeHeader.ByteCount : NodeCodec.EntryHeaderBytes;
        Reseal.Bset(node.AsSpan(bset.ByteOffset, headerBytes + bset.Header.U64s * 8), bset.ByteOffset == 0, bset.Header.ChecksumType);
        copy.Write(leaf.ByteOffset, node);
        return leaf.ByteOffset;
    }
}
