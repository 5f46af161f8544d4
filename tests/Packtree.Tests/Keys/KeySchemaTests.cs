using System.Text;
using CsCheck;
using Packtree.Keys;

namespace Packtree.Tests.Keys;

/// <summary>
/// Typed keys as fields (docs/DESIGN.md §1.4): for random schemas and values, the fields compared as unsigned
/// words give the order of the .NET values, component by component, and read back to the same values; sizes
/// and kinds past the schema are refused naming the limit; fields no writer makes are refused as damage.
/// </summary>
public sealed class KeySchemaTests
{
    private static readonly KeyComponentKind[] Kinds = Enum.GetValues<KeyComponentKind>();

    private static readonly Gen<KeyComponent> Component =
        Gen.Select(Gen.Int[0, Kinds.Length - 1], Gen.Int[1, 40]).Select((k, max) =>
            Kinds[k] is KeyComponentKind.String or KeyComponentKind.Bytes ? new KeyComponent(Kinds[k], max) : new KeyComponent(Kinds[k]));

    private static readonly Gen<KeySchema> Schema = Component.Array[1, 4].Select(c => new KeySchema(c));

    /// <summary>Values with many ties and near-ties (few distinct small values mixed with extremes), so that equal prefixes are common.</summary>
    private static Gen<object> Value(KeyComponent component) => component.Kind switch
    {
        KeyComponentKind.Int8 => Gen.OneOf(Gen.SByte, Gen.SByte[-2, 2]).Select(v => (object)v),
        KeyComponentKind.Int16 => Gen.OneOf(Gen.Short, Gen.Short[-2, 2]).Select(v => (object)v),
        KeyComponentKind.Int32 => Gen.OneOf(Gen.Int, Gen.Int[-2, 2]).Select(v => (object)v),
        KeyComponentKind.Int64 => Gen.OneOf(Gen.Long, Gen.Long[-2, 2], Gen.OneOf(Gen.Const(long.MinValue), Gen.Const(long.MaxValue))).Select(v => (object)v),
        KeyComponentKind.UInt8 => Gen.Byte.Select(v => (object)v),
        KeyComponentKind.UInt16 => Gen.UShort.Select(v => (object)v),
        KeyComponentKind.UInt32 => Gen.OneOf(Gen.UInt, Gen.UInt[0, 2]).Select(v => (object)v),
        KeyComponentKind.UInt64 => Gen.OneOf(Gen.ULong, Gen.ULong[0, 2], Gen.Const(ulong.MaxValue)).Select(v => (object)v),
        KeyComponentKind.Guid => Gen.OneOf(Gen.Guid, Gen.Byte[0, 2].Array[16].Select(b => new Guid(b))).Select(v => (object)v),
        KeyComponentKind.DateTime => Gen.Select(Gen.OneOf(Gen.Long[0, DateTime.MaxValue.Ticks], Gen.Long[0, 2]), Gen.Int[0, 2])
            .Select((t, k) => (object)new DateTime(t, (DateTimeKind)k)),
        KeyComponentKind.DateTimeOffset => Gen.Select(Gen.Long[TimeSpan.TicksPerDay, DateTime.MaxValue.Ticks - TimeSpan.TicksPerDay], Gen.Int[-14 * 4, 14 * 4])
            .Select((t, q) => (object)new DateTimeOffset(t, TimeSpan.FromMinutes(q * 15))),
        KeyComponentKind.String => Gen.OneOf(Gen.Char['a', 'c'], Gen.Char['\u00e0', '\u00e2'], Gen.Char['\ue000', '\ue001']).Array[0, component.MaxBytes / 3]
            .Select(c => (object)new string(c)),
        _ => Gen.Byte[0, 2].Array[0, component.MaxBytes].Select(b => (object)b),
    };

    private static Gen<(KeySchema Schema, object[] A, object[] B)> TwoKeys =>
        Schema.SelectMany(s =>
        {
            var key = Gen.Const(Array.Empty<object>());
            foreach (var component in s.Components) key = Gen.Select(key, Value(component), (values, value) => (object[])[.. values, value]);
            return Gen.Select(key, key, (a, b) => (s, a, b));
        });

    [Fact]
    public void FieldsOrderAsTheValuesAndReadBack()
    {
        TwoKeys.Sample(t =>
        {
            var a = Encode(t.Schema, t.A);
            var b = Encode(t.Schema, t.B);
            Assert.Equal(Math.Sign(CompareValues(t.A, t.B)), Math.Sign(a.AsSpan().SequenceCompareTo(b)));
            Assert.Equal(t.A, Decode(t.Schema, a));
        }, iter: 20_000);
    }

    [Fact]
    public void ByteStringsOrderAsUnsignedBytesAPrefixFirst()
    {
        var schema = KeySchema.ByteString();
        Assert.Equal(511 / 8 + 1 + 1, schema.FieldCount);
        Gen.Select(Gen.Byte[0, 3].Array[0, 20], Gen.Byte[0, 3].Array[0, 20]).Sample((x, y) =>
        {
            Assert.Equal(Math.Sign(x.AsSpan().SequenceCompareTo(y)), Math.Sign(Encode(schema, [x]).AsSpan().SequenceCompareTo(Encode(schema, [y]))));
        }, iter: 20_000);
    }

    [Fact]
    public void WhatTheSchemaCannotHoldIsRefusedNamingTheLimit()
    {
        var schema = new KeySchema(new KeyComponent(KeyComponentKind.Int64), new KeyComponent(KeyComponentKind.String, 8), new KeyComponent(KeyComponentKind.Bytes, 4));
        var fields = new ulong[schema.FieldCount];
        var tooLong = Assert.Throws<ArgumentException>(() => { var w = new KeyFieldWriter(schema, fields); w.Int64(1); w.String("ééééé"); });
        Assert.Contains("at most 8 UTF-8 bytes; this string has 10", tooLong.Message);
        var wrongKind = Assert.Throws<ArgumentException>(() => { var w = new KeyFieldWriter(schema, fields); w.Int32(1); });
        Assert.Contains("is Int64, not Int32", wrongKind.Message);
        var surrogate = Assert.Throws<ArgumentException>(() => { var w = new KeyFieldWriter(schema, fields); w.Int64(1); w.String("\ud800"); });
        Assert.Contains("not valid text", surrogate.Message);
        var bytes = Assert.Throws<ArgumentException>(() => { var w = new KeyFieldWriter(schema, fields); w.Int64(1); w.String("x"); w.Bytes([1, 2, 3, 4, 5]); });
        Assert.Contains("at most 4 bytes; these are 5", bytes.Message);
        Assert.Throws<InvalidOperationException>(() => { var w = new KeyFieldWriter(schema, fields); w.Int64(1); w.String("x"); w.Bytes([]); w.Bytes([]); });
        Assert.Throws<ArgumentOutOfRangeException>(() => new KeyComponent(KeyComponentKind.Bytes, KeyComponent.MaxVariableBytes + 1));
        Assert.Throws<ArgumentException>(() => new KeyComponent(KeyComponentKind.String));
    }

    [Fact]
    public void FieldsNoWriterMakesAreRefusedAsDamage()
    {
        var schema = new KeySchema(new KeyComponent(KeyComponentKind.Bytes, 10), new KeyComponent(KeyComponentKind.DateTime),
            new KeyComponent(KeyComponentKind.DateTimeOffset), new KeyComponent(KeyComponentKind.Int16), new KeyComponent(KeyComponentKind.String, 8));
        var good = Encode(schema, [new byte[] { 1, 2, 3 }, DateTime.UnixEpoch, DateTimeOffset.UnixEpoch, (short)-5, "é"]);
        Assert.Equal([new byte[] { 1, 2, 3 }, DateTime.UnixEpoch, DateTimeOffset.UnixEpoch, (short)-5, "é"], Decode(schema, good));
        (int Field, ulong Value, string Says)[] damage =
        [
            (2, 11, "length 11 is past"),            // bytes length
            (0, 0x01020304_00000000, "past the length 3"), // a byte after the length
            (4, 3, "are no DateTime"),              // kind
            (6, 28 * 60 + 1, "past ±14 hours"),     // offset
            (7, 0x1_0000, "wider than a Int16"),    // a 16-bit field with 17 bits
            (8, 0xFF00_0000_0000_0000, "not UTF-8"), // string bytes
        ];
        foreach (var (field, value, says) in damage)
        {
            var fields = good.ToArray();
            fields[field] = value;
            if (field == 8) fields[9] = 1;
            var e = Assert.Throws<InvalidDataException>(() => Decode(schema, fields));
            Assert.Contains(says, e.Message);
            Assert.Contains("Key component", e.Message);
        }
    }

    private static ulong[] Encode(KeySchema schema, object[] values)
    {
        var fields = new ulong[schema.FieldCount];
        var writer = new KeyFieldWriter(schema, fields);
        foreach (var value in values)
        {
            switch (value)
            {
                case sbyte v: writer.Int8(v); break;
                case short v: writer.Int16(v); break;
                case int v: writer.Int32(v); break;
                case long v: writer.Int64(v); break;
                case byte v: writer.UInt8(v); break;
                case ushort v: writer.UInt16(v); break;
                case uint v: writer.UInt32(v); break;
                case ulong v: writer.UInt64(v); break;
                case Guid v: writer.Guid(v); break;
                case DateTime v: writer.DateTime(v); break;
                case DateTimeOffset v: writer.DateTimeOffset(v); break;
                case string v: writer.String(v); break;
                case byte[] v: writer.Bytes(v); break;
            }
        }
        Assert.True(writer.IsComplete);
        return fields;
    }

    private static object[] Decode(KeySchema schema, ulong[] fields)
    {
        var reader = new KeyFieldReader(schema, fields);
        var values = new object[schema.Components.Count];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = schema.Components[i].Kind switch
            {
                KeyComponentKind.Int8 => reader.Int8(),
                KeyComponentKind.Int16 => reader.Int16(),
                KeyComponentKind.Int32 => reader.Int32(),
                KeyComponentKind.Int64 => reader.Int64(),
                KeyComponentKind.UInt8 => reader.UInt8(),
                KeyComponentKind.UInt16 => reader.UInt16(),
                KeyComponentKind.UInt32 => reader.UInt32(),
                KeyComponentKind.UInt64 => reader.UInt64(),
                KeyComponentKind.Guid => reader.Guid(),
                KeyComponentKind.DateTime => reader.DateTime(),
                KeyComponentKind.DateTimeOffset => reader.DateTimeOffset(),
                KeyComponentKind.String => reader.String(),
                _ => reader.Bytes(),
            };
        }
        return values;
    }

    /// <summary>The .NET order, component by component: each type's CompareTo refined by what makes two values differ (a DateTime's kind, a DateTimeOffset's offset); strings by code point.</summary>
    private static int CompareValues(object[] a, object[] b)
    {
        for (var i = 0; i < a.Length; i++)
        {
            var c = (a[i], b[i]) switch
            {
                (DateTime x, DateTime y) => x != y ? x.CompareTo(y) : x.Kind.CompareTo(y.Kind),
                (DateTimeOffset x, DateTimeOffset y) => x.UtcTicks != y.UtcTicks ? x.CompareTo(y) : x.Offset.CompareTo(y.Offset),
                (string x, string y) => Encoding.UTF8.GetBytes(x).AsSpan().SequenceCompareTo(Encoding.UTF8.GetBytes(y)),
                (byte[] x, byte[] y) => x.AsSpan().SequenceCompareTo(y),
                (IComparable x, var y) => x.CompareTo(y),
                _ => throw new InvalidOperationException(),
            };
            if (c != 0) return c;
        }
        return 0;
    }
}
