using Packtree.Bcachefs;

namespace Packtree.Tests.Bcachefs;

/// <summary>
/// The image reader and the list text together: for every image and every btree, the keys read from the
/// image, formatted with the image as context, equal <c>bcachefs list</c>'s lines, line for line.
/// </summary>
public sealed class BcachefsListTextTests
{
    [Theory]
    [MemberData(nameof(ImageFolder.All), MemberType = typeof(ImageFolder))]
    public void Every_btree_lists_as_bcachefs_list_printed_it(string image)
    {
        using var opened = BcachefsImage.Open(ImageFolder.Image(image));
        var total = 0;
        var mismatches = new List<string>();
        foreach (var btree in opened.Btrees)
        {
            var lines = ImageFolder.HasTruth(image, $"list.{btree.Name}.txt") ? ImageFolder.TruthLines(image, $"list.{btree.Name}.txt") : [];
            var listed = btree.Keys().Select(k => opened.ListText(k).Replace("\n", "\\n", StringComparison.Ordinal)).ToList();
            Assert.True(lines.Length == listed.Count, $"{image} {btree.Name}: bcachefs listed {lines.Length} keys, the reader {listed.Count}");
            for (var i = 0; i < lines.Length; i++)
                if (lines[i] != listed[i])
                    mismatches.Add($"{btree.Name} key {i}:\n  want {lines[i]}\n  got  {listed[i]}");
            total += lines.Length;
        }
        Assert.True(mismatches.Count == 0, $"{image}: {mismatches.Count} of {total} lines differ; first ones:\n{string.Join("\n", mismatches.Take(8))}");
        Assert.True(total > 0, $"{image}: the listing holds no key");
    }

    [Theory]
    [MemberData(nameof(ImageFolder.All), MemberType = typeof(ImageFolder))]
    public void The_image_context_names_its_members_and_knows_its_buckets(string image)
    {
        using var opened = BcachefsImage.Open(ImageFolder.Image(image));
        IBcachefsTextContext context = opened;
        var member = opened.Superblock.Members[opened.Superblock.DeviceIndex];
        Assert.Equal(member.Name, context.DeviceName(member.Index));
        Assert.Equal((uint)member.BucketSectors, context.BucketSectors(member.Index));
        Assert.Null(context.DeviceName(200));
        Assert.Equal(opened.Superblock.ExtentBpShift, context.ExtentBpShift);
        // Every alloc_v4 key's gen is what the context reports for its bucket.
        foreach (var key in opened.Btree("alloc").Keys().Where(k => k.Type == 27))
            Assert.Equal(key.Value.Span[BcachefsAllocV4.GenOffset], context.BucketGen((int)key.Position.Inode, key.Position.Offset));
    }

    [Theory]
    [MemberData(nameof(ImageFolder.All), MemberType = typeof(ImageFolder))]
    public void A_malformed_value_is_refused_naming_the_key_the_field_and_the_value_byte(string image)
    {
        using var opened = BcachefsImage.Open(ImageFolder.Image(image));
        var inode = opened.Btree("inodes").Keys().First();
        var cut = new BcachefsKey(inode.Position, 0, 0, 0, inode.Type, inode.Value[..40]);
        var e = Assert.Throws<InvalidDataException>(() => opened.ListText(cut));
        Assert.StartsWith($"key {cut}: inode_v3 value: inode_v3 fixed part at value byte 0 needs 48 bytes", e.Message, StringComparison.Ordinal);
        var extent = opened.Btree("extents").Keys().First();
        var bad = extent.Value.ToArray();
        bad[^8] = 0; bad[^7] = 2; // the last entry's lowest set bit becomes 9: no such entry type at 1.36
        Array.Clear(bad, bad.Length - 6, 6);
        var damaged = new BcachefsKey(extent.Position, extent.Size, 0, 0, extent.Type, bad);
        e = Assert.Throws<InvalidDataException>(() => opened.ListText(damaged));
        Assert.Contains($"extent entry at value byte {bad.Length - 8}: unknown entry type 9", e.Message, StringComparison.Ordinal);
    }
}
