using Packtree.Keys;

namespace Packtree.Bench.Peers;

/// <summary>The keys and values of the peer workloads: the same for every engine and every round.</summary>
public static class PeerKeys
{
    /// <summary>The kinds of keys the suite runs on: positions (extents-like, random), then byte keys (db_bench's, YCSB's).</summary>
    public static readonly string[] Kinds = ["extents", "random", "dbbench", "ycsb"];

    /// <summary>Whether keys of <paramref name="kind"/> are bytes only (Packtree stores them in a byte-key tree).</summary>
    public static bool IsBytes(string kind) => kind is "dbbench" or "ycsb";

    /// <summary>Bytes in every value.</summary>
    public const int ValueBytes = 100;

    /// <summary>Random bytes the values are cut from: values do not compress, so no engine gains from compressing them.</summary>
    private static readonly byte[] ValuePool = MakePool();

    /// <summary>
    /// <paramref name="count"/> distinct keys in insertion order: extents-like (64 files, offsets growing by
    /// extent sizes), random u64 offsets, db_bench's (<c>%016d</c> of the numbers below <paramref name="count"/>,
    /// shuffled) or YCSB's ("user" and the hashed record number, records 0, 1, 2...); the same keys every time for
    /// the same kind and count.
    /// </summary>
    public static BenchKey[] Make(string kind, int count)
    {
        if (!Kinds.Contains(kind)) throw new ArgumentException($"No key kind '{kind}'; kinds: {string.Join(", ", Kinds)}.", nameof(kind));
        if (kind == "dbbench") return [.. ByteKeys.DbBench(count, seed: 3).Select(BenchKey.OfBytes)];
        if (kind == "ycsb") return Distinct(Enumerable.Range(0, int.MaxValue).Select(i => ByteKeys.YcsbKey(i)), count);
        var random = new Random(kind == "extents" ? 1 : 2);
        var positions = new HashSet<Bpos>();
        var keys = new List<BenchKey>(count);
        var ends = new ulong[64];
        while (keys.Count < count)
        {
            Bpos position;
            if (kind == "extents")
            {
                var file = random.Next(64);
                ends[file] += (ulong)random.Next(1, 129);
                position = new Bpos(4096 + (ulong)file, ends[file], uint.MaxValue);
            }
            else
            {
                position = new Bpos(0, (ulong)random.NextInt64(long.MinValue, long.MaxValue), uint.MaxValue);
            }
            if (positions.Add(position)) keys.Add(new BenchKey(position));
        }
        return [.. keys];
    }

    /// <summary>The first <paramref name="count"/> distinct keys of <paramref name="candidates"/>, in their order.</summary>
    private static BenchKey[] Distinct(IEnumerable<byte[]> candidates, int count)
    {
        var seen = new HashSet<string>(count);
        return [.. candidates.Where(k => seen.Add(System.Text.Encoding.Latin1.GetString(k))).Take(count).Select(BenchKey.OfBytes)];
    }

    /// <summary>The 100-byte value of write <paramref name="i"/>, into <paramref name="value"/>: a slice of the random pool, different per write.</summary>
    public static byte[] Value(byte[] value, int i)
    {
        ValuePool.AsSpan((int)((uint)(i * 7919) % (uint)(ValuePool.Length - ValueBytes)), ValueBytes).CopyTo(value);
        return value;
    }

    private static byte[] MakePool()
    {
        var pool = new byte[1 << 20];
        new Random(99).NextBytes(pool);
        return pool;
    }
}
