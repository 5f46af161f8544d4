using System.Text;
using CsCheck;
using Packtree.Keys;

namespace Packtree.Tests.Keys;

/// <summary>
/// Formats over the fields of any key schema (docs/DESIGN.md §1.4, §2): for random schemas and clustered keys, the
/// format a node would compute fits every key, packing round-trips, packed keys compare as the keys do, search keys
/// pack exactly or to the greatest representable key not above them, formats move keys between them, and images
/// round-trip and are validated. Positions keep bcachefs's six fields and 56 bytes.
/// </summary>
public sealed class SchemaFormatTests
{
    private static readonly KeyComponentKind[] Kinds = Enum.GetValues<KeyComponentKind>();

    private static readonly Gen<KeySchema> Schema =
        Gen.Select(Gen.Int[0, Kinds.Length - 1], Gen.Int[1, 40])
            .Select((k, max) => Kinds[k] is KeyComponentKind.String or KeyComponentKind.Bytes ? new KeyComponent(Kinds[k], max) : new KeyComponent(Kinds[k]))
            .Array[1, 4].Select(c => new KeySchema(c));

    /// <summary>A field's values in one node: a base anywhere (edges often) and a spread of 0 to 64 bits (0 often: fields every key shares).</summary>
    private static readonly Gen<(ulong Base, int Spread)> FieldRange = Gen.Select(
        Gen.Frequency((3, Gen.ULong), (1, Gen.OneOf(Gen.Const(0UL), Gen.Const(ulong.MaxValue), Gen.Const(ulong.MaxValue - 3)))),
        Gen.Frequency((2, Gen.Const(0)), (3, Gen.Int[1, 12]), (1, Gen.Int[13, 64])));

    /// <summary>A schema and 1 to 30 keys (as fields) clustered the way a node's keys are.</summary>
    private static readonly Gen<(KeySchema Schema, ulong[][] Keys)> SchemaAndKeys =
        Schema.SelectMany(schema => FieldRange.Array[schema.FieldCount].SelectMany(ranges =>
            Gen.ULong.Array[schema.FieldCount].Array[1, 30].Select(raws => (schema, raws.Select(raw => Clustered(ranges, raw)).ToArray()))));

    private static ulong[] Clustered((ulong Base, int Spread)[] ranges, ulong[] raw)
    {
        var fields = new ulong[ranges.Length];
        for (var i = 0; i < fields.Length; i++) fields[i] = ranges[i].Base + (ranges[i].Spread == 64 ? raw[i] : raw[i] & ((1UL << ranges[i].Spread) - 1));
        return fields;
    }

    private static BkeyFormat Build(KeySchema schema, IEnumerable<ulong[]> keys, bool round = true)
    {
        var builder = new BkeyFormatBuilder(schema);
        foreach (var key in keys) builder.AddFields(key);
        return builder.Build(round);
    }

    private static int CompareKeys(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b, int count) => Math.Sign(a[..count].SequenceCompareTo(b[..count]));

    private static byte[] Pack(BkeyFormat format, ulong[] fields, byte type = 0, int valueU64s = 0)
    {
        var packed = new byte[format.KeyBytes];
        Assert.True(format.TryPackFields(fields, type, needsWhiteout: false, valueU64s, packed), $"[{string.Join(',', fields)}] does not fit [{format}]");
        return packed;
    }

    [Fact]
    public void EveryKeyFitsItsNodesFormatRoundTripsAndComparesAsItsFields()
    {
        Gen.Select(SchemaAndKeys, Gen.Bool, Gen.Byte).Sample((t, round, type) =>
        {
            var (schema, keys) = t;
            var format = Build(schema, keys, round);
            Assert.Same(schema, format.Schema);
            Assert.Equal(schema.FieldCount, format.FieldCount);
            var packed = keys.Select(k => Pack(format, k, type, valueU64s: 3)).ToArray();
            var fields = new ulong[schema.FieldCount];
            var key = new ulong[schema.KeyFieldCount];
            for (var i = 0; i < keys.Length; i++)
            {
                Assert.True(format.CanPackFields(keys[i]));
                Assert.Equal(format.KeyU64s + 3, packed[i][0]);
                Assert.Equal(type, packed[i][2]);
                format.UnpackFields(packed[i], fields);
                Assert.Equal(keys[i], fields);
                format.UnpackKey(packed[i], key);
                Assert.Equal(keys[i], key);
                var search = new byte[format.KeyBytes];
                Assert.True(format.TryPackSearch(keys[i], search));
                Assert.Equal(0, format.ComparePacked(search, packed[i]));
                Assert.Equal(PackPositionResult.Exact, format.PackSearchLossy(keys[i], search));
                for (var j = 0; j < keys.Length; j++)
                {
                    var expected = CompareKeys(keys[i], keys[j], schema.KeyFieldCount);
                    Assert.Equal(expected, format.ComparePacked(packed[i], packed[j]));
                    Assert.Equal(expected, format.ComparePackedToKey(packed[i], keys[j]));
                }
            }
        }, iter: 2000);
    }

    [Fact]
    public void LossySearchKeysAreTheGreatestRepresentableKeyNotAbove()
    {
        // Searches near the keys: each field of a key nudged by -2..2 (wrapping past 0 and the maximum), or anywhere.
        var cases = SchemaAndKeys.SelectMany(t => Gen.Select(Gen.Int[0, t.Keys.Length - 1], Gen.Int[-2, 2].Array[t.Schema.FieldCount], Gen.ULong.Array[t.Schema.FieldCount], Gen.Int[0, 3])
            .Select((which, nudges, anywhere, mode) => (t.Schema, t.Keys, Search: mode == 0 ? anywhere : t.Keys[which].Select((v, i) => v + (ulong)(long)nudges[i]).ToArray())));
        cases.Sample(t =>
        {
            var format = Build(t.Schema, t.Keys);
            var count = t.Schema.KeyFieldCount;
            var exact = new byte[format.KeyBytes];
            var lossy = new byte[format.KeyBytes];
            var exactOk = format.TryPackSearch(t.Search, exact);
            var result = format.PackSearchLossy(t.Search, lossy);
            Assert.Equal(exactOk, result == PackPositionResult.Exact);
            var found = new ulong[count];
            if (result == PackPositionResult.Fail)
            {
                var smallest = format.Fields.ToArray().Take(count).Select(f => f.Offset).ToArray();
                Assert.True(CompareKeys(smallest, t.Search, count) > 0, $"the smallest key of [{format}] is not above the search");
                return;
            }
            format.UnpackKey(lossy, found);
            if (result == PackPositionResult.Exact)
            {
                Assert.Equal(exact, lossy);
                Assert.Equal(0, CompareKeys(found, t.Search, count));
                return;
            }
            Assert.True(CompareKeys(found, t.Search, count) < 0, $"a lossy search key above the search in [{format}]");
            var next = lossy.ToArray();
            if (format.TryPackedSuccessor(next))
            {
                format.UnpackKey(next, found);
                Assert.True(CompareKeys(found, t.Search, count) > 0, $"a representable key between the lossy search key and the search in [{format}]");
            }
            // A node search with the lossy key puts every key of the node on the right side of the search.
            foreach (var key in t.Keys)
                Assert.Equal(CompareKeys(key, t.Search, count) <= 0, format.ComparePacked(Pack(format, key), lossy) <= 0);
        }, iter: 5000);
    }

    [Fact]
    public void PositionSearchKeysPackAsTheRawValuesTheCompiledPackersUse()
    {
        // The compiled position packers write the raw values TryRawPosition and LossyRawPosition give; the field path
        // must pack exactly those.
        KeyGenerators.Format.SelectMany(f => KeyGenerators.PositionNear(f).Select(p => (f, p))).Sample((format, position) =>
        {
            var packed = new byte[format.KeyBytes];
            var key = KeyFields.FromPosition(position);
            var result = format.PackSearchLossy(key, packed);
            Assert.Equal(result, format.LossyRawPosition(position, out var inode, out var offset, out var snapshot));
            if (result != PackPositionResult.Fail)
            {
                var fields = format.Fields;
                Assert.Equal(new[] { inode + fields[0].Offset, offset + fields[1].Offset, snapshot + fields[2].Offset }, KeyFields.FromPosition(format.UnpackPosition(packed)));
            }
            Assert.Equal(format.TryRawPosition(position, out _, out _, out _), format.TryPackSearch(key, packed));
        }, iter: 5000);
    }

    [Fact]
    public void KeysMoveBetweenFormatsOfOneSchemaWithTheirValues()
    {
        SchemaAndKeys.Sample(t =>
        {
            var tight = Build(t.Schema, t.Keys, round: false);
            var unpacked = t.Schema.UnpackedFormat;
            var value = Enumerable.Range(1, 16).Select(i => (byte)i).ToArray();
            foreach (var key in t.Keys)
            {
                var input = new byte[unpacked.KeyBytes + 16];
                Assert.True(unpacked.TryPackFields(key, 7, needsWhiteout: false, 2, input));
                value.CopyTo(input, unpacked.KeyBytes);
                var output = new byte[tight.KeyBytes + 16];
                Assert.True(tight.TryTransform(unpacked, input, output, out var written));
                Assert.Equal(tight.KeyBytes + 16, written);
                Assert.Equal(value, output[tight.KeyBytes..]);
                var back = new byte[input.Length];
                Assert.True(unpacked.TryTransform(tight, output, back, out _));
                Assert.Equal(input, back);
            }
        }, iter: 1000);
    }

    [Fact]
    public void FormatImagesRoundTripAndAreValidatedForEverySchema()
    {
        Gen.Select(SchemaAndKeys, Gen.Int[0, 2]).Sample((t, damage) =>
        {
            var format = Build(t.Schema, t.Keys);
            var image = format.ToBytes();
            Assert.Equal(BkeyFormat.ImageByteCount(t.Schema.FieldCount), image.Length);
            Assert.Equal(0, image.Length % 8);
            Assert.Equal(format, BkeyFormat.Read(t.Schema, image));
            var broken = image.ToArray();
            var rule = damage switch
            {
                0 => BkeyFormatRule.FieldCount,
                1 => BkeyFormatRule.FieldTooLarge,
                _ => BkeyFormatRule.KeyU64s,
            };
            switch (rule)
            {
                case BkeyFormatRule.FieldCount: broken[1]++; break;
                case BkeyFormatRule.FieldTooLarge: broken[2] = 65; break;
                default: broken[0]++; break;
            }
            Assert.False(BkeyFormat.TryRead(t.Schema, broken, out var none, out var error));
            Assert.Null(none);
            Assert.Equal(rule, error!.Rule);
            var thrown = Assert.Throws<InvalidBkeyFormatException>(() => BkeyFormat.Read(t.Schema, broken));
            Assert.Contains("invalid bkey format", thrown.Message);
        }, iter: 1000);
    }

    [Fact]
    public void AnUnpackedKeyIsAHeaderWordAndOneWordPerFieldAndTakesAnyKey()
    {
        Gen.Select(Schema, Gen.ULong.Array[KeySchema.MaxFieldCount]).Sample((schema, raw) =>
        {
            var unpacked = schema.UnpackedFormat;
            Assert.Equal(schema.FieldCount + 1, unpacked.KeyU64s);
            Assert.Equal(schema.MaxValueU64s, Bkey.U64sMax - unpacked.KeyU64s);
            var fields = raw[..schema.FieldCount];
            var packed = Pack(unpacked, fields);
            for (var i = 0; i < fields.Length; i++)
                Assert.Equal(fields[i], BitConverter.ToUInt64(packed, 8 * (schema.FieldCount - i))); // field 0 is the top word
        }, iter: 500);
        Assert.Same(BkeyFormat.Current, KeySchema.Positions.UnpackedFormat);
        Assert.Equal(BkeyFormat.ByteCount, BkeyFormat.Current.ImageBytes);
        Assert.Equal(Bkey.ValueU64sMax, KeySchema.Positions.MaxValueU64s);
    }

    [Fact]
    public void AByteStringPrefixSharedByANodesKeysCostsNoBits()
    {
        var schema = KeySchema.ByteString();
        var keys = Enumerable.Range(0, 500).Select(i => Fields(schema, Encoding.ASCII.GetBytes($"tenant/000042/user/{i * 7919 % 100_000:D5}"))).ToArray();
        var format = Build(schema, keys);
        // 24 bytes: words 0 and 1 ("tenant/000042/us") are shared, word 2 ("er/" and five digits) varies in its low
        // five bytes (digits differ from "00000" by at most 0x0909090909: 36 bits), and the 61 padding words and the
        // length are the same in every key.
        Assert.Equal(0, format.Fields[0].Width);
        Assert.Equal(0, format.Fields[1].Width);
        Assert.InRange(format.Fields[2].Width, 36, 40);
        Assert.All(format.Fields.ToArray()[3..], f => Assert.Equal(0, f.Width));
        Assert.Equal(1, format.KeyU64s); // the key and its header in one word, from 66 unpacked
    }

    [Fact]
    public void ASchemaTooWideForAKeyIsRefusedNamingItsSize()
    {
        var error = Assert.Throws<ArgumentException>(() => new KeySchema(new KeyComponent(KeyComponentKind.Bytes, 1024), new KeyComponent(KeyComponentKind.String, 100)));
        Assert.Contains("143 fields", error.Message);
        Assert.Contains($"at most {KeySchema.MaxFieldCount}", error.Message);
        var widest = new KeySchema(new KeyComponent(KeyComponentKind.Bytes, 1024), new KeyComponent(KeyComponentKind.Int64), new KeyComponent(KeyComponentKind.Guid), new KeyComponent(KeyComponentKind.DateTime));
        Assert.Equal(KeySchema.MaxFieldCount, widest.FieldCount);
        Assert.Equal(120, widest.MaxValueU64s);
    }

    [Fact]
    public void FormatsOfDifferentSchemasDiffer()
    {
        var a = new KeySchema(new KeyComponent(KeyComponentKind.Int64), new KeyComponent(KeyComponentKind.Int32));
        var b = new KeySchema(new KeyComponent(KeyComponentKind.UInt64), new KeyComponent(KeyComponentKind.Int32));
        Assert.Equal(a, new KeySchema(new KeyComponent(KeyComponentKind.Int64), new KeyComponent(KeyComponentKind.Int32)));
        Assert.NotEqual(a, b);
        Assert.NotEqual(a.UnpackedFormat, b.UnpackedFormat);
        Assert.Equal(a.UnpackedFormat, new KeySchema(new KeyComponent(KeyComponentKind.Int64), new KeyComponent(KeyComponentKind.Int32)).UnpackedFormat);
        var moved = Assert.Throws<ArgumentException>(() => b.UnpackedFormat.TryTransform(a.UnpackedFormat, new byte[a.UnpackedFormat.KeyBytes], new byte[64], out _));
        Assert.Contains("(Int64, Int32)", moved.Message);
        Assert.Equal("0.int64", a.FieldName(0));
        Assert.Equal("inode", KeySchema.Positions.FieldName(0));
    }

    private static ulong[] Fields(KeySchema schema, byte[] bytes)
    {
        var fields = new ulong[schema.FieldCount];
        var writer = new KeyFieldWriter(schema, fields);
        writer.Bytes(bytes);
        return fields;
    }
}
