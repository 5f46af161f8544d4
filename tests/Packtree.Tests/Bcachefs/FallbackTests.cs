using System.Buffers.Binary;
using Packtree.Bcachefs;

namespace Packtree.Tests.Bcachefs;

/// <summary>Superblock copies: a damaged primary falls back to a backup; nothing valid, or nothing readable, is refused clearly.</summary>
public class FallbackTests
{
    public static TheoryData<string> Images => ImageFolder.All;

    [Theory]
    [MemberData(nameof(Images))]
    public void A_damaged_primary_opens_from_a_backup_and_is_reported(string name)
    {
        using var copy = new ImageCopy(name);
        using (var sound = BcachefsImage.Open(copy.Path)) Assert.Equal(8UL, sound.Superblock.Sector);
        var old = copy.Read(4096 + 300, 1);
        copy.Write(4096 + 300, [(byte)(old[0] ^ 0x40)]);
        using var image = BcachefsImage.Open(copy.Path);
        Assert.NotEqual(8UL, image.Superblock.Sector);
        Assert.Contains(image.Superblock.Sector, image.Superblock.Copies);
        var problem = Assert.Single(image.CheckMetadata());
        Assert.Equal("superblock", problem.Part);
        Assert.Equal(4096, problem.ByteOffset);
        Assert.Contains("checksum", problem.Rule, StringComparison.Ordinal);
        Assert.Equal(KeyCount(name), image.Btrees.Sum(b => b.Keys().Count()));
    }

    [Theory]
    [MemberData(nameof(Images))]
    public void A_damaged_layout_and_primary_open_from_the_default_places(string name)
    {
        using var copy = new ImageCopy(name);
        copy.Write(3584, new byte[16]); // the layout's magic
        copy.Write(4096 + 24, new byte[16]); // the primary's magic
        using var image = BcachefsImage.Open(copy.Path);
        Assert.NotEqual(8UL, image.Superblock.Sector);
        var problems = image.CheckMetadata().ToList();
        Assert.Contains(problems, p => p.Part == "layout" && p.ByteOffset == 3584);
        Assert.Contains(problems, p => p.Part == "superblock" && p.ByteOffset == 4096 + 24);
        Assert.Equal(KeyCount(name), image.Btrees.Sum(b => b.Keys().Count()));
    }

    [Theory]
    [MemberData(nameof(Images))]
    public void With_every_copy_damaged_the_error_names_each_offset(string name)
    {
        using var copy = new ImageCopy(name);
        ulong[] sectors;
        using (var sound = BcachefsImage.Open(copy.Path)) sectors = [.. sound.Superblock.Copies];
        Assert.True(sectors.Length >= 2);
        foreach (var sector in sectors) copy.Write((long)sector * 512 + 500, [0xEE, 0xEE]);
        var error = Assert.Throws<CorruptImageException>(() => BcachefsImage.Open(copy.Path));
        Assert.Equal("superblock", error.Part);
        foreach (var sector in sectors) Assert.Contains($"sector {sector} (byte {sector * 512})", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Images))]
    public void The_newest_valid_copy_wins(string name)
    {
        using var copy = new ImageCopy(name);
        ulong[] sectors;
        using (var sound = BcachefsImage.Open(copy.Path)) sectors = [.. sound.Superblock.Copies];
        var last = sectors[^1];
        copy.ResignSuperblock(last, b => BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan(112), BinaryPrimitives.ReadUInt64LittleEndian(b.AsSpan(112)) + 1));
        using var image = BcachefsImage.Open(copy.Path);
        Assert.Equal(last, image.Superblock.Sector);
    }

    [Theory]
    [MemberData(nameof(Images))]
    public void Encrypted_big_endian_and_unknown_versions_are_refused_clearly(string name)
    {
        using var copy = new ImageCopy(name);
        void Newest(Action<byte[]> change) => copy.ResignSuperblock(8, b =>
        {
            change(b);
            BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan(112), BinaryPrimitives.ReadUInt64LittleEndian(b.AsSpan(112)) + 100);
        });
        var original = copy.Read(4096, 8192);

        Newest(b => b[144 + 8 + 1] |= 1 << 2); // flags[1] bit 10: ENCRYPTION_TYPE 1
        var encrypted = Assert.Throws<NotSupportedException>(() => BcachefsImage.Open(copy.Path));
        Assert.Contains("encrypted bcachefs filesystems are not supported", encrypted.Message, StringComparison.Ordinal);

        copy.Write(4096, original);
        Newest(b => b[144 + 7] |= 1 << 6); // flags[0] bit 62: big-endian
        Assert.Contains("big-endian", Assert.Throws<NotSupportedException>(() => BcachefsImage.Open(copy.Path)).Message, StringComparison.Ordinal);

        copy.Write(4096, original);
        Newest(b => BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(16), (1 << 10) | 200));
        Assert.Contains("version 1.200", Assert.Throws<NotSupportedException>(() => BcachefsImage.Open(copy.Path)).Message, StringComparison.Ordinal);

        copy.Write(4096, original);
        using var image = BcachefsImage.Open(copy.Path);
        Assert.Empty(image.CheckMetadata());
    }

    private static int KeyCount(string name) => ImageFolder.KeyCounts(name).Values.Sum();
}
