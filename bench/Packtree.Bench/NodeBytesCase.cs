using Packtree.Nodes;
using Spectre.Console;

namespace Packtree.Bench;

/// <summary>
/// The node suite's byte-key case: lookups in a full node of db_bench keys and of YCSB keys against
/// <see cref="Array.BinarySearch{T}(T[], T, IComparer{T})"/> over the same keys as <c>byte[]</c> with an ordinal
/// span comparer (a value array beside them), and the memory each takes. Both look up a key given as bytes and
/// read its value. The two are measured side by side in several repetitions, alternating which goes first, and
/// compared as the median of the per-repetition ratios with their spread.
/// </summary>
public static class NodeBytesCase
{
    /// <summary>The kinds of byte keys, as the peers suite names them.</summary>
    public static readonly string[] Kinds = ["dbbench", "ycsb"];

    /// <summary>Measures both kinds into <paramref name="document"/> (cases <c>dbbench keys</c> and <c>ycsb keys</c>) and prints a table.</summary>
    internal static void Run(BenchDocument document, Measure measure, NodeCodec codec, bool quick)
    {
        var repetitions = quick ? 2 : 5;
        foreach (var kind in Kinds)
        {
            var made = kind == "dbbench" ? ByteKeyNode.DbBench(codec) : ByteKeyNode.Ycsb(codec);
            var @case = $"{kind} keys";
            var random = new Random(31);
            var hits = Enumerable.Range(0, 4096).Select(_ => made.Keys[random.Next(made.Keys.Length)]).ToArray();
            var misses = Enumerable.Range(0, 4096).Select(_ => made.Misses[random.Next(made.Misses.Length)]).ToArray();
            var (sorted, values, arrayBytes) = Arrays(made.Keys);
            foreach (var (what, searches) in new[] { ("lookup_hit", hits), ("lookup_miss", misses) })
            {
                var node = new List<double>();
                var array = new List<double>();
                for (var r = 0; r < repetitions; r++)
                {
                    double Node() => measure.NanosecondsPerOperation(() => NodeLookups(made.Node, searches), searches.Length);
                    double Array() => measure.NanosecondsPerOperation(() => ArrayLookups(sorted, values, searches), searches.Length);
                    if (r % 2 == 0) (node, array) = (Add(node, Node()), Add(array, Array()));
                    else (array, node) = (Add(array, Array()), Add(node, Node()));
                }
                var ratio = Spread.Of(node.Zip(array, (n, a) => n / a).ToList());
                document.Add(@case, $"node/{what}", "ns_per_lookup", Spread.Of(node).Median, "ns");
                document.Add(@case, $"binary_search/{what}", "ns_per_lookup", Spread.Of(array).Median, "ns");
                document.Add(@case, $"node/binary_search/{what}", "time_ratio", ratio.Median, "x");
                document.Add(@case, $"node/binary_search/{what}", "time_ratio_min", ratio.Min, "x");
                document.Add(@case, $"node/binary_search/{what}", "time_ratio_max", ratio.Max, "x");
            }
            var nodeBytes = codec.Geometry.NodeBytes + made.Node.AuxBytes;
            var keys = made.Keys.Length;
            document.Add(@case, "node", "keys", keys, "keys");
            document.Add(@case, "node", "memory_bytes", nodeBytes, "bytes");
            document.Add(@case, "node", "used_bytes", made.Node.UsedBytes + made.Node.AuxBytes, "bytes");
            document.Add(@case, "node", "bytes_per_key", (double)nodeBytes / keys, "bytes");
            document.Add(@case, "node", "key_bytes_per_key", made.StoredKeyBytesPerKey(), "bytes");
            document.Add(@case, "node", "key_bits", made.Node.Format.KeyBits, "bits");
            document.Add(@case, "binary_search", "memory_bytes", arrayBytes, "bytes");
            document.Add(@case, "binary_search", "bytes_per_key", (double)arrayBytes / keys, "bytes");
            document.Add(@case, "keys", "raw_bytes_per_key", made.Keys.Average(k => k.Length), "bytes");
            document.Add(@case, "node/binary_search", "memory_ratio", (double)nodeBytes / arrayBytes, "x");
        }
        Print(document, repetitions);
    }

    private static List<double> Add(List<double> list, double value)
    {
        list.Add(value);
        return list;
    }

    /// <summary>The keys copied into their own arrays, sorted, with an 8-byte value each, and the bytes all that allocated.</summary>
    private static (byte[][] Sorted, ulong[] Values, long Bytes) Arrays(byte[][] keys)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        var sorted = new byte[keys.Length][];
        for (var i = 0; i < keys.Length; i++) sorted[i] = (byte[])keys[i].Clone();
        var values = new ulong[keys.Length];
        var bytes = GC.GetAllocatedBytesForCurrentThread() - before;
        Array.Sort(sorted, OrdinalBytesComparer.Instance);
        for (var i = 0; i < values.Length; i++) values[i] = (ulong)i;
        return (sorted, values, bytes);
    }

    private static ulong NodeLookups(BtreeNode node, byte[][] searches)
    {
        Span<ulong> fields = stackalloc ulong[ByteKeyNode.Schema.FieldCount];
        ulong found = 0;
        foreach (var key in searches)
        {
            ByteKeyNode.Fields(key, fields);
            var at = node.FindLive(fields);
            if (at >= 0) found += node.ValueAt(at)[0] + 1UL;
        }
        return found;
    }

    private static ulong ArrayLookups(byte[][] sorted, ulong[] values, byte[][] searches)
    {
        ulong found = 0;
        foreach (var key in searches)
        {
            var at = Array.BinarySearch(sorted, key, OrdinalBytesComparer.Instance);
            if (at >= 0) found += values[at] + 1;
        }
        return found;
    }

    private static void Print(BenchDocument document, int repetitions)
    {
        var table = new Table().Title($"Packtree.Bench node — a full {NodeGeometry.DefaultNodeBytes / 1024} KiB node of byte keys (8-byte values) against Array.BinarySearch over byte[[]] keys, {repetitions} alternating repetitions");
        table.AddColumns("keys", "keys in node", "hit: node / BinarySearch, ns", "node ÷ BinarySearch (time)", "miss: node / BinarySearch, ns", "node ÷ BinarySearch (time)",
            "memory: node / arrays, bytes per key", "stored key bytes / raw");
        foreach (var kind in Kinds)
        {
            var @case = $"{kind} keys";
            double Get(string variant, string metric) => document.Find(@case, variant, metric)!.Value;
            string Ratio(string what) =>
                $"{Get($"node/binary_search/{what}", "time_ratio"):F2}× ({Get($"node/binary_search/{what}", "time_ratio_min"):F2}–{Get($"node/binary_search/{what}", "time_ratio_max"):F2})";
            table.AddRow(kind, $"{Get("node", "keys"):F0}",
                $"{Get("node/lookup_hit", "ns_per_lookup"):F1} / {Get("binary_search/lookup_hit", "ns_per_lookup"):F1}", Ratio("lookup_hit"),
                $"{Get("node/lookup_miss", "ns_per_lookup"):F1} / {Get("binary_search/lookup_miss", "ns_per_lookup"):F1}", Ratio("lookup_miss"),
                $"{Get("node", "bytes_per_key"):F1} / {Get("binary_search", "bytes_per_key"):F1} ({Get("node/binary_search", "memory_ratio") * 100:F0}%)",
                $"{Get("node", "key_bytes_per_key"):F2} / {Get("keys", "raw_bytes_per_key"):F2}");
        }
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine("[grey]node memory: its whole buffer and aux tree (keys, 8-byte values); arrays: the key arrays, the array of them and a ulong value array, as allocated. Ratios below 1: the node is faster.[/]");
    }
}
