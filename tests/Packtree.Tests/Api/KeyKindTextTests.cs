using Packtree.Keys;

namespace Packtree.Tests.Api;

/// <summary>
/// Kinds of keys as text (<see cref="KeyKind.Parse"/>, <see cref="KeyKind.ToString"/>) and their parts' descriptions:
/// every part kind reads and prints back, kinds read from text equal those of static shapes, bad texts are refused
/// saying what is wrong and what is accepted.
/// </summary>
public sealed class KeyKindTextTests
{
    /// <summary>Each part kind as Parse reads it alone, as ToString prints it, and the static part it equals.</summary>
    public static TheoryData<string, string, KeyPartKind, int> EveryPart => new()
    {
        { "int8", "int8", KeyPartKind.Int8, 0 },
        { "int16", "int16", KeyPartKind.Int16, 0 },
        { "int32", "int32", KeyPartKind.Int32, 0 },
        { "int64", "int64", KeyPartKind.Int64, 0 },
        { "uint8", "uint8", KeyPartKind.UInt8, 0 },
        { "uint16", "uint16", KeyPartKind.UInt16, 0 },
        { "uint32", "uint32", KeyPartKind.UInt32, 0 },
        { "uint64", "uint64", KeyPartKind.UInt64, 0 },
        { "guid", "guid", KeyPartKind.Guid, 0 },
        { "datetime", "datetime", KeyPartKind.DateTime, 0 },
        { "datetimeoffset", "datetimeoffset", KeyPartKind.DateTimeOffset, 0 },
        { "string", "string:64", KeyPartKind.String, 64 },
        { "string:1", "string:1", KeyPartKind.String, 1 },
        { "string:1024", "string:1024", KeyPartKind.String, 1024 },
        { "bytes", "bytes:64", KeyPartKind.Bytes, 64 },
        { "bytes:1", "bytes:1", KeyPartKind.Bytes, 1 },
        { "bytes:1024", "bytes:1024", KeyPartKind.Bytes, 1024 },
    };

    [Theory]
    [MemberData(nameof(EveryPart))]
    public void EveryPartReadsAndPrintsBackAloneAndAfterAnother(string text, string printed, KeyPartKind kind, int maxBytes)
    {
        // After another part: a lone bytes part is the byte-key kind, whose ToString is its own (below).
        var kindOfTwo = KeyKind.Parse($"int64,{text}");
        Assert.True(kindOfTwo.IsTyped);
        Assert.False(kindOfTwo.IsBytes);
        Assert.Equal($"int64,{printed}", kindOfTwo.ToString());
        Assert.Equal(kindOfTwo, KeyKind.Parse(kindOfTwo.ToString()));
        Assert.Equal([(KeyPartKind.Int64, 0), (kind, maxBytes)], kindOfTwo.Parts.Select(p => (p.Kind, p.MaxBytes)));
        Assert.Equal(printed, kindOfTwo.Parts[1].ToString());

        var alone = KeyKind.Parse(text);
        Assert.Equal(kind, Assert.Single(alone.Parts).Kind);
        if (kind == KeyPartKind.Bytes)
        {
            Assert.True(alone.IsBytes);
            Assert.False(alone.IsTyped);
            Assert.Equal(text == "bytes" ? KeyKind.Bytes() : KeyKind.Bytes(maxBytes), alone); // a lone "bytes" keeps its 511
        }
        else
        {
            Assert.True(alone.IsTyped);
            Assert.Equal(printed, alone.ToString());
            Assert.Equal(alone, KeyKind.Parse(alone.ToString()));
        }
    }

    [Fact]
    public void KindsReadFromTextEqualThoseOfStaticShapes()
    {
        Assert.Equal(KeyShape.Of(KeyParts.Int64, KeyParts.DateTime, KeyParts.String(32)).KeyKind, KeyKind.Parse("int64,datetime,string:32"));
        Assert.Equal(KeyShape.Of(KeyParts.Guid, KeyParts.String()).KeyKind, KeyKind.Parse("guid, string")); // the default size, and spaces around commas
        Assert.Equal(KeyShape.Of(KeyParts.Int8, KeyParts.Int16, KeyParts.Int32, KeyParts.Int64, KeyParts.UInt8).KeyKind, KeyKind.Parse("int8,int16,int32,int64,uint8"));
        Assert.Equal(KeyShape.Of(KeyParts.UInt16, KeyParts.UInt32, KeyParts.UInt64, KeyParts.DateTimeOffset, KeyParts.Bytes(16)).KeyKind, KeyKind.Parse("uint16,uint32,uint64,datetimeoffset,bytes:16"));
        Assert.Equal(KeyShape.Of(KeyParts.Bytes(16)).KeyKind, KeyKind.Parse("bytes:16"));
        Assert.Equal(KeyKind.Bytes(16), KeyKind.Parse("bytes:16"));
        Assert.NotEqual(KeyKind.Parse("int64,int32"), KeyKind.Parse("int32,int64"));
        Assert.NotEqual(KeyKind.Parse("string:8"), KeyKind.Parse("string:9"));

        Assert.Same(KeyKind.Positions, KeyKind.Parse("positions"));
        Assert.Equal("positions", KeyKind.Positions.ToString());
        Assert.Empty(KeyKind.Positions.Parts);
        Assert.False(KeyKind.Positions.IsTyped);
        Assert.Equal(KeyKind.Bytes(), KeyKind.Parse("bytes"));
        Assert.Equal("bytes (at most 511)", KeyKind.Parse("bytes").ToString());
        Assert.Equal((KeyPartKind.Bytes, 511), (Assert.Single(KeyKind.Bytes().Parts).Kind, KeyKind.Bytes().MaxBytes));
        Assert.Equal(0, KeyKind.Parse("string:8").MaxBytes); // MaxBytes is the byte keys' limit
    }

    [Theory]
    [InlineData("", "it is empty")]
    [InlineData(" ", "it is empty")]
    [InlineData("int64,", "it has an empty part")]
    [InlineData("Int64", "'Int64' is not a part")]
    [InlineData("int65", "'int65' is not a part")]
    [InlineData("int64,positions", "'positions' is not a part")]
    [InlineData("long", "'long' is not a part")]
    [InlineData("int64:8", "'int64:8': part int64 has a fixed size, no :N")]
    [InlineData("string:0", "'string:0': a string part takes 1 to 1024 bytes")]
    [InlineData("string:1025", "'string:1025': a string part takes 1 to 1024 bytes")]
    [InlineData("bytes:x", "'bytes:x': a bytes part takes 1 to 1024 bytes")]
    [InlineData("bytes: 8", "'bytes: 8': a bytes part takes 1 to 1024 bytes")]
    [InlineData("bytes:+8", "'bytes:+8': a bytes part takes 1 to 1024 bytes")]
    [InlineData("int8,int8,int8,int8,int8,int8", "it has 6 parts")]
    [InlineData("string:1024,int64,string:1024", "its parts take 259 key fields, more than the 134 a key has room for (a string or bytes part takes one per 8 bytes and one more)")]
    public void ATextThatNamesNoKindIsRefusedSayingWhy(string text, string why)
    {
        var e = Assert.Throws<FormatException>(() => KeyKind.Parse(text));
        Assert.StartsWith($"'{text}' names no kind of keys: {why}; a kind of keys is positions, bytes (at most 511 bytes), bytes:N, or 1 to 5 parts", e.Message, StringComparison.Ordinal);
        Assert.Contains("int8, int16, int32, int64, uint8, uint16, uint32, uint64, guid, datetime, datetimeoffset, string, bytes, string:N or bytes:N", e.Message, StringComparison.Ordinal);
        Assert.False(KeyKind.TryParse(text, out var kind));
        Assert.Null(kind);
    }

    [Fact]
    public void TryParseSaysWhetherTheTextNamesAKind()
    {
        Assert.True(KeyKind.TryParse("uint32,guid", out var kind));
        Assert.Equal(KeyShape.Of(KeyParts.UInt32, KeyParts.Guid).KeyKind, kind);
        Assert.False(KeyKind.TryParse(null, out _));
        Assert.Throws<ArgumentNullException>(() => KeyKind.Parse(null!));
    }

    [Fact]
    public void PartKindsHaveTheValuesStoresRecord()
    {
        // A part's kind is the stored component kind itself, cast: the two enums must agree name for name.
        Assert.Equal(Enum.GetNames<KeyComponentKind>(), Enum.GetNames<KeyPartKind>());
        foreach (var kind in Enum.GetValues<KeyComponentKind>()) Assert.Equal((int)kind, (int)Enum.Parse<KeyPartKind>(kind.ToString()));
    }
}
