using Packtree.Keys;

namespace Packtree.Tests.Keys;

/// <summary>Bad input gets a specific error naming what and where; printers show the fields.</summary>
public sealed class BadInputTests
{
    private static readonly BkeyFormat Format = BkeyFormat.Create([8, 16, 0, 8, 0, 0], [100, 5000, 0, 0, 0, 0]);

    [Theory]
    [InlineData(0, 0, "u64s 0")]                // u64s below key_u64s
    [InlineData(1 + 251, 0, "u64s 252")]        // value longer than 250 words
    [InlineData(1, 1, "format 1")]              // an unpacked key handed to the packed unpacker
    [InlineData(1, 5, "format 5")]
    public void AnInconsistentPackedHeaderIsRefused(int u64s, int formatBits, string named)
    {
        var packed = new byte[Format.KeyBytes];
        packed[0] = (byte)u64s;
        packed[1] = (byte)formatBits;
        var error = Assert.Throws<InvalidPackedKeyException>(() => Format.Unpack(packed));
        Assert.Contains(named, error.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidPackedKeyException>(() => Format.UnpackPosition(packed));
        Assert.False(Format.IsPackedHeaderValid(packed, out var reason));
        Assert.Contains(named, reason, StringComparison.Ordinal);
    }

    [Fact]
    public void AShortSpanIsAnArgumentError()
    {
        Assert.Throws<ArgumentException>(() => Format.Unpack(new byte[Format.KeyBytes - 1]));
        Assert.Throws<ArgumentException>(() => Format.TryPack(new Bkey(new Bpos(100, 5000, 0)), new byte[Format.KeyBytes - 1]));
        Assert.Throws<ArgumentException>(() => BkeyFormat.Read(new byte[BkeyFormat.ByteCount - 1]));
    }

    [Theory]
    [InlineData(new byte[] { 64, 64, 32, 0, 0, 0 }, 1UL, 0, BkeyFormatRule.FieldTooLarge, "full width")]
    [InlineData(new byte[] { 65, 0, 0, 0, 0, 0 }, 0UL, 0, BkeyFormatRule.FieldTooLarge, "65 bits wide")]
    [InlineData(new byte[] { 8, 0, 0, 0, 0, 0 }, ulong.MaxValue - 254, 0, BkeyFormatRule.FieldTooLarge, "exceeds")]
    internal void AnInvalidFormatNamesTheRuleAndTheField(byte[] bits, ulong inodeOffset, int field, BkeyFormatRule rule, string detail)
    {
        var error = Assert.Throws<InvalidBkeyFormatException>(() => BkeyFormat.Create(bits, [inodeOffset, 0, 0, 0, 0, 0]));
        Assert.Equal(rule, error.Error.Rule);
        Assert.Equal(field, error.Error.Field);
        Assert.Contains(detail, error.Message, StringComparison.Ordinal);
        Assert.Contains("inode", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AWrongWordCountOrFieldCountIsNamed()
    {
        var wrongWords = Assert.Throws<InvalidBkeyFormatException>(() => BkeyFormat.Create(2, [8, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0]));
        Assert.Equal(BkeyFormatRule.KeyU64s, wrongWords.Error.Rule);
        Assert.Contains("incorrect key_u64s: got 2, should be 1", wrongWords.Message, StringComparison.Ordinal);

        var image = Format.ToBytes();
        image[1] = 5;
        var wrongFields = Assert.Throws<InvalidBkeyFormatException>(() => BkeyFormat.Read(image));
        Assert.Equal(BkeyFormatRule.FieldCount, wrongFields.Error.Rule);
        Assert.Contains("incorrect number of fields: got 5, should be 6", wrongFields.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ATooLargeValueIsRefused()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new Bkey(Bpos.Min, valueU64s: 251));
        Assert.Contains("250", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PrintersShowTheFields()
    {
        Assert.Equal("1:2:3", new Bpos(1, 2, 3).ToString());
        Assert.Equal("SPOS_MAX", Bpos.Max.ToString());
        var key = new Bkey(new Bpos(4096, 64, uint.MaxValue), (byte)BkeyType.Extent, 2, 8, new Bversion(1, 2), needsWhiteout: true);
        Assert.Equal("u64s 7 type extent 4096:64:U32_MAX len 8 ver 1:2 needs_whiteout", key.ToString());
        Assert.Equal("key_u64s 1: inode 8 bits +100, offset 16 bits +5000, snapshot 0, size 8 bits, version_hi 0, version_lo 0 (24 key bits, byte-aligned)", Format.ToString());
    }
}
