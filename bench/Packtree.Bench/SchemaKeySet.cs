using System.Globalization;
using System.Text;
using Packtree.Keys;

namespace Packtree.Bench;

/// <summary>
/// Keys of a schema other than bcachefs positions, as one node holds them: about 4,000 sorted neighbours from a larger
/// key space, in the format the node computes for them, packed back to back (no values), as in a bset.
/// </summary>
internal sealed class SchemaKeySet
{
    /// <summary>Keys in a node: a 256 KiB node of short keys with small values holds about this many.</summary>
    public const int NodeKeys = 4_000;

    private SchemaKeySet(string name, KeySchema schema, List<ulong[]> keys)
    {
        Name = name;
        Schema = schema;
        Keys = keys;
        var builder = new BkeyFormatBuilder(schema);
        foreach (var key in keys) builder.AddFields(key);
        Format = builder.Build();
        Packed = new byte[keys.Count * Format.KeyBytes];
        for (var i = 0; i < keys.Count; i++)
        {
            if (!Format.TryPackFields(keys[i], 0, needsWhiteout: false, 0, Packed.AsSpan(i * Format.KeyBytes)))
                throw new InvalidOperationException($"Key {i} of set {name} does not fit its format [{Format}].");
        }
    }

    public string Name { get; }

    public KeySchema Schema { get; }

    public BkeyFormat Format { get; }

    /// <summary>The keys' fields, sorted.</summary>
    public List<ulong[]> Keys { get; }

    /// <summary>The keys packed back to back, <see cref="BkeyFormat.KeyBytes"/> each.</summary>
    public byte[] Packed { get; }

    public int Count => Keys.Count;

    /// <summary>db_bench's keys: <c>%016d</c> of a random number below 1,000,000, in a byte-string tree (511-byte keys).</summary>
    public static SchemaKeySet DbBench(int seed = 11)
    {
        var random = new Random(seed);
        var numbers = Enumerable.Range(0, 1_000_000).Select(_ => random.Next(1_000_000)).Distinct().Order().ToArray();
        var start = random.Next(numbers.Length - NodeKeys);
        var keys = numbers[start..(start + NodeKeys)].Select(n => n.ToString("D16", CultureInfo.InvariantCulture));
        return Strings("db_bench", keys);
    }

    /// <summary>YCSB's keys: "user" and the 64-bit FNV-1a hash of the record number in decimal, 23 or 24 bytes.</summary>
    public static SchemaKeySet Ycsb(int seed = 12)
    {
        var random = new Random(seed);
        var keys = Enumerable.Range(0, 1_000_000).Select(i => "user" + Fnv1a64((ulong)i).ToString(CultureInfo.InvariantCulture)).Order(StringComparer.Ordinal).ToArray();
        var start = random.Next(keys.Length - NodeKeys);
        return Strings("ycsb", keys[start..(start + NodeKeys)]);
    }

    /// <summary>Typed keys <c>(long tenant, DateTime at, int seq)</c>: one tenant's events, seconds apart, a few per instant.</summary>
    public static SchemaKeySet Typed(int seed = 13)
    {
        var schema = new KeySchema(new KeyComponent(KeyComponentKind.Int64), new KeyComponent(KeyComponentKind.DateTime), new KeyComponent(KeyComponentKind.Int32));
        var random = new Random(seed);
        var at = new DateTime(2026, 11, 29, 8, 0, 0, DateTimeKind.Utc);
        var keys = new List<ulong[]>();
        for (var i = 0; i < NodeKeys; i++)
        {
            at = at.AddMilliseconds(random.Next(0, 5_000));
            var fields = new ulong[schema.FieldCount];
            var writer = new KeyFieldWriter(schema, fields);
            writer.Int64(-1_000 + 42);
            writer.DateTime(at);
            writer.Int32(random.Next(-100, 1_000));
            keys.Add(fields);
        }
        keys.Sort((a, b) => a.AsSpan().SequenceCompareTo(b));
        return new SchemaKeySet("typed", schema, [.. keys.DistinctBy(k => (k[0], k[1], k[2], k[3]))]);
    }

    /// <summary>
    /// Byte strings that differ deep inside: one 511-byte string with one byte of its second half changed per key, so
    /// that a packed compare walks about half of some 30 words before it decides (what the compare loop is measured on).
    /// </summary>
    public static SchemaKeySet Deep(int seed = 14)
    {
        var schema = KeySchema.ByteString();
        var random = new Random(seed);
        var template = new byte[KeySchema.DefaultByteStringBytes];
        random.NextBytes(template);
        var keys = new List<ulong[]>();
        for (var i = 0; i < NodeKeys; i++)
        {
            var bytes = template.ToArray();
            bytes[random.Next(256, bytes.Length)] = (byte)random.Next(256);
            keys.Add(Fields(schema, bytes));
        }
        keys.Sort((a, b) => a.AsSpan().SequenceCompareTo(b));
        return new SchemaKeySet("deep-bytes", schema, [.. keys.DistinctBy(k => string.Join(',', k))]);
    }

    private static SchemaKeySet Strings(string name, IEnumerable<string> sorted)
    {
        var schema = KeySchema.ByteString();
        return new SchemaKeySet(name, schema, [.. sorted.Select(key => Fields(schema, Encoding.ASCII.GetBytes(key)))]);
    }

    private static ulong[] Fields(KeySchema schema, byte[] bytes)
    {
        var fields = new ulong[schema.FieldCount];
        new KeyFieldWriter(schema, fields).Bytes(bytes);
        return fields;
    }

    /// <summary>YCSB's record-number hash (64-bit FNV-1a over the number's eight bytes, little-endian).</summary>
    private static ulong Fnv1a64(ulong value)
    {
        var hash = 0xCBF29CE484222325UL;
        for (var i = 0; i < 8; i++)
        {
            hash ^= value & 0xFF;
            hash *= 0x100000001B3UL;
            value >>= 8;
        }
        return hash;
    }
}
