using System.Diagnostics;
using Packtree.Codegen;
using Packtree.Keys;
using Packtree.Nodes;
using Spectre.Console;

namespace Packtree.Bench;

/// <summary>
/// A full 256 KiB node of extents-like keys: point lookups against <see cref="Array.BinarySearch(Array, object)"/>
/// over the same positions unpacked and against a plain binary search over the packed keys (no aux
/// trees); whole-node iteration per unpack strategy; memory per key; rewrite and split time. Then full nodes of
/// byte keys against a binary search over byte arrays (<see cref="NodeBytesCase"/>).
/// </summary>
public static class NodeSuite
{
    private const ulong Magic = 0x7061636b74726565; // "packtree"

    public static BenchDocument Run(bool quick)
    {
        var document = new BenchDocument("node");
        var measure = new Measure(quick);
        var codec = new NodeCodec(NodeGeometry.Default, Magic);
        var (node, positions) = FullNode(codec, bsets: 1);
        var cases = new List<(string Name, BtreeNode Node)> { ("1 bset", node) };
        var (threeBsets, _) = FullNode(codec, bsets: 3);
        cases.Add(("3 bsets", threeBsets));

        var random = new Random(11);
        var hits = Enumerable.Range(0, 4096).Select(_ => positions[random.Next(positions.Length)]).ToArray();
        var misses = hits.Select(p => new Bpos(p.Inode, p.Offset - 1, p.Snapshot)).ToArray(); // between extents ends
        var sorted = positions.ToArray();
        var offsets = PackedOffsets(node);

        foreach (var (name, n) in cases)
        {
            document.Add(name, "node/lookup_hit", "ns_per_lookup", measure.NanosecondsPerOperation(() => Lookups(n, hits), hits.Length), "ns");
            document.Add(name, "node/lookup_miss", "ns_per_lookup", measure.NanosecondsPerOperation(() => Lookups(n, misses), misses.Length), "ns");
            // The question Array.BinarySearch answers: is the position there (no key unpacked, no value returned).
            document.Add(name, "node/contains_hit", "ns_per_lookup", measure.NanosecondsPerOperation(() => Contains(n, hits), hits.Length), "ns");
            document.Add(name, "node/contains_miss", "ns_per_lookup", measure.NanosecondsPerOperation(() => Contains(n, misses), misses.Length), "ns");
        }
        document.Add("1 bset", "array/lookup_hit", "ns_per_lookup", measure.NanosecondsPerOperation(() => ArrayLookups(sorted, hits), hits.Length), "ns");
        document.Add("1 bset", "array/lookup_miss", "ns_per_lookup", measure.NanosecondsPerOperation(() => ArrayLookups(sorted, misses), misses.Length), "ns");
        document.Add("1 bset", "packed_binary_search/lookup_hit", "ns_per_lookup", measure.NanosecondsPerOperation(() => PackedLookups(node, offsets, hits), hits.Length), "ns");
        document.Add("1 bset", "packed_binary_search/lookup_miss", "ns_per_lookup", measure.NanosecondsPerOperation(() => PackedLookups(node, offsets, misses), misses.Length), "ns");

        var buffer = new Bkey[positions.Length + 16];
        foreach (var strategy in new[] { UnpackStrategy.Generic, UnpackStrategy.ByteAligned, UnpackStrategy.Compiled })
        {
            var disk = new byte[codec.Geometry.NodeBytes];
            var copy = BtreeNode.Create(codec, node.Header, BtreeNode.NewSeq());
            foreach (var (key, value) in node.LiveKeys()) copy.Insert(key, value.Span);
            copy.Write(disk);
            var read = BtreeNode.Read(codec, disk, copy.Seq, copy.WrittenSectors, "bench", new KeyCodecOptions { Strategy = strategy, CompileThreshold = 0 });
            var ns = measure.NanosecondsPerOperation(() => (ulong)read.UnpackLive(buffer), positions.Length);
            document.Add("1 bset", $"{strategy.ToString().ToLowerInvariant()}/iterate", "keys_per_second", 1e9 / ns, "keys/s");
        }

        var keyCount = positions.Length;
        var nodeBytes = node.UsedBytes + node.AuxBytes;
        document.Add("1 bset", "node", "bytes_per_key", (double)nodeBytes / keyCount, "bytes");
        document.Add("1 bset", "array", "bytes_per_key", Bkey.ByteCount + 8.0, "bytes"); // unpacked key + an 8-byte value
        document.Add("1 bset", "node", "keys", keyCount, "keys");
        var (treeNodes, failed) = node.AuxTreeFloats;
        document.Add("1 bset", "aux_tree", "nodes", treeNodes, "nodes");
        document.Add("1 bset", "aux_tree", "failed_percent", treeNodes == 0 ? 0 : 100.0 * failed / treeNodes, "%");
        document.Add("1 bset", "node/rewrite", "us_per_node", Time(quick ? 3 : 9, () => FullNode(codec, 1).Node, n => n.Rewrite()), "us");
        document.Add("1 bset", "node/split", "us_per_node", Time(quick ? 3 : 9, () => FullNode(codec, 1).Node, n => n.Split()), "us");
        Print(document, node, measure);
        NodeBytesCase.Run(document, measure, codec, quick);
        return document;
    }

    /// <summary>A node filled with extents-like keys (8-byte values) until full, written and read back; optionally two more bsets of overwrites.</summary>
    private static (BtreeNode Node, Bpos[] Positions) FullNode(NodeCodec codec, int bsets)
    {
        var random = new Random(5);
        // The range of a node the tree has split off: from just after its left neighbour's last key to its own last key.
        var min = new Bpos(4096, 1, uint.MaxValue);
        var max = new Bpos(4145, 1 << 20, uint.MaxValue);
        var format = new BkeyFormatBuilder().AddPosition(min).AddPosition(max).Build();
        var node = BtreeNode.Create(codec, new NodeHeader(Magic, NodeHeader.MakeFlags(0, 0, 1), min, max, format), BtreeNode.NewSeq());
        var positions = new List<Bpos>();
        var ends = new ulong[50];
        var value = new byte[8];
        for (var i = 0; ; i++)
        {
            var file = i % 50;
            var size = (uint)random.Next(1, 129);
            ends[file] += size;
            var key = new Bkey(new Bpos(4096 + (ulong)file, ends[file], uint.MaxValue), (byte)BkeyType.Extent, 1, size);
            // As the tree will: a full node is first compacted into the best format for its keys; full again, it is done.
            if (node.Insert(key, value) == InsertResult.NodeFull)
            {
                node.Rewrite();
                if (node.Insert(key, value) == InsertResult.NodeFull) break;
            }
            positions.Add(key.Position);
            if (bsets > 1 && node.UsedBytes > codec.Geometry.NodeBytes * 4 / 5) break; // leave room for two more bsets
        }
        node.Rewrite(); // one bset in the best format for what it holds
        var disk = new byte[codec.Geometry.NodeBytes];
        node.Write(disk);
        var read = BtreeNode.Read(codec, disk, node.Seq, node.WrittenSectors, "bench");
        // Overwrites: an unwritten bset, then another once the first has grown past the write-set size.
        for (var i = 0; read.BsetCount < bsets; i++)
        {
            if (read.Insert(new Bkey(positions[random.Next(positions.Count)], (byte)BkeyType.Extent, 1, 1), value) == InsertResult.NodeFull || i > 100_000)
                throw new InvalidOperationException($"Could not give the node {bsets} bsets.");
        }
        positions.Sort();
        return (read, [.. positions]);
    }

    private static ulong Lookups(BtreeNode node, Bpos[] searches)
    {
        ulong found = 0;
        foreach (var p in searches)
        {
            if (node.TryGet(p, out var key, out _)) found += key.Size;
        }
        return found;
    }

    private static ulong Contains(BtreeNode node, Bpos[] searches)
    {
        ulong found = 0;
        foreach (var p in searches)
        {
            if (node.Contains(p)) found++;
        }
        return found;
    }

    private static ulong ArrayLookups(Bpos[] sorted, Bpos[] searches)
    {
        ulong found = 0;
        foreach (var p in searches)
        {
            if (Array.BinarySearch(sorted, p) >= 0) found++;
        }
        return found;
    }

    /// <summary>Byte offsets of the keys of a one-bset node, for a binary search without aux trees.</summary>
    private static int[] PackedOffsets(BtreeNode node) => [.. node.KeyOffsets()];

    private static ulong PackedLookups(BtreeNode node, int[] offsets, Bpos[] searches)
    {
        var format = node.Format;
        var buffer = node.RawBuffer;
        Span<byte> packed = stackalloc byte[format.KeyBytes];
        ulong found = 0;
        foreach (var p in searches)
        {
            if (!format.TryPackPosition(p, packed)) continue;
            int low = 0, high = offsets.Length - 1;
            while (low <= high)
            {
                var mid = (low + high) >>> 1;
                var order = format.ComparePacked(buffer.Slice(offsets[mid]), packed);
                if (order == 0)
                {
                    found++;
                    break;
                }
                if (order < 0) low = mid + 1;
                else high = mid - 1;
            }
        }
        return found;
    }

    /// <summary>Median time of <paramref name="action"/> on a fresh node from <paramref name="prepare"/> (not timed).</summary>
    private static double Time(int samples, Func<BtreeNode> prepare, Action<BtreeNode> action)
    {
        var times = new double[samples];
        for (var i = 0; i < samples; i++)
        {
            var node = prepare();
            var start = Stopwatch.GetTimestamp();
            action(node);
            times[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
        }
        return Spread.Of(times).Median;
    }

    private static void Print(BenchDocument document, BtreeNode node, Measure measure)
    {
        double Get(string @case, string variant, string metric) => document.Find(@case, variant, metric)!.Value;
        var table = new Table().Title($"Packtree.Bench node — a full {NodeGeometry.DefaultNodeBytes / 1024} KiB node, {Get("1 bset", "node", "keys"):F0} extents-like keys, format {KeysSuite.FormatWidths(node.Format)}");
        table.AddColumns("what", "value");
        table.AddRow("lookup hit: node (1 bset) / node (3 bsets) / packed binary search / Array.BinarySearch, ns",
            $"{Get("1 bset", "node/lookup_hit", "ns_per_lookup"):F1} / {Get("3 bsets", "node/lookup_hit", "ns_per_lookup"):F1} / {Get("1 bset", "packed_binary_search/lookup_hit", "ns_per_lookup"):F1} / {Get("1 bset", "array/lookup_hit", "ns_per_lookup"):F1}");
        table.AddRow("lookup miss: node (1 bset) / node (3 bsets) / packed binary search / Array.BinarySearch, ns",
            $"{Get("1 bset", "node/lookup_miss", "ns_per_lookup"):F1} / {Get("3 bsets", "node/lookup_miss", "ns_per_lookup"):F1} / {Get("1 bset", "packed_binary_search/lookup_miss", "ns_per_lookup"):F1} / {Get("1 bset", "array/lookup_miss", "ns_per_lookup"):F1}");
        table.AddRow("contains hit / miss: node (1 bset) / node (3 bsets) / Array.BinarySearch, ns",
            $"{Get("1 bset", "node/contains_hit", "ns_per_lookup"):F1} / {Get("3 bsets", "node/contains_hit", "ns_per_lookup"):F1} / {Get("1 bset", "array/lookup_hit", "ns_per_lookup"):F1}" +
            $"  ·  {Get("1 bset", "node/contains_miss", "ns_per_lookup"):F1} / {Get("3 bsets", "node/contains_miss", "ns_per_lookup"):F1} / {Get("1 bset", "array/lookup_miss", "ns_per_lookup"):F1}");
        table.AddRow("iterate, million keys/s: generic / byte-aligned / compiled",
            $"{Get("1 bset", "generic/iterate", "keys_per_second") / 1e6:F1} / {Get("1 bset", "bytealigned/iterate", "keys_per_second") / 1e6:F1} / {Get("1 bset", "compiled/iterate", "keys_per_second") / 1e6:F1}");
        table.AddRow("bytes per key: node (keys, values, aux tree) / unpacked key + value",
            $"{Get("1 bset", "node", "bytes_per_key"):F1} / {Get("1 bset", "array", "bytes_per_key"):F1} ({Get("1 bset", "node", "bytes_per_key") / Get("1 bset", "array", "bytes_per_key") * 100:F0}%)");
        table.AddRow("aux tree: nodes, and those that cannot decide by mantissa",
            $"{Get("1 bset", "aux_tree", "nodes"):F0}, {Get("1 bset", "aux_tree", "failed_percent"):F2}% failed");
        table.AddRow("rewrite / split a full node, µs", $"{Get("1 bset", "node/rewrite", "us_per_node"):F0} / {Get("1 bset", "node/split", "us_per_node"):F0}");
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine($"[grey]checksum {measure.Sink:x}[/]");
    }
}
