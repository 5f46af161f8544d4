using Packtree.Cli.Commands;
using Packtree.Keys;

namespace Packtree.Tests.Storage;

/// <summary>How the packtree tool reads and prints keys and kinds of keys, in process.</summary>
public sealed class CliKeyTextTests
{
    [Theory]
    [InlineData("", false, "0x")]
    [InlineData("6b6579", false, "key")]
    [InlineData("6b6579", true, "6b6579")]
    [InlineData("00ff", false, "0x00ff")]
    [InlineData("6b09", false, "0x6b09")]           // a tab would split the line
    [InlineData("30783431", false, "0x30783431")]   // the text 0x41 would read as hex
    [InlineData("c3a9", false, "é")]
    [InlineData("c3", false, "0xc3")]               // not UTF-8
    public void AByteKeyPrintsAsTextOnlyWhenThatCannotBeMisread(string keyHex, bool hex, string printed) =>
        Assert.Equal(printed, KeyText.Print(Convert.FromHexString(keyHex), hex));

    [Fact]
    public void KindsOfKeysParseAsTheOptionSays()
    {
        Assert.Equal(KeyKind.Positions, KeysOption.TryParse("positions"));
        Assert.Equal(KeyKind.Bytes(), KeysOption.TryParse("bytes"));
        Assert.Equal(KeyKind.Bytes(1), KeysOption.TryParse("bytes:1"));
        Assert.Equal(KeyKind.Bytes(1024), KeysOption.TryParse("bytes:1024"));
        Assert.Null(KeysOption.TryParse("bytes:0"));
        Assert.Null(KeysOption.TryParse("bytes:1025"));
        Assert.Null(KeysOption.TryParse("bytes: 8"));
        Assert.Null(KeysOption.TryParse("bytes:+8"));
        Assert.Null(KeysOption.TryParse("position"));
        Assert.Null(KeysOption.Parse(null));
        Assert.Throws<FormatException>(() => KeysOption.Parse("bytes:x"));
    }

    [Fact]
    public void KeysReadInTheTreesKind()
    {
        var text = KeyReader.For("t", KeyKind.Bytes(4), hex: false);
        Assert.Equal("abc"u8.ToArray(), text.Read("abc").Bytes);
        Assert.Equal(Array.Empty<byte>(), text.Read("").Bytes);
        var tooLong = Assert.Throws<KeyTooLongException>(() => text.Read("abcde"));
        Assert.Equal(("t", 4, 5), (tooLong.TreeName, tooLong.MaxBytes, tooLong.ActualBytes));
        Assert.Equal(5, text.ReadAnyLength("abcde").Length); // a prefix may be longer: it matches nothing

        var hex = KeyReader.For("t", KeyKind.Bytes(4), hex: true);
        Assert.Equal(new byte[] { 0, 0xFF }, hex.Read("00ff").Bytes);
        Assert.Equal(new byte[] { 0, 0xFF }, hex.Read("0x00FF").Bytes);
        Assert.Equal(Array.Empty<byte>(), hex.Read("0x").Bytes);
        Assert.Contains("is not hex", Assert.Throws<FormatException>(() => hex.Read("0g")).Message, StringComparison.Ordinal);

        var positions = KeyReader.For("p", KeyKind.Positions, hex: false);
        Assert.Equal(new TreeKey(new Bpos(1, 2, 3), null), positions.Read("1:2:3"));
        Assert.Contains("tree 'p' holds positions keys", Assert.Throws<ArgumentException>(() => KeyReader.For("p", KeyKind.Positions, hex: true)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ByteKeysOrderAsUnsignedBytesWithAPrefixFirst()
    {
        TreeKey Key(params byte[] bytes) => new(default, bytes);
        var keys = new[] { Key(0xFF), Key(0x7F, 0x00), Key(), Key(0x7F), Key(0x80), Key(0x00) };
        Assert.Equal(["0x", "0x00", "0x7f", "0x7f00", "0x80", "0xff"], keys.Order().Select(k => k.ToString()));
        Assert.Equal(Key(1, 2), Key(1, 2)); // by content, not by array
        Assert.Equal(Key(1, 2).GetHashCode(), Key(1, 2).GetHashCode());
        Assert.True(new TreeKey(new Bpos(1, 1, 0), null).CompareTo(new TreeKey(new Bpos(1, 2, 0), null)) < 0);
    }
}
