using CsCheck;
using Packtree.Cli.Commands;
using Packtree.Tests.Api;

namespace Packtree.Tests.Storage;

/// <summary>
/// How the packtree tool reads and prints typed keys, in process: components separated by commas, a string's commas,
/// backslashes and control characters escaped, every key printing as one tab-free line that reads back to it; keys that
/// do not read are refused naming the tree, the component and what it takes.
/// </summary>
public sealed class CliTypedKeyTextTests
{
    private static readonly KeyKind Log = KeyKind.Parse("int64,datetime,string:16");

    [Fact]
    public void EveryKeyPrintsAsOneLineThatReadsBackToIt()
    {
        foreach (var kind in new[] { "int8,int16,int32,int64,uint8", "uint16,uint32,uint64,guid,datetime", "datetimeoffset,string:12,bytes:9", "string:8,string:8", "string:6" }.Select(KeyKind.Parse))
        {
            KeyPartValues.Key(kind).Sample(key =>
            {
                var text = TypedKeyText.Print(kind, key);
                Assert.DoesNotContain('\t', text);
                Assert.DoesNotContain('\n', text);
                Assert.DoesNotContain('\0', text);
                var back = TypedKeyText.Read("t", kind, text);
                Assert.True(KeyPartValues.Same(key, back), $"{kind}: {KeyPartValues.Show(key)} printed '{text}', read back {KeyPartValues.Show(back)}");
            }, iter: 2000);
        }
    }

    [Fact]
    public void StringsEscapeCommasBackslashesAndControlCharacters()
    {
        var kind = KeyKind.Parse("string:32,int8");
        Assert.Equal(@"a\,b\\c\td\ne\rf\u0000g\ufffd,-1", TypedKeyText.Print(kind, ["a,b\\c\td\ne\rf\0g\uFFFD", (sbyte)-1]));
        Assert.Equal(["a,b\\c\td\ne\rf\0g\uFFFD", (sbyte)-1], TypedKeyText.Read("t", kind, @"a\,b\\c\td\ne\rf\u0000g\ufffd,-1"));
        Assert.Equal(["€ é", (sbyte)0], TypedKeyText.Read("t", kind, @"\u20ac é,0"));                  // spaces are the string's own
        Assert.Equal(["", (sbyte)5], TypedKeyText.Read("t", kind, ",5"));                                 // the empty string
        Assert.Equal([""], TypedKeyText.Read("t", KeyKind.Parse("string:4"), ""));                       // a key of one empty string
        Assert.Equal(",", TypedKeyText.Print(KeyKind.Parse("string:4,string:4"), ["", ""]));
    }

    [Fact]
    public void KeysOfTypedTreesReadInTheTreesKind()
    {
        var reader = KeyReader.For("log", Log, hex: false);
        var key = reader.Read("-7,2026-05-01T12:00:00Z,hello\\, world");
        Assert.Null(key.Bytes);
        Assert.Equal(new TypedKey(Log, [-7L, new DateTime(2026, 5, 1, 12, 0, 0, DateTimeKind.Utc), "hello, world"]), key.Typed);
        Assert.Equal("-7,2026-05-01T12:00:00.0000000Z,hello\\, world", key.ToString());
        Assert.Equal("-7,2026-05-01T12:00:00.0000000Z,hello\\, world", reader.Print(key.Typed!.Values));

        var (leading, count) = reader.ReadLeading("-7");
        Assert.Equal(1, count);
        Assert.Equal(-7L, leading[0]);
        Assert.Equal(3, leading.Length); // the rest stand in, for a range to replace
        Assert.Equal(2, reader.ReadLeading("1,2026-01-01").Components);
        Assert.Contains("tree 'log' holds int64,datetime,string:16 keys", Assert.Throws<ArgumentException>(() => KeyReader.For("log", Log, hex: true)).Message, StringComparison.Ordinal);
        Assert.Equal(Log, KeysOption.TryParse("int64,datetime,string:16"));
        Assert.Contains("'int64,dattime' names no kind of keys: 'dattime' is not a part", Assert.Throws<FormatException>(() => KeysOption.Parse("int64,dattime")).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("7,2026-05-01T12:00:00Z", "Tree 'log' takes keys of 3 components (int64,datetime,string:16) separated by commas; '7,2026-05-01T12:00:00Z' has 2. In a string, write a comma as \\, and a backslash as \\\\.")]
    [InlineData("7,2026-05-01,a,b", "Tree 'log' takes keys of 3 components (int64,datetime,string:16) separated by commas; '7,2026-05-01,a,b' has 4. In a string, write a comma as \\, and a backslash as \\\\.")]
    [InlineData("seven,2026-05-01,a", "Tree 'log', key component 0 (int64) of 'seven,2026-05-01,a': 'seven' does not read as int64: expected a whole number from -9223372036854775808 to 9223372036854775807.")]
    [InlineData("7,1 May,a", "Tree 'log', key component 1 (datetime) of '7,1 May,a': '1 May' does not read as datetime: expected a date and time in ISO 8601, e.g. 2024-05-01T12:30:00Z (UTC), 2024-05-01T12:30:00.5 (no kind) or 2024-05-01.")]
    [InlineData("7,2026-05-01,seventeen letters", "Tree 'log', key component 2 (string:16) of '7,2026-05-01,seventeen letters': 'seventeen letters' takes 17 UTF-8 bytes; a string:16 part holds at most 16.")]
    [InlineData("7,2026-05-01,a\\x", "Tree 'log', key component 2 (string:16) of '7,2026-05-01,a\\x': 'a\\x' has an unknown escape \\x; a string takes \\, \\\\ \\t \\n \\r and \\uXXXX.")]
    [InlineData("7,2026-05-01,a\\u12", "Tree 'log', key component 2 (string:16) of '7,2026-05-01,a\\u12': 'a\\u12' has an unknown escape \\u12; a string takes \\, \\\\ \\t \\n \\r and \\uXXXX.")]
    [InlineData("7,2026-05-01,a\\", "Tree 'log', key component 2 (string:16) of '7,2026-05-01,a\\': 'a\\' ends in a lone backslash; write \\\\ for a backslash.")]
    [InlineData("7,2026-05-01,caf\uFFFD", "Tree 'log', key component 2 (string:16) of '7,2026-05-01,caf\uFFFD': 'caf\uFFFD' holds U+FFFD, which stands in for bytes that are not UTF-8; write \\ufffd for the character itself.")]
    public void AKeyThatDoesNotReadIsRefusedNamingTheComponentAndWhatItTakes(string text, string message) =>
        Assert.Equal(message, Assert.Throws<FormatException>(() => KeyReader.For("log", Log, hex: false).Read(text)).Message);

    [Fact]
    public void TypedKeysOrderAsTheirTreesOrderThem()
    {
        var kind = KeyKind.Parse("int32,string:8");
        TreeKey Key(int number, string text) => new(default, null, new TypedKey(kind, [number, text]));
        var keys = new[] { Key(1, "b"), Key(-1, "z"), Key(1, ""), Key(1, "é"), Key(1, "ab"), Key(0, "a") };
        Assert.Equal(["-1,z", "0,a", "1,", "1,ab", "1,b", "1,é"], keys.Order().Select(k => k.ToString()));
        Assert.Equal(Key(1, "b"), Key(1, "b"));
        Assert.Equal(Key(1, "b").GetHashCode(), Key(1, "b").GetHashCode());
        Assert.NotEqual(Key(1, "b"), Key(1, "c"));
        Assert.True(new TreeKey(default, [0xFF]).CompareTo(Key(-5, "")) < 0); // a byte key before any typed key
    }
}
