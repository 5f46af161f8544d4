using Packtree.Keys;

namespace Packtree.Bench;

/// <summary>A format and keys packed in it back to back (no values), as in a bset.</summary>
internal sealed class KeySet
{
    private KeySet(string name, BkeyFormat format, Bkey[] keys)
    {
        Name = name;
        Format = format;
        Keys = keys;
        Packed = new byte[keys.Length * format.KeyBytes];
        for (var i = 0; i < keys.Length; i++)
        {
            if (!format.TryPack(keys[i], Packed.AsSpan(i * format.KeyBytes)))
                throw new InvalidOperationException($"Key {keys[i]} of set {name} does not fit its format [{format}].");
        }
    }

    public string Name { get; }

    public BkeyFormat Format { get; }

    public Bkey[] Keys { get; }

    /// <summary>The keys packed back to back, <see cref="BkeyFormat.KeyBytes"/> each.</summary>
    public byte[] Packed { get; }

    public int Count => Keys.Length;

    /// <summary>
    /// Extents-like keys as bcachefs measured them: 50 files, offsets increasing within each file by
    /// the extent size (1..128 sectors), snapshot 2^32-1, version 0; format from the builder over the
    /// keys and the node's range, byte-aligned by the rounding pass, or not when <paramref name="roundToBytes"/> is false.
    /// </summary>
    public static KeySet Extents(int count, bool roundToBytes, int seed = 1)
    {
        var random = new Random(seed);
        var keys = new Bkey[count];
        var ends = new ulong[50];
        for (var i = 0; i < count; i++)
        {
            var file = i * 50 / count; // files in order, offsets increasing within each
            var size = (uint)random.Next(1, 129);
            ends[file] += size;
            keys[i] = new Bkey(new Bpos(4096 + (ulong)file, ends[file], uint.MaxValue), (byte)BkeyType.Extent, size: size);
        }
        var builder = new BkeyFormatBuilder();
        foreach (var key in keys) builder.AddKey(key);
        builder.AddPosition(keys[0].Position).AddPosition(keys[^1].Position);
        return new KeySet(roundToBytes ? "extents" : "extents-unaligned", builder.Build(roundToBytes), keys);
    }

    /// <summary>
    /// Random keys over wide ranges: inode over 2^13, offset over 2^45, snapshot over 2^26, size over
    /// 2^20 — two words exactly, not byte-aligned, the offset straddling the word boundary. Sorted.
    /// </summary>
    public static KeySet Wide(int count, int seed = 2)
    {
        var random = new Random(seed);
        var keys = new Bkey[count];
        for (var i = 0; i < count; i++)
        {
            var position = new Bpos((ulong)random.NextInt64(1L << 13), (ulong)random.NextInt64(1L << 45), (uint)random.Next(1 << 26));
            keys[i] = new Bkey(position, (byte)BkeyType.Extent, size: (uint)random.Next(1 << 20));
        }
        // Pin the extremes so the format has exactly those widths whatever the seed.
        keys[0].Position = new Bpos(0, 0, 0);
        keys[^1] = new Bkey(new Bpos((1UL << 13) - 1, (1UL << 45) - 1, (1U << 26) - 1), (byte)BkeyType.Extent, size: (1U << 20) - 1);
        Array.Sort(keys, (a, b) => a.Position.CompareTo(b.Position));
        var builder = new BkeyFormatBuilder();
        foreach (var key in keys) builder.AddKey(key);
        return new KeySet("wide", builder.Build(), keys);
    }

    /// <summary>Inodes-btree-like keys: inode numbers with small random gaps, offset 0, snapshot 2^32-1.</summary>
    public static KeySet Inodes(int count, int seed = 3)
    {
        var random = new Random(seed);
        var keys = new Bkey[count];
        var inode = 4096UL;
        for (var i = 0; i < count; i++)
        {
            inode += (ulong)random.Next(1, 8);
            keys[i] = new Bkey(new Bpos(inode, 0, uint.MaxValue), (byte)BkeyType.InodeV3);
        }
        var builder = new BkeyFormatBuilder();
        foreach (var key in keys) builder.AddKey(key);
        return new KeySet("inodes", builder.Build(), keys);
    }

    /// <summary>Random sorted keys in the unpacked format (5 words, 64/64/32/32/32/64 bits).</summary>
    public static KeySet Unpacked(int count, int seed = 4)
    {
        var random = new Random(seed);
        var keys = new Bkey[count];
        for (var i = 0; i < count; i++)
        {
            var position = new Bpos((ulong)random.NextInt64(), (ulong)random.NextInt64(), (uint)random.Next());
            keys[i] = new Bkey(position, (byte)BkeyType.Extent, size: (uint)random.Next(), version: new Bversion((uint)random.Next(), (ulong)random.NextInt64()));
        }
        Array.Sort(keys, (a, b) => a.Position.CompareTo(b.Position));
        return new KeySet("unpacked-format", BkeyFormat.Current, keys);
    }
}
