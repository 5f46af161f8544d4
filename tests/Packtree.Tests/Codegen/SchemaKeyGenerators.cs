using System.Text;
using Packtree.Keys;

namespace Packtree.Tests.Codegen;

/// <summary>
/// Random key schemas and the keys of one node for them, as fields: typed keys written by <see cref="KeyFieldWriter"/>
/// (byte strings sharing prefixes and prefixes of each other, empty, at their largest, all 0x00 or 0xFF; integers at
/// their extremes and around a base; Guid and DateTime extremes) or raw fields clustered the way a node's are.
/// </summary>
internal static class SchemaKeyGenerators
{
    private static readonly KeyComponentKind[] Kinds = Enum.GetValues<KeyComponentKind>();

    // Text pieces of 1 to 4 UTF-8 bytes (a surrogate pair stays whole), including NUL and the largest code point.
    private static readonly string[] Atoms = ["a", "b", "z", "\0", "é", "€", "\U0001F600", "\U0010FFFF", "/", "0", "9"];

    /// <summary>A schema of 1 to 4 components; strings and bytes of 1 to 40 bytes, sometimes 511 or 1,024.</summary>
    public static KeySchema Schema(Random random)
    {
        var components = new KeyComponent[random.Next(1, 5)];
        var fields = 0;
        for (var i = 0; i < components.Length; i++)
        {
            var kind = Kinds[random.Next(Kinds.Length)];
            var variable = kind is KeyComponentKind.String or KeyComponentKind.Bytes;
            var max = random.Next(8) switch
            {
                0 => KeySchema.DefaultByteStringBytes,
                1 => KeyComponent.MaxVariableBytes,
                _ => random.Next(1, 41),
            };
            var component = variable ? new KeyComponent(kind, max) : new KeyComponent(kind);
            if (fields + component.FieldCount > KeySchema.MaxFieldCount)
            {
                if (fields == KeySchema.MaxFieldCount) return new KeySchema(components[..i]); // full: no room for even one field
                component = new KeyComponent(KeyComponentKind.Int64);
            }
            fields += component.FieldCount;
            components[i] = component;
        }
        return new KeySchema(components);
    }

    /// <summary>1 to <paramref name="most"/> distinct keys of <paramref name="schema"/> (all fields), sorted by their key fields.</summary>
    public static List<ulong[]> Keys(Random random, KeySchema schema, int most)
    {
        var count = random.Next(1, most + 1);
        var keys = new List<ulong[]>();
        if (schema.IsPositions || random.Next(4) == 0)
        {
            var ranges = Enumerable.Range(0, schema.FieldCount).Select(field => ClusterRange(random, schema.UnpackedWidth(field))).ToArray();
            for (var i = 0; i < count; i++) keys.Add(ranges.Select(r => r.Base + (r.Spread == 64 ? (ulong)random.NextInt64() << 1 ^ (ulong)random.Next(2) : (ulong)random.NextInt64() & ((1UL << r.Spread) - 1))).ToArray());
            if (schema.IsPositions) keys = [.. keys.Select(k => Narrowed(schema, k))];
        }
        else
        {
            var seeds = schema.Components.Select(_ => random.NextInt64()).ToArray();
            var prefixes = schema.Components.Select(c => Text(random, Math.Max(c.MaxBytes, 1))).ToArray();
            for (var i = 0; i < count; i++) keys.Add(Typed(random, schema, seeds, prefixes));
        }
        var keyFields = schema.KeyFieldCount;
        return [.. keys.DistinctBy(k => string.Join(',', k.Take(keyFields))).Order(Comparer<ulong[]>.Create((a, b) => Compare(a, b, keyFields)))];
    }

    /// <summary>Compares the first <paramref name="count"/> fields as unsigned words, first to last: the order of keys.</summary>
    public static int Compare(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b, int count) => Math.Sign(a[..count].SequenceCompareTo(b[..count]));

    /// <summary>Searches around the keys: at each, a field nudged by -2..2 (between keys), below and above every key, and anywhere.</summary>
    public static IEnumerable<ulong[]> Searches(Random random, KeySchema schema, List<ulong[]> keys)
    {
        var count = schema.KeyFieldCount;
        yield return new ulong[count];
        yield return Enumerable.Repeat(ulong.MaxValue, count).ToArray();
        yield return Enumerable.Range(0, count).Select(_ => (ulong)random.NextInt64() << 1).ToArray();
        for (var i = 0; i < Math.Min(keys.Count, 20); i++)
        {
            var key = keys[random.Next(keys.Count)];
            yield return key[..count];
            var nudged = key[..count];
            var field = random.Next(count);
            nudged[field] += (ulong)(long)random.Next(-2, 3);
            yield return nudged;
            var tail = key[..count];
            tail[^1] = random.Next(2) == 0 ? ulong.MaxValue : tail[^1] + 1; // just after the key, also past a 32-bit snapshot
            yield return tail;
        }
    }

    private static (ulong Base, int Spread) ClusterRange(Random random, int width)
    {
        var max = width == 64 ? ulong.MaxValue : (1UL << width) - 1;
        var spread = random.Next(3) switch { 0 => 0, 1 => random.Next(1, 13), _ => random.Next(13, width + 1) };
        var top = spread == 64 ? 0 : max - (spread == 0 ? 0 : (1UL << spread) - 1);
        var low = random.Next(4) switch { 0 => 0UL, 1 => top, _ => (ulong)random.NextInt64() % (top == ulong.MaxValue ? top : top + 1) };
        return (low, spread);
    }

    private static ulong[] Narrowed(KeySchema schema, ulong[] fields)
    {
        for (var i = 0; i < fields.Length; i++)
        {
            if (schema.UnpackedWidth(i) == 32) fields[i] = (uint)fields[i];
        }
        return fields;
    }

    private static ulong[] Typed(Random random, KeySchema schema, long[] seeds, string[] prefixes)
    {
        var fields = new ulong[schema.FieldCount];
        var writer = new KeyFieldWriter(schema, fields);
        for (var c = 0; c < schema.Components.Count; c++)
        {
            var component = schema.Components[c];
            var edge = random.Next(5) == 0;
            var near = seeds[c] + random.Next(-50, 50);
            switch (component.Kind)
            {
                case KeyComponentKind.Int8: writer.Int8(edge ? Pick(random, sbyte.MinValue, sbyte.MaxValue, (sbyte)-1, (sbyte)0) : (sbyte)near); break;
                case KeyComponentKind.Int16: writer.Int16(edge ? Pick(random, short.MinValue, short.MaxValue, (short)-1, (short)0) : (short)near); break;
                case KeyComponentKind.Int32: writer.Int32(edge ? Pick(random, int.MinValue, int.MaxValue, -1, 0) : (int)near); break;
                case KeyComponentKind.Int64: writer.Int64(edge ? Pick(random, long.MinValue, long.MaxValue, -1L, 0L) : near); break;
                case KeyComponentKind.UInt8: writer.UInt8(edge ? Pick(random, byte.MinValue, byte.MaxValue) : (byte)near); break;
                case KeyComponentKind.UInt16: writer.UInt16(edge ? Pick(random, ushort.MinValue, ushort.MaxValue) : (ushort)near); break;
                case KeyComponentKind.UInt32: writer.UInt32(edge ? Pick(random, uint.MinValue, uint.MaxValue) : (uint)near); break;
                case KeyComponentKind.UInt64: writer.UInt64(edge ? Pick(random, ulong.MinValue, ulong.MaxValue) : (ulong)near); break;
                case KeyComponentKind.Guid:
                    writer.Guid(edge ? Pick(random, Guid.Empty, Guid.AllBitsSet, Guid.NewGuid()) : new Guid((int)near, 7, 9, 1, 2, 3, 4, 5, 6, (byte)random.Next(3), (byte)random.Next(256)));
                    break;
                case KeyComponentKind.DateTime:
                    writer.DateTime(edge
                        ? Pick(random, DateTime.MinValue, DateTime.MaxValue, DateTime.UnixEpoch)
                        : new DateTime(630_000_000_000_000_000 + (Math.Abs(seeds[c]) % 1_000_000_000) + random.Next(0, 100_000), (DateTimeKind)random.Next(3)));
                    break;
                case KeyComponentKind.DateTimeOffset:
                    writer.DateTimeOffset(edge
                        ? Pick(random, DateTimeOffset.MinValue, DateTimeOffset.MaxValue)
                        : new DateTimeOffset(630_000_000_000_000_000 + random.Next(0, 100_000), TimeSpan.FromMinutes(random.Next(-14 * 60, 14 * 60 + 1))));
                    break;
                case KeyComponentKind.String:
                    writer.String(StringVariant(random, prefixes[c], component.MaxBytes));
                    break;
                default:
                    writer.Bytes(BytesVariant(random, Encoding.UTF8.GetBytes(prefixes[c]), component.MaxBytes));
                    break;
            }
        }
        return fields;
    }

    /// <summary>A string of at most <paramref name="maxBytes"/> UTF-8 bytes.</summary>
    private static string Text(Random random, int maxBytes)
    {
        var text = new StringBuilder();
        var bytes = 0;
        var length = random.Next(0, maxBytes + 1);
        while (true)
        {
            var atom = Atoms[random.Next(Atoms.Length)];
            var size = Encoding.UTF8.GetByteCount(atom);
            if (bytes + size > length) return text.ToString();
            text.Append(atom);
            bytes += size;
        }
    }

    /// <summary>The shared prefix, a prefix of it, it extended, empty, or as long as allowed.</summary>
    private static string StringVariant(Random random, string prefix, int maxBytes) => random.Next(6) switch
    {
        0 => "",
        1 => Text(random, maxBytes),
        2 => Truncate(prefix, random.Next(0, prefix.Length + 1)),
        3 => new string('a', maxBytes),
        _ => Truncate(prefix + Text(random, maxBytes), maxBytes),
    };

    private static string Truncate(string text, int maxBytes)
    {
        while (Encoding.UTF8.GetByteCount(text) > maxBytes) text = char.IsLowSurrogate(text[^1]) ? text[..^2] : text[..^1];
        return text;
    }

    /// <summary>The shared prefix, a prefix of it, it extended, empty, at the largest size, or all 0x00 or 0xFF.</summary>
    private static byte[] BytesVariant(Random random, byte[] prefix, int maxBytes)
    {
        switch (random.Next(7))
        {
            case 0: return [];
            case 1: return Enumerable.Repeat((byte)0x00, random.Next(0, maxBytes + 1)).ToArray();
            case 2: return Enumerable.Repeat((byte)0xFF, random.Next(0, maxBytes + 1)).ToArray();
            case 3: return prefix[..random.Next(0, prefix.Length + 1)];
            case 4:
                var full = new byte[maxBytes];
                random.NextBytes(full);
                prefix.AsSpan(0, Math.Min(prefix.Length, maxBytes)).CopyTo(full);
                return full;
            default:
                var tail = new byte[random.Next(0, maxBytes - Math.Min(prefix.Length, maxBytes) + 1)];
                for (var i = 0; i < tail.Length; i++) tail[i] = (byte)random.Next(0, 4) switch { 0 => 0x00, 1 => 0xFF, _ => (byte)random.Next(256) };
                return [.. prefix.AsSpan(0, Math.Min(prefix.Length, maxBytes)), .. tail];
        }
    }

    private static T Pick<T>(Random random, params T[] values) => values[random.Next(values.Length)];
}
