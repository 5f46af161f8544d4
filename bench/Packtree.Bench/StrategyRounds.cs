using System.Diagnostics;
using Packtree.Codegen;
using Packtree.Keys;
using Packtree.Nodes;
using Spectre.Console;

namespace Packtree.Bench;

/// <summary>
/// Key code end to end, side by side: the tree suite's random keys in one tree per strategy — the best portable path
/// (byte-aligned, generic where a format is not), compiled, and Auto — in memory and on a file read back from disk
/// (leaves of one bset); then, after one full scan of each, random lookups and full scans in rounds that rotate the
/// strategies' order. Ratios are
/// taken round by round against the portable path and reported as median and spread.
/// </summary>
public static class StrategyRounds
{
    private static readonly UnpackStrategy[] Strategies = [UnpackStrategy.ByteAligned, UnpackStrategy.Compiled, UnpackStrategy.Auto];
    private static readonly string[] Workloads = ["rand_insert", "rand_lookup", "seq_lookup"];

    public static BenchDocument Run(BenchSettings settings)
    {
        var count = settings.Keys ?? (settings.Quick ? 100_000 : 1_000_000);
        var rounds = settings.Rounds ?? (settings.Quick ? 2 : 5);
        var document = new BenchDocument("codegen");
        document.Add("all", "workload", "keys", count, "keys");
        document.Add("all", "workload", "rounds", rounds, "rounds");
        // The tree suite's keys: random u64 offsets in inode 0, snapshot U32_MAX; lookups in a random order.
        var random = new Random(42);
        var seen = new HashSet<ulong>();
        var keys = new Bpos[count];
        for (var i = 0; i < count; i++)
        {
            ulong offset;
            do offset = (ulong)random.NextInt64(long.MinValue, long.MaxValue); while (!seen.Add(offset));
            keys[i] = new Bpos(0, offset, uint.MaxValue);
        }
        var lookups = keys.OrderBy(_ => random.Next()).Take(Math.Min(count, 1_000_000)).ToArray();
        var folder = Path.Combine(Path.GetTempPath(), $"packtree-bench-codegen-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        try
        {
            Run(document, keys, lookups, rounds, folder);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
        return document;
    }

    private static void Run(BenchDocument document, Bpos[] keys, Bpos[] lookups, int rounds, string folder)
    {
        foreach (var place in new[] { "memory", "file" })
        {
            var rates = Workloads.ToDictionary(w => w, _ => Strategies.ToDictionary(s => s, _ => new List<double>()));
            var trees = new Tree[Strategies.Length];
            var stores = new List<Store>();
            var (formatsBefore, formatTimeBefore) = (CodegenMetrics.Compilations, CodegenMetrics.CompileTime);
            var (shapesBefore, shapeTimeBefore) = (CodegenMetrics.ShapeCompilations, CodegenMetrics.ShapeCompileTime);
            for (var i = 0; i < Strategies.Length; i++)
            {
                var (tree, seconds) = Build(place, Strategies[i], keys, folder, stores);
                trees[i] = tree;
                rates["rand_insert"][Strategies[i]].Add(keys.Length / seconds);
            }
            var leaves = LeafFormats.Of(trees[0]);
            document.Add($"e2e_{place}", "leaves", "leaves", leaves.Leaves, "leaves");
            document.Add($"e2e_{place}", "leaves", "formats", leaves.Formats, "formats");
            document.Add($"e2e_{place}", "leaves", "shapes", leaves.Shapes, "shapes");
            ulong sink = 0;
            var buffer = new byte[64];
            foreach (var tree in trees) // one scan first, so that no round pays for loading nodes from disk
            {
                foreach (var entry in tree.Scan()) sink += entry.Key.Offset;
            }
            var scans = Math.Max(1, 5_000_000 / keys.Length); // full scans per timing: long enough that a pause does not decide it
            for (var round = 0; round < rounds; round++)
            {
                for (var k = 0; k < Strategies.Length; k++)
                {
                    var i = (round + k) % Strategies.Length; // each strategy goes first in turn
                    var tree = trees[i];
                    rates["rand_lookup"][Strategies[i]].Add(Timed(lookups.Length, () =>
                    {
                        foreach (var key in lookups) sink += tree.TryGet(key, buffer, out var length) ? (ulong)length : 0;
                    }));
                    rates["seq_lookup"][Strategies[i]].Add(Timed(scans * keys.Length, () =>
                    {
                        for (var scan = 0; scan < scans; scan++)
                        {
                            foreach (var entry in tree.Scan()) sink += entry.Key.Offset;
                        }
                    }));
                }
            }
            // Code compiled in this place: one method set per exact format (Compiled, and Auto's formats), one kernel per shape (Auto's scans).
            var (formatsCompiled, formatTime) = (CodegenMetrics.Compilations - formatsBefore, CodegenMetrics.CompileTime - formatTimeBefore);
            var (shapesCompiled, shapeTime) = (CodegenMetrics.ShapeCompilations - shapesBefore, CodegenMetrics.ShapeCompileTime - shapeTimeBefore);
            document.Add($"e2e_{place}", "compiled", "formats_compiled", formatsCompiled, "formats");
            document.Add($"e2e_{place}", "compiled", "format_compile_ms", formatTime.TotalMilliseconds, "ms");
            document.Add($"e2e_{place}", "compiled", "shapes_compiled", shapesCompiled, "shapes");
            document.Add($"e2e_{place}", "compiled", "shape_compile_ms", shapeTime.TotalMilliseconds, "ms");
            AnsiConsole.MarkupLine($"{place}: compiled {formatsCompiled:N0} formats in {formatTime.TotalMilliseconds:N0} ms, {shapesCompiled:N0} shapes in {shapeTime.TotalMilliseconds:N1} ms");
            document.Add($"e2e_{place}", "all", "checksum", sink, "");
            foreach (var store in stores) store.Dispose();
            Report(document, place, rates, leaves);
        }
    }

    private static (Tree Tree, double Seconds) Build(string place, UnpackStrategy strategy, Bpos[] keys, string folder, List<Store> stores)
    {
        var value = new byte[8];
        var options = new StoreOptions { UnpackStrategy = strategy };
        var started = Stopwatch.GetTimestamp();
        if (place == "memory")
        {
            var store = Store.CreateInMemory(options);
            stores.Add(store);
            var tree = store.GetOrCreateTree("bench");
            foreach (var key in keys) tree.Put(key, value);
            return (tree, Stopwatch.GetElapsedTime(started).TotalSeconds);
        }
        var path = Path.Combine(folder, $"e2e-{strategy}.packtree");
        using (var writer = Store.Open(path, options with { Durability = Durability.Buffered }))
        {
            var tree = writer.GetOrCreateTree("bench");
            foreach (var key in keys) tree.Put(key, value);
        }
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var reader = Store.Open(path, options); // nodes come back from disk as they are read: one bset each
        stores.Add(reader);
        return (reader.GetOrCreateTree("bench"), seconds);
    }

    private static double Timed(int operations, Action body)
    {
        var started = Stopwatch.GetTimestamp();
        body();
        return operations / Stopwatch.GetElapsedTime(started).TotalSeconds;
    }

    private static void Report(BenchDocument document, string place, Dictionary<string, Dictionary<UnpackStrategy, List<double>>> rates, LeafFormats leaves)
    {
        var table = new Table().Title($"Key code end to end, {place} ({leaves.Leaves:N0} leaves, {leaves.Formats:N0} formats in {leaves.Shapes:N0} shapes): ops/s, median of rounds; ratios to the portable path round by round");
        table.AddColumns("workload", "portable", "compiled", "auto", "compiled ÷ portable", "auto ÷ portable");
        foreach (var workload in Workloads)
        {
            var portable = rates[workload][UnpackStrategy.ByteAligned];
            var cells = new List<string> { workload };
            foreach (var strategy in Strategies)
            {
                var spread = Spread.Of(rates[workload][strategy]);
                document.Add($"e2e_{place}_{workload}", Name(strategy), "ops_per_second", spread.Median, "ops/s");
                cells.Add($"{spread.Median:N0}");
            }
            foreach (var strategy in new[] { UnpackStrategy.Compiled, UnpackStrategy.Auto })
            {
                var ratio = Spread.Of(rates[workload][strategy].Zip(portable, (a, b) => a / b).ToArray());
                document.Add($"e2e_{place}_{workload}", $"{Name(strategy)}_vs_portable", "ratio", ratio.Median, "×");
                document.Add($"e2e_{place}_{workload}", $"{Name(strategy)}_vs_portable", "ratio_min", ratio.Min, "×");
                document.Add($"e2e_{place}_{workload}", $"{Name(strategy)}_vs_portable", "ratio_max", ratio.Max, "×");
                cells.Add(ratio.RatioText);
            }
            table.AddRow(cells.ToArray());
        }
        AnsiConsole.Write(table);
    }

    private static string Name(UnpackStrategy strategy) => strategy switch
    {
        UnpackStrategy.ByteAligned => "portable",
        UnpackStrategy.Compiled => "compiled",
        _ => "auto",
    };
}
