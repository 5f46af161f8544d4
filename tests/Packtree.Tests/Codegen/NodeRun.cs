using Packtree.Keys;

namespace Packtree.Tests.Codegen;

/// <summary>
/// A node's run of keys of any schema, as a bset lays them out: sorted keys, most packed in a format computed from
/// most of them (so some do not fit and are stored unpacked, as some are at random), each followed by a value.
/// </summary>
internal sealed class NodeRun
{
    private NodeRun(BkeyFormat format, List<ulong[]> keys, byte[] run, List<int> offsets, List<(byte[] Key, int Index)> packedKeys)
    {
        Format = format;
        Keys = keys;
        Run = run;
        Offsets = offsets;
        PackedKeys = packedKeys;
    }

    /// <summary>The node's format.</summary>
    public BkeyFormat Format { get; }

    /// <summary>The keys (all fields), sorted by their key fields.</summary>
    public List<ulong[]> Keys { get; }

    /// <summary>The keys and their values back to back.</summary>
    public byte[] Run { get; }

    /// <summary>Byte offset of each key in <see cref="Run"/>.</summary>
    public List<int> Offsets { get; }

    /// <summary>Each packed key with its value, and its index in <see cref="Keys"/>.</summary>
    public List<(byte[] Key, int Index)> PackedKeys { get; }

    /// <summary>Up to <paramref name="most"/> random keys of <paramref name="schema"/> in a run.</summary>
    public static NodeRun Random(Random random, KeySchema schema, int most = 60) => Of(random, schema, SchemaKeyGenerators.Keys(random, schema, most));

    /// <summary>A run of <paramref name="keys"/> (sorted, distinct) of <paramref name="schema"/>.</summary>
    public static NodeRun Of(Random random, KeySchema schema, List<ulong[]> keys)
    {
        var builder = new BkeyFormatBuilder(schema);
        foreach (var key in keys.Where((_, i) => i % 5 != 4 || keys.Count == 1)) builder.AddFields(key); // every fifth key may not fit
        var format = builder.Build(roundToBytes: random.Next(3) != 0);
        var unpacked = schema.UnpackedFormat;
        var run = new List<byte>();
        var offsets = new List<int>();
        var packedKeys = new List<(byte[], int)>();
        var buffer = new byte[unpacked.KeyBytes];
        for (var i = 0; i < keys.Count; i++)
        {
            offsets.Add(run.Count);
            var valueU64s = random.Next(4) == 0 ? random.Next(0, Math.Min(4, format.MaxValueU64s) + 1) : 0;
            var value = new byte[valueU64s * 8];
            random.NextBytes(value);
            var type = (byte)random.Next(0, 40);
            if (random.Next(8) != 0 && format.TryPackFields(keys[i], type, needsWhiteout: false, valueU64s, buffer))
            {
                byte[] packed = [.. buffer.AsSpan(0, format.KeyBytes), .. value];
                packedKeys.Add((packed, i));
                run.AddRange(packed);
                continue;
            }
            Assert.True(unpacked.TryPackFields(keys[i], type, needsWhiteout: false, valueU64s, buffer));
            buffer[KeyHeader.FormatByteOffset] = Bkey.FormatCurrent; // stored unpacked: format 1
            run.AddRange(buffer);
            run.AddRange(value);
        }
        return new NodeRun(format, keys, [.. run], offsets, packedKeys);
    }
}
