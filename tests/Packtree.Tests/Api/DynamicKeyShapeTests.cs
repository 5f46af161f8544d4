using CsCheck;

namespace Packtree.Tests.Api;

/// <summary>
/// Trees of keys whose shape is known only at run time (<see cref="KeyShape.Of(KeyKind)"/>, keys as arrays of values)
/// against the static shapes of the same parts: the same keys are stored in the same order, decode back equal, and
/// each shape reads what the other wrote; keys of the wrong length or types are refused naming the component.
/// </summary>
public sealed class DynamicKeyShapeTests
{
    [Fact]
    public void SignedIntegersStoreAsThroughTheStaticShape() =>
        SameAsStatic(KeyShape.Of(KeyParts.Int8, KeyParts.Int16, KeyParts.Int32, KeyParts.Int64, KeyParts.UInt8),
            k => ((sbyte)k[0], (short)k[1], (int)k[2], (long)k[3], (byte)k[4]), t => [t.Item1, t.Item2, t.Item3, t.Item4, t.Item5]);

    [Fact]
    public void UnsignedIntegersGuidsAndTimesStoreAsThroughTheStaticShape() =>
        SameAsStatic(KeyShape.Of(KeyParts.UInt16, KeyParts.UInt32, KeyParts.UInt64, KeyParts.Guid, KeyParts.DateTime),
            k => ((ushort)k[0], (uint)k[1], (ulong)k[2], (Guid)k[3], (DateTime)k[4]), t => [t.Item1, t.Item2, t.Item3, t.Item4, t.Item5]);

    [Fact]
    public void OffsetsStringsAndBytesStoreAsThroughTheStaticShape() =>
        SameAsStatic(KeyShape.Of(KeyParts.DateTimeOffset, KeyParts.String(12), KeyParts.Bytes(9)),
            k => ((DateTimeOffset)k[0], (string)k[1], (byte[])k[2]), t => [t.Item1, t.Item2, t.Item3]);

    [Fact]
    public void KeysOfOnePartStoreAsThroughTheStaticShape()
    {
        SameAsStatic(KeyShape.Of(KeyParts.String(5)), k => (string)k[0], t => [t]);
        SameAsStatic(KeyShape.Of(KeyParts.Bytes(7)), k => (byte[])k[0], t => [t]); // the byte-key kind
    }

    [Fact]
    public void ATreeOfByteKeysTakesArraysOfOneByteArray()
    {
        using var store = Store.CreateInMemory();
        var raw = store.GetOrCreateTree("raw", KeyKind.Bytes(8));
        raw.Put("apple"u8, "1"u8);
        var dynamic = store.GetOrCreateTree("raw", KeyShape.Of(raw.KeyKind));
        dynamic.Put(["pear"u8.ToArray()], "2"u8);
        Assert.Equal("2"u8.ToArray(), raw.Get("pear"u8));
        Assert.Equal("1"u8.ToArray(), dynamic.Get(["apple"u8.ToArray()]));
    }

    [Fact]
    public void AKeyOfTheWrongLengthOrTypesIsRefusedNamingTheComponentAndItsType()
    {
        using var store = Store.CreateInMemory();
        var log = store.GetOrCreateTree("log", KeyShape.Of(KeyKind.Parse("int64,datetime,string:4")));
        var at = new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc);

        Assert.Equal("Tree 'log': A key of int64,datetime,string:4 has 3 components; this one has 2. (Parameter 'key')",
            Assert.Throws<ArgumentException>(() => log.Put([7L, at], "v"u8)).Message);
        Assert.Equal("Tree 'log': Key component 0 (int64) must be of type Int64, not Int32. (Parameter 'key')",
            Assert.Throws<ArgumentException>(() => log.Put([7, at, "a"], "v"u8)).Message);
        Assert.Contains("Key component 1 (datetime) must be of type DateTime, not DateTimeOffset.",
            Assert.Throws<ArgumentException>(() => log.Get([7L, new DateTimeOffset(at), "a"])).Message, StringComparison.Ordinal);
        Assert.Contains("Key component 2 (string:4) must be of type String, not null.",
            Assert.Throws<ArgumentException>(() => new WriteBatch().Put(log, [7L, at, null!], "v"u8)).Message, StringComparison.Ordinal);
        Assert.Contains("Key component 2 (String) takes at most 4 UTF-8 bytes; this string has 5.",
            Assert.Throws<ArgumentException>(() => log.Put([7L, at, "fives"], "v"u8)).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => log.Put(null!, "v"u8));
        Assert.Equal(0, log.Count); // nothing was written

        Assert.Contains("Position keys have no parts", Assert.Throws<ArgumentException>(() => KeyShape.Of(KeyKind.Positions)).Message, StringComparison.Ordinal);
        Assert.Contains("holds int64,datetime,string:4 keys, not int64,datetime,string:5",
            Assert.Throws<ArgumentException>(() => store.GetOrCreateTree("log", KeyShape.Of(KeyKind.Parse("int64,datetime,string:5")))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ScansBetweenPartialKeysTakeEveryKeyStartingWithinTheBounds()
    {
        using var store = Store.CreateInMemory();
        var tree = store.GetOrCreateTree("t", KeyShape.Of(KeyKind.Parse("int32,string:8")));
        object[][] keys = [[-1, ""], [-1, "z"], [0, ""], [0, "a"], [0, "b"], [1, "a"], [2, ""], [2, "zz"]];
        foreach (var key in keys) tree.Put(key, "v"u8);
        List<object[]> Scan(object[] from, int fromParts, object[] to, int toParts, bool reverse = false)
        {
            var found = new List<object[]>();
            foreach (var (key, _) in tree.Scan(from, fromParts, to, toParts, reverse)) found.Add(key);
            return found;
        }
        Assert.Equal(keys, Scan([0, "q"], 0, [0, "q"], 0));                                  // both ends open
        Assert.Equal(keys[2..], Scan([0, "q"], 1, [0, "q"], 0));                             // from tenant 0 on
        Assert.Equal(keys[..5], Scan([0, "q"], 0, [0, "q"], 1));                             // up to tenant 0, whole
        Assert.Equal(keys[2..6], Scan([0, "a"], 1, [1, "a"], 2));                            // tenant 0 whole, to one key
        Assert.Equal(keys[3..5], Scan([0, "a"], 2, [0, "b"], 2));                            // whole keys
        Assert.Equal(keys[2..5].Reverse(), Scan([0, ""], 1, [0, ""], 1, reverse: true));      // a prefix, backwards
        Assert.Empty(Scan([1, ""], 1, [0, ""], 1));                                          // bounds the wrong way round
        Assert.Throws<ArgumentOutOfRangeException>(() => tree.Scan([0, ""], 3, [0, ""], 0, false));
        Assert.Throws<ArgumentOutOfRangeException>(() => tree.Scan([0, ""], 0, [0, ""], -1, false));
    }

    /// <summary>
    /// Random keys put through both shapes into two trees of one store (values say which put), then compared: the
    /// scans give the same keys in the same order, that order is .NET's, every key put decodes back equal, and each
    /// shape reads the other's tree.
    /// </summary>
    private static void SameAsStatic<TKey>(KeyShape<TKey> shape, Func<object[], TKey> toStatic, Func<TKey, object[]> toArray)
    {
        var dynamicShape = KeyShape.Of(shape.KeyKind);
        Assert.Equal(shape.KeyKind, dynamicShape.KeyKind);
        Assert.Equal(shape.Components, dynamicShape.Components);
        KeyPartValues.Key(shape.KeyKind).Array[1, 40].Sample(keys =>
        {
            using var store = Store.CreateInMemory();
            var typed = store.GetOrCreateTree("static", shape);
            var dynamic = store.GetOrCreateTree("dynamic", dynamicShape);
            for (var i = 0; i < keys.Length; i++)
            {
                typed.Put(toStatic(keys[i]), BitConverter.GetBytes(i));
                dynamic.Put(keys[i], BitConverter.GetBytes(i));
            }

            var expected = keys.Select((k, i) => (Key: k, Value: i)).Reverse().DistinctBy(e => KeyPartValues.Show(e.Key)) // the last put of a key stays
                .Order(Comparer<(object[] Key, int Value)>.Create((a, b) => KeyPartValues.Compare(a.Key, b.Key))).ToList();
            var fromStatic = Entries(typed.Scan(), toArray);
            var fromDynamic = Entries(dynamic.Scan(), k => k);
            var crossed = Entries(store.GetOrCreateTree("static", dynamicShape).Scan(), k => k);
            var crossedBack = Entries(store.GetOrCreateTree("dynamic", shape).Scan(), toArray);
            foreach (var found in new[] { fromStatic, fromDynamic, crossed, crossedBack })
            {
                Assert.Equal(expected.Count, found.Count);
                for (var i = 0; i < expected.Count; i++)
                {
                    Assert.True(KeyPartValues.Same(expected[i].Key, found[i].Key) && expected[i].Value == found[i].Value,
                        $"entry {i}: expected {KeyPartValues.Show(expected[i].Key)} = {expected[i].Value}, found {KeyPartValues.Show(found[i].Key)} = {found[i].Value}");
                }
            }
            foreach (var (key, value) in expected) Assert.Equal(BitConverter.GetBytes(value), dynamic.Get(key));
        }, iter: 150);
    }

    private static List<(object[] Key, int Value)> Entries<TKey>(TypedScan<TKey> scan, Func<TKey, object[]> toArray)
    {
        var entries = new List<(object[], int)>();
        foreach (var (key, value) in scan) entries.Add((toArray(key), BitConverter.ToInt32(value)));
        return entries;
    }
}
