using System.Buffers.Binary;
using Packtree.Bcachefs;
using Packtree.Nodes;

namespace Packtree.Tests.Bcachefs;

/// <summary>
/// The same filesystem with its metadata signed by another checksum type (every bset, every jset, every superblock
/// copy and the metadata checksum option rewritten) reads to the same keys.
/// </summary>
public class ChecksumVariationTests
{
    public static TheoryData<string, int> Cases
    {
        get
        {
            var cases = new TheoryData<string, int>();
            foreach (var name in ImageFolder.Names)
                foreach (var type in new[] { ChecksumType.Crc64Nonzero, ChecksumType.XxHash, ChecksumType.None })
                    cases.Add(name, (int)type);
            return cases;
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Metadata_signed_with_another_checksum_reads_the_same(string name, int typeNumber)
    {
        var type = (ChecksumType)typeNumber;
        using var copy = new ImageCopy(name);
        List<string> expected;
        using (var image = BcachefsImage.Open(copy.Path))
            expected = KeyTexts.Of(image);
        ResignAll(copy, type);
        using var resigned = BcachefsImage.Open(copy.Path);
        Assert.Equal((int)type, resigned.Superblock.MetadataChecksumType);
        Assert.Equal((int)type, resigned.Superblock.SuperblockChecksumType);
        Assert.Empty(resigned.CheckMetadata());
        Assert.All(resigned.Btrees.SelectMany(b => b.Nodes()).SelectMany(n => n.Bsets), b => Assert.Equal(type, b.Header.ChecksumType));
        Assert.All(resigned.Journal.Jsets, j => Assert.Equal((uint)type, j.Flags & 0xF));
        Assert.Equal(expected, KeyTexts.Of(resigned));
    }

    /// <summary>Signs every reachable bset, every jset and every superblock copy of the copy with <paramref name="type"/>, and sets the metadata checksum option to match.</summary>
    internal static void ResignAll(ImageCopy copy, ChecksumType type)
    {
        var option = RelaidImage.ChecksumOption(type);
        using var image = BcachefsImage.Open(copy.Path);
        foreach (var node in image.Btrees.SelectMany(b => b.Nodes()))
            foreach (var bset in node.Bsets)
                copy.ResealBset(node, bset, type);
        foreach (var jset in image.Journal.Jsets)
        {
            var bytes = copy.Read(jset.ByteOffset, Jset.HeaderBytes + jset.Entries.Length);
            bytes[36] = (byte)((bytes[36] & 0xF0) | (int)type);
            Reseal.Jset(bytes);
            copy.Write(jset.ByteOffset, bytes);
        }
        foreach (var sector in image.Superblock.Copies)
            copy.ResignSuperblock(sector, b =>
            {
                var flags = BinaryPrimitives.ReadUInt64LittleEndian(b.AsSpan(144));
                flags = (flags & ~(0xFUL << 40) & ~(0x3FUL << 2)) | ((ulong)option << 40) | ((ulong)type << 2);
                BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan(144), flags);
            });
    }
}
