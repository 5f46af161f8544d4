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
