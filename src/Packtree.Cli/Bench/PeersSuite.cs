using System.Diagnostics;
using Packtree.Keys;
using Packtree.Peers;
using Spectre.Console;

namespace Packtree.Cli.Bench;

/// <summary>
/// Packtree against LMDB, RocksDB, SQLite, ZoneTree and FASTER, side by side in one run: the db_bench
/// workloads (fillseq, fillrandom, overwrite, readrandom, readseq, readreverse, fillsync) and YCSB A, B,
/// C, E and F (Zipfian 0.99), on extents-like keys and on random keys, 100-byte values. Each engine
/// gets fresh folders; fills commit each put on its own without fsync, fillsync with fsync per commit.
/// </summary>
public static class PeersSuite
{
    public static readonly string[] Workloads = ["fillseq", "fillrandom", "overwrite", "readrandom", "readseq", "readreverse", "fillsync", "ycsb_a", "ycsb_b", "ycsb_c", "ycsb_e", "ycsb_f"];

    private const int ValueBytes = 100;

    public static BenchDocument Run(BenchSettings settings)
    {
        var count = settings.Keys ?? (settings.Quick ? 20_000 : 1_000_000);
        var ycsbOperations = Math.Max(1000, count / 4);
        var syncCount = Math.Max(settings.Quick ? 100 : 1000, count / 1000);
        var document = new BenchDocument("peers");
        document.Add("all", "workload", "keys", count, "keys");
        document.Add("all", "workload", "threads", settings.Threads, "threads");
        var root = Path.Combine(Path.GetTempPath(), $"packtree-peers-{Guid.NewGuid():N}");
        Directory.CreateDirectory(root);
        var skipped = new Dictionary<string, string>();
        var durability = new Dictionary<string, (string Fill, string Sync)>();
        try
        {
            AnsiConsole.Progress().AutoClear(false).Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new ElapsedTimeColumn()).Start(progress =>
            {
                foreach (var kind in new[] { "extents", "random" })
                {
                    var keys = MakeKeys(kind, count + ycsbOperations, new Random(kind == "extents" ? 1 : 2));
                    foreach (var (name, needs, open) in PeerCatalog.Engines)
                    {
                        if (skipped.ContainsKey(name)) continue;
                        var task = progress.AddTask($"{kind}: {name}", maxValue: Workloads.Length);
                        try
                        {
                            var folder = Path.Combine(root, $"{kind}-{name}");
                            durability[name] = RunEngine(document, kind, name, open, keys, count, ycsbOperations, syncCount, settings.Threads, folder, () => task.Increment(1));
                        }
                        catch (Exception e) when (PeerCatalog.IsMissingNativeLibrary(e))
                        {
                            skipped[name] = $"its native library could not be loaded ({e.GetBaseException().Message}); it needs {needs}";
                        }
                        task.Value = task.MaxValue;
                    }
                }
            });
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
        foreach (var (name, reason) in skipped) document.Add("all", name, "skipped", 1, reason);
        Print(document, count, skipped, durability);
        WriteCharts(document, settings);
        return document;
    }

    /// <summary>Runs every workload on one engine; returns the durability settings it ran with.</summary>
    private static (string, string) RunEngine(BenchDocument document, string kind, string name, Func<string, bool, IPeerEngine> open, BenchKey[] keys, int count, int ycsbOperations, int syncCount, int threads, string folder, Action step)
    {
        var value = new byte[ValueBytes];
        var random = new Random(7);
        void Record(string workload, long operations, double seconds) => document.Add($"{kind}/{workload}", name, "ops_per_second", operations / seconds, "ops/s");
        IPeerEngine Open(string sub, bool sync)
        {
            var path = Path.Combine(folder, sub);
            Directory.CreateDirectory(path);
            return open(path, sync);
        }

        // fillseq: keys in order into an empty store.
        var sorted = keys.Take(count).OrderBy(k => k.Position).ToArray();
        string fillDurability;
        using (var engine = Open("seq", false))
        {
            fillDurability = engine.Durability;
            Record("fillseq", count, Time(() => Fill(engine, sorted, value)));
        }
        step();
        Directory.Delete(Path.Combine(folder, "seq"), recursive: true);

        // fillrandom, then everything else on that store.
        var dataFolder = Path.Combine(folder, "data");
        var memoryBefore = WorkingSet();
        using (var engine = Open("data", false))
        {
            var inserted = keys.Take(count).ToArray();
            Record("fillrandom", count, Time(() => Fill(engine, inserted, value)));
            step();
            Record("overwrite", count, Time(() =>
            {
                for (var i = 0; i < count; i++) engine.Put(inserted[random.Next(count)], Value(value, i));
            }));
            step();
            engine.Flush();
            document.Add($"{kind}/overwrite", name, "bytes_on_disk_per_key", (double)DirectoryBytes(dataFolder) / count, "bytes");
            document.Add($"{kind}/overwrite", name, "memory_bytes", WorkingSet() - memoryBefore, "bytes");

            Record("readrandom", count, Time(() => Parallel(engine, threads, count, (reader, r, buffer) =>
            {
                if (!reader.Get(inserted[r.Next(count)], buffer)) throw new InvalidOperationException($"{name} lost a key.");
            })));
            step();
            if (engine.SupportsScans)
            {
                Record("readseq", count, Time(() => Check(name, engine.ScanAll(reverse: false), count)));
                step();
                Record("readreverse", count, Time(() => Check(name, engine.ScanAll(reverse: true), count)));
                step();
            }
            else
            {
                step();
                step();
            }

            var zipf = new ZipfianGenerator(count, new Random(11));
            var buffer = new byte[ValueBytes];
            Record("ycsb_a", ycsbOperations, Time(() =>
            {
                for (var i = 0; i < ycsbOperations; i++)
                {
                    var key = inserted[zipf.Next()];
                    if (random.Next(2) == 0) engine.Get(key, buffer);
                    else engine.Put(key, Value(value, i));
                }
            }));
            step();
            Record("ycsb_b", ycsbOperations, Time(() =>
            {
                for (var i = 0; i < ycsbOperations; i++)
                {
                    var key = inserted[zipf.Next()];
                    if (random.Next(20) != 0) engine.Get(key, buffer);
                    else engine.Put(key, Value(value, i));
                }
            }));
            step();
            Record("ycsb_c", ycsbOperations, Time(() => Parallel(engine, threads, ycsbOperations, (reader, _, b) => reader.Get(inserted[zipf.Next()], b))));
            step();
            if (engine.SupportsScans)
            {
                var next = count;
                Record("ycsb_e", ycsbOperations, Time(() =>
                {
                    for (var i = 0; i < ycsbOperations; i++)
                    {
                        if (random.Next(20) != 0) engine.Scan(inserted[zipf.Next()], random.Next(1, 101));
                        else engine.Put(keys[next++], Value(value, i)); // inserts take new keys
                    }
                }));
            }
            step();
            Record("ycsb_f", ycsbOperations, Time(() =>
            {
                for (var i = 0; i < ycsbOperations; i++)
                {
                    var key = inserted[zipf.Next()];
                    engine.Get(key, buffer);
                    if (random.Next(2) == 0)
                    {
                        buffer[0]++;
                        engine.Put(key, buffer); // read-modify-write
                    }
                }
            }));
            step();
        }
        Directory.Delete(dataFolder, recursive: true);

        // fillsync: every commit flushed to stable storage.
        var syncDurability = "not supported per commit";
        using (var engine = Open("sync", true))
        {
            if (engine.SupportsSyncCommits)
            {
                syncDurability = engine.Durability;
                var slice = keys.Take(syncCount).ToArray();
                Record("fillsync", syncCount, Time(() => Fill(engine, slice, value)));
            }
        }
        step();
        return (fillDurability, syncDurability);
    }

    private static void Fill(IPeerEngine engine, BenchKey[] keys, byte[] value)
    {
        for (var i = 0; i < keys.Length; i++) engine.Put(keys[i], Value(value, i));
    }

    /// <summary>A 100-byte value that differs per write (its first 8 bytes).</summary>
    private static byte[] Value(byte[] value, int i)
    {
        BitConverter.TryWriteBytes(value, (ulong)i * 0x9E3779B97F4A7C15UL | 1);
        return value;
    }

    private static void Parallel(IPeerEngine engine, int threads, int operations, Action<IPeerEngine, Random, byte[]> read)
    {
        if (threads <= 1)
        {
            var random = new Random(3);
            var buffer = new byte[ValueBytes];
            for (var i = 0; i < operations; i++) read(engine, random, buffer);
            return;
        }
        var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
        {
            using var reader = engine.ReaderForThread() is var r && !ReferenceEquals(r, engine) ? r : null;
            var random = new Random(100 + t);
            var buffer = new byte[ValueBytes];
            var mine = reader ?? engine;
            for (var i = t; i < operations; i += threads) read(mine, random, buffer);
        })).ToList();
        workers.ForEach(w => w.Start());
        workers.ForEach(w => w.Join());
    }

    private static void Check(string name, long seen, int expected)
    {
        if (seen != expected) throw new InvalidOperationException($"{name} scanned {seen} keys; {expected} were inserted.");
    }

    private static double Time(Action body)
    {
        GC.Collect();
        var start = Stopwatch.GetTimestamp();
        body();
        return Stopwatch.GetElapsedTime(start).TotalSeconds;
    }

    private static long WorkingSet()
    {
        GC.Collect();
        using var process = Process.GetCurrentProcess();
        return process.WorkingSet64;
    }

    private static long DirectoryBytes(string folder) => new DirectoryInfo(folder).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length);

    /// <summary>Distinct keys in insertion order: extents-like (64 files, offsets growing by extent sizes) or random u64 offsets.</summary>
    private static BenchKey[] MakeKeys(string kind, int count, Random random)
    {
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

    private static void Print(BenchDocument document, int count, Dictionary<string, string> skipped, Dictionary<string, (string Fill, string Sync)> durability)
    {
        var engines = PeerCatalog.Engines.Select(e => e.Name).Where(n => !skipped.ContainsKey(n)).ToList();
        foreach (var kind in new[] { "extents", "random" })
        {
            var table = new Table().Title($"packtree bench peers — {kind} keys, {count:N0} keys, {ValueBytes}-byte values: ops/s (packtree / engine)");
            table.AddColumn("workload");
            foreach (var engine in engines) table.AddColumn(engine);
            foreach (var workload in Workloads)
            {
                var ours = document.Find($"{kind}/{workload}", "packtree", "ops_per_second");
                var row = new List<string> { workload };
                foreach (var engine in engines)
                {
                    var theirs = document.Find($"{kind}/{workload}", engine, "ops_per_second");
                    row.Add(theirs is null ? "—" : engine == "packtree" || ours is null ? $"{theirs:N0}" : $"{theirs:N0} ({ours / theirs:F2}×)");
                }
                table.AddRow(row.ToArray());
            }
            var bytes = new List<string> { "bytes on disk per key" };
            var memory = new List<string> { "memory after fill, MB" };
            foreach (var engine in engines)
            {
                bytes.Add(document.Find($"{kind}/overwrite", engine, "bytes_on_disk_per_key") is { } b ? $"{b:F1}" : "—");
                memory.Add(document.Find($"{kind}/overwrite", engine, "memory_bytes") is { } m ? $"{m / 1e6:F0}" : "—");
            }
            table.AddRow(bytes.ToArray());
            table.AddRow(memory.ToArray());
            AnsiConsole.Write(table);
        }
        foreach (var (engine, (fill, sync)) in durability) AnsiConsole.MarkupLine($"[grey]{engine}: fills {Markup.Escape(fill)}; fillsync {Markup.Escape(sync)}[/]");
        AnsiConsole.MarkupLine("[grey]faster: no ordered scans (readseq, readreverse, ycsb_e not run)[/]");
        foreach (var (engine, reason) in skipped) AnsiConsole.MarkupLine($"[yellow]skipped {engine}: {Markup.Escape(reason)}[/]");
    }

    private static void WriteCharts(BenchDocument document, BenchSettings settings)
    {
        var folder = settings.ArtifactsFolder ?? Path.Combine(Path.GetTempPath(), $"packtree-peers-{DateTime.UtcNow:yyyyMMdd-HHmmss}");
        Directory.CreateDirectory(folder);
        var engines = document.Results.Where(r => r.Metric == "ops_per_second").Select(r => r.Variant).Distinct().ToList();
        foreach (var kind in new[] { "extents", "random" })
        {
            var svg = SvgChart.Render($"packtree bench peers: {kind} keys, ops/s per workload and engine", Workloads, engines,
                (workload, engine) => document.Find($"{kind}/{workload}", engine, "ops_per_second"));
            var path = Path.Combine(folder, $"peers-{kind}.svg");
            File.WriteAllText(path, svg);
            AnsiConsole.MarkupLine($"[grey]chart written to {Markup.Escape(path)}[/]");
        }
    }
}
