using System.Text;
using Packtree.Nodes;

namespace Packtree.Tests.Nodes;

/// <summary>The checksum check values of docs/DESIGN.md §3.5, computed with bcachefs-tools' implementations.</summary>
public sealed class ChecksumTests
{
    [Theory]
    [InlineData(ChecksumType.Crc32cNonzero, 0xE3069283UL)]
    [InlineData(ChecksumType.Crc32c, 0x58E3FA20UL)]
    [InlineData(ChecksumType.Crc64Nonzero, 0x62EC59E3F1A4F00AUL)]
    [InlineData(ChecksumType.Crc64, 0x6C40DF5F0B497347UL)]
    [InlineData(ChecksumType.XxHash, 0x8CB841DB40E6AE83UL)]
    [InlineData(ChecksumType.None, 0UL)]
    internal void ChecksumsOf123456789(ChecksumType type, ulong expected) =>
        Assert.Equal(new Checksum(expected, 0), Checksums.Compute(type, Encoding.ASCII.GetBytes("123456789")));

    [Fact]
    public void ChecksumsOf32ZeroBytes()
    {
        Assert.Equal(0UL, Checksums.Compute(ChecksumType.Crc32c, new byte[32]).Lo);
        Assert.Equal(0x8A9136AAUL, Checksums.Compute(ChecksumType.Crc32cNonzero, new byte[32]).Lo);
    }

    [Theory]
    [InlineData(ChecksumType.ChaCha20Poly1305Short)]
    [InlineData(ChecksumType.ChaCha20Poly1305)]
    [InlineData((ChecksumType)8)]
    internal void UnsupportedTypesAreRefusedByName(ChecksumType type)
    {
        Assert.False(Checksums.IsSupported(type));
        var error = Assert.Throws<NotSupportedException>(() => Checksums.Compute(type, new byte[8]));
        Assert.Contains($"type {(int)type}", error.Message, StringComparison.Ordinal);
    }
}
