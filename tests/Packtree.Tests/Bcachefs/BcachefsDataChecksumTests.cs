using System.IO.Hashing;
using Packtree.Bcachefs;

namespace Packtree.Tests.Bcachefs;

public class BcachefsDataChecksumTests
{
    private static readonly byte[] Check = "123456789"u8.ToArray();

    [Fact]
    public void Each_type_gives_its_published_check_value()
    {
        // The catalogue check values of "123456789": CRC-32C (type 1), CRC-64/ECMA-182 (type 6, no inversion),
        // CRC-64/WE (type 2, all-ones initial and final value).
        Assert.Equal((0UL, 0xE3069283UL), BcachefsDataChecksum.Compute(1, Check, "t"));
        Assert.Equal((0UL, 0x6C40DF5F0B497347UL), BcachefsDataChecksum.Compute(6, Check, "t"));
        Assert.Equal((0UL, 0x62EC59E3F1A4F00AUL), BcachefsDataChecksum.Compute(2, Check, "t"));
        Assert.Equal((0UL, XxHash64.HashToUInt64(Check)), BcachefsDataChecksum.Compute(7, Check, "t"));
        // Type 5 is the CRC-32C register from 0 without the final inversion: the same polynomial, so it differs
        // from type 1 and is stable.
        var type5 = BcachefsDataChecksum.Compute(5, Check, "t");
        Assert.NotEqual(0xE3069283UL, type5.Lo);
        Assert.True(type5.Lo <= uint.MaxValue && type5.Hi == 0);
        Assert.True(BcachefsDataChecksum.Matches(0, Check, 1, 2, "t"));
        Assert.True(BcachefsDataChecksum.Matches(6, Check, 0, 0x6C40DF5F0B497347UL, "t"));
        Assert.False(BcachefsDataChecksum.Matches(6, Check, 1, 0x6C40DF5F0B497347UL, "t"));
    }

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(9)]
    public void Encrypted_and_unknown_types_are_refused_naming_the_extent(int type)
    {
        var e = Assert.Throws<NotSupportedException>(() => BcachefsDataChecksum.Compute(type, Check, "file /a extent 1:8:0"));
        Assert.StartsWith("file /a extent 1:8:0: ", e.Message);
        if (type is 3 or 4) Assert.Contains("encrypted", e.Message);
        Assert.False(BcachefsDataChecksum.IsSupported(type));
    }
}
