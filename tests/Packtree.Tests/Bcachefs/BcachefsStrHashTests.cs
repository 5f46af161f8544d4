using Packtree.Bcachefs;

namespace Packtree.Tests.Bcachefs;

public class BcachefsStrHashTests
{
    [Fact]
    public void SipHash_2_4_gives_the_reference_values()
    {
        // The key 00 01 .. 0f and messages 00 01 .. (n-1) of the SipHash paper's test vectors.
        var k0 = 0x0706050403020100UL;
        var k1 = 0x0f0e0d0c0b0a0908UL;
        var message = Enumerable.Range(0, 64).Select(i => (byte)i).ToArray();
        Assert.Equal(0x726fdb47dd0e0e31UL, BcachefsStrHash.SipHash24(k0, k1, []));
        Assert.Equal(0xa129ca6149be45e5UL, BcachefsStrHash.SipHash24(k0, k1, message.AsSpan(0, 15)));
    }

    /// <summary>
    /// The crc32c and crc64 types (no image here uses them) against bit-by-bit registers written from the
    /// definitions, themselves anchored by the standard check values of "123456789": CRC-32C 0xE3069283 and
    /// CRC-64/WE 0x62EC59E3F1A4F00A are the all-ones-seeded raw registers, inverted.
    /// </summary>
    [Fact]
    public void The_crc_types_are_the_raw_registers_seeded_with_all_ones_then_the_key()
    {
        var check = "123456789"u8.ToArray();
        Assert.Equal(0xE3069283u, ~Crc32cBits(uint.MaxValue, check));
        Assert.Equal(0x62EC59E3F1A4F00AUL, ~Crc64Bits(ulong.MaxValue, check));
        var random = new Random(17);
        for (var i = 0; i < 500; i++)
        {
            var data = new byte[random.Next(0, 300)];
            random.NextBytes(data);
            var seed = (ulong)random.NextInt64() ^ ((ulong)random.Next() << 63);
            var key = BitConverter.GetBytes(seed); // little-endian, as the key's 8 bytes are fed
            Assert.Equal(Crc32cBits(Crc32cBits(uint.MaxValue, key), data), BcachefsStrHash.Hash(0, seed, data));
            Assert.Equal(Crc64Bits(Crc64Bits(ulong.MaxValue, key), data) >> 1, BcachefsStrHash.Hash(1, seed, data));
        }
    }

    private static uint Crc32cBits(uint crc, byte[] data)
    {
        foreach (var b in data)
        {
            crc ^= b;
            for (var bit = 0; bit < 8; bit++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F63B78u : crc >> 1;
        }
        return crc;
    }

    private static ulong Crc64Bits(ulong crc, byte[] data)
    {
        foreach (var b in data)
        {
            crc ^= (ulong)b << 56;
            for (var bit = 0; bit < 8; bit++) crc = (crc & (1UL << 63)) != 0 ? (crc << 1) ^ 0x42F0E1EBA9EA3693UL : crc << 1;
        }
        return crc;
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Dirent_offsets_skip_the_reserved_ones_and_respect_the_31_bit_mask(int type)
    {
        var random = new Random(type);
        for (var i = 0; i < 2000; i++)
        {
            var name = new byte[random.Next(1, 256)];
            random.NextBytes(name);
            var seed = (ulong)random.NextInt64();
            var wide = BcachefsStrHash.Dirent(type, seed, false, name);
            var narrow = BcachefsStrHash.Dirent(type, seed, true, name);
            Assert.True(wide >= 2);
            Assert.True(narrow <= 0x7FFF_FFFF);
            Assert.Equal(Math.Max(BcachefsStrHash.Hash(type, seed, name), 2UL), wide);
            Assert.Equal(wide & 0x7FFF_FFFF, narrow);
            if (type != 0) Assert.True(wide < 1UL << 63); // the 64-bit hashes are shifted right once
        }
    }

    [Fact]
    public void Seeds_and_types_change_the_hash_and_unknown_types_are_refused()
    {
        var name = "changelog.gz"u8.ToArray();
        var hashes = new HashSet<ulong>();
        foreach (var type in new[] { 0, 1, 2, 3 })
            foreach (var seed in new[] { 1UL, 2UL })
                hashes.Add(BcachefsStrHash.Hash(type, seed, name));
        Assert.Equal(8, hashes.Count);
        Assert.Throws<NotSupportedException>(() => BcachefsStrHash.Hash(4, 1, name));
    }
}
