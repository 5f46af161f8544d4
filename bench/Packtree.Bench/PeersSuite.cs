using System.Diagnostics;
using Packtree.Keys;
using Packtree.Bench.Peers;
using Spectre.Console;

namespace Packtree.Bench;

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

    /// <summary>Keys per run, YCSB operations and fillsync commits for a run of <paramref name="count"/> keys.</summary>
    private static (int Ycsb, int Sync) Sizes(int count, bool quick) => (Math.Max(1000, count / 4), Math.Max(quick ? 100 : 1000, count / 1000));

    /// <summary>
    /// The whole comparison: each engine and key kind runs in its own process (so that memory is its own,
    /// and a native crash cannot take the run down), the results gathered into one document.
    /// </summary>
    public static BenchDocument Run(BenchSettings settings)
    {
        var count = settings.Keys ?? (settings.Quick ? 20_000 : 1_000_000);
        var document = new BenchDocument("peers");
        document.Add("all", "workload", "keys", count, "keys");
        document.Add("all", "workload", "threads", settings.Threads, "threads");
        var skipped = new Dictionary<string, string>();
        var durability = new Dictionary<string, (string Fill, string Sync)>();
        var scratch = Path.Combine(Path.GetTempPath(), $"packtree-peers-{Guid.NewGuid():N}");
        Directory.CreateDirectory(scratch);
        try
        {
            AnsiConsole.Progress().AutoClear(false).Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new ElapsedTimeColumn()).Start(progress =>
            {
                foreach (var kind in new[] { "extents", "random" })
                {
                    foreach (var (name, _, _) in PeerCatalog.Engines)
                    {
                        if (skipped.ContainsKey(name)) continue;
                        var task = progress.AddTask($"{kind}: {name}", maxValue: 1);
                        task.IsIndeterminate = true;
                        var output = Path.Combine(scratch, $"{kind}-{name}.json");
                        var (exit, errors) = RunChild(name, kind, count, settings, output);
                        if (exit != 0 || !File.Exists(output)) skipped[name] = $"failed (exit code {exit}): {errors.Trim().Split('\n').LastOrDefault()}";
                        else
                        {
                            foreach (var result in BenchDocument.ReadResults(output))
                            {
                                if (result.Metric == "skipped") skipped[name] = result.Unit;
                                else if (result.Metric == "durability_fill") durability[name] = (result.Unit, durability.GetValueOrDefault(name).Sync ?? "");
                                else if (result.Metric == "durability_sync") durability[name] = (durability.GetValueOrDefault(name).Fill ?? "", result.Unit);
                                else document.Results.Add(result);
                            }
                        }
                        task.IsIndeterminate = false;
                        task.Value = 1;
                    }
                }
            });
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
        foreach (var (name, reason) in skipped) document.Add("all", name, "skipped", 1, reason);
        Print(document, count, skipped, durability);
        WriteCharts(document, settings);
        return document;
    }

    /// <summary>One engine on one kind of keys, in this process; the results go to <paramref name="output"/> as JSON.</summary>
    public static int RunOne(string engineName, string kind, int count, int threads, bool quick, string output)
    {
        var document = new BenchDocument("peers");
        var (name, needs, open) = PeerCatalog.Engines.FirstOrDefault(e => e.Name == engineName);
        if (open is null) throw new ArgumentException($"No engine '{engineName}'; engines: {string.Join(", ", PeerCatalog.Engines.Select(e => e.Name))}.");
        if (kind is not ("extents" or "random")) throw new ArgumentException($"No key kind '{kind}'; kinds: extents, random.");
        var (ycsb, sync) = Sizes(count, quick);
        var folder = Path.Combine(Path.GetTempPath(), $"packtree-peer-{name}-{Guid.NewGuid():N}");
        try
        {
            var keys = MakeKeys(kind, count + ycsb, new Random(kind == "extents" ? 1 : 2));
            var (fill, syncSetting) = RunEngine(document, kind, name, open, keys, count, ycsb, sync, threads, folder);
            document.Add($"{kind}/all", name, "durability_fill", 0, fill);
            document.Add($"{kind}/all", name, "durability_sync", 0, syncSetting);
            using var process = Process.GetCurrentProcess();
            document.Add($"{kind}/all", name, "peak_working_set_bytes", process.PeakWorkingSet64, "bytes");
        }
        catch (Exception e) when (PeerCatalog.IsMissingNativeLibrary(e))
        {
            document.Add("all", name, "skipped", 1, $"its native library could not be loaded ({e.GetBaseException().Message}); it needs {needs}");
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
        document.WriteJson(output);
        return 0;
    }

    private static (int Exit, string Errors) RunChild(string engine, string kind, int count, BenchSettings settings, string output)
    {
        var start = SelfProcess.StartInfo("peer-worker", engine, kind, "--keys", $"{count}", "--threads", $"{settings.Threads}", "--out", output);
        if (settings.Quick) start.ArgumentList.Add("--quick");
        using var process = Process.Start(start) ?? throw new InvalidOperationException("The engine's process did not start.");
        var errors = process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, errors.Result);
    }

    /// <summary>Runs every workload on one engine; returns the durability settings it ran with.</summary>
    private static (string, string) RunEngine(BenchDocument document, string kind, string name, Func<string, bool, IPeerEngine> open, BenchKey[] keys, int count, int ycsbOperations, int syncCount, int threads, string folder)
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
        Directory.Delete(Path.Combine(folder, "seq"), recursive: true);

        // fillrandom, then everything else on that store.
        var dataFolder = Path.Combine(folder, "data");
        using (var engine = Open("data", false))
        {
            var inserted = keys.Take(count).ToArray();
            Record("fillrandom", count, Time(() => Fill(engine, inserted, value)));
            Record("overwrite", count, Time(() =>
            {
                for (var i = 0; i < count; i++) engine.Put(inserted[random.Next(count)], Value(value, i));
            }));
            engine.Flush();
            document.Add($"{kind}/overwrite", name, "bytes_on_disk_per_key", (double)DirectoryBytes(dataFolder) / count, "bytes");

            Record("readrandom", count, Time(() => Parallel(engine, threads, count, (reader, r, buffer) =>
            {
                if (!reader.Get(inserted[r.Next(count)], buffer)) throw new InvalidOperationException($"{name} lost a key.");
            })));
            if (engine.SupportsScans)
            {
                Record("readseq", count, Time(() => Check(name, engine.ScanAll(reverse: false), count)));
                Record("readreverse", count, Time(() => Check(name, engine.ScanAll(reverse: true), count)));
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
            Record("ycsb_b", ycsbOperations, Time(() =>
            {
                for (var i = 0; i < ycsbOperations; i++)
                {
                    var key = inserted[zipf.Next()];
                    if (random.Next(20) != 0) engine.Get(key, buffer);
                    else engine.Put(key, Value(value, i));
                }
            }));
            Record("ycsb_c", ycsbOperations, Time(() => Parallel(engine, threads, ycsbOperations, (reader, r, b) => reader.Get(inserted[threads <= 1 ? zipf.Next() : zipf.Next(r)], b))));
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
        return (fillDurability, syncDurability);
    }

    private static void Fill(IPeerEngine engine, BenchKey[] keys, byte[] value)
    {
        for (var i = 0; i < keys.Length; i++) engine.Put(keys[i], Value(value, i));
    }

    /// <summary>Random bytes the values are cut from: values do not compress, so no engine gains from compressing them.</summary>
    private static readonly byte[] ValuePool = MakePool();

    private static byte[] MakePool()
    {
        var pool = new byte[1 << 20];
        new Random(99).NextBytes(pool);
        return pool;
    }

    /// <summary>The 100-byte value of write <paramref name="i"/>: a slice of the random pool, different per write.</summary>
    private static byte[] Value(byte[] value, int i)
    {
        ValuePool.AsSpan((int)((uint)(i * 7919) % (uint)(ValuePool.Length - ValueBytes)), ValueBytes).CopyTo(value);
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

    /// <summary>
    /// Bytes the folder takes on disk: allocated blocks as <c>du</c> counts them, so that regions never
    /// written (sparse files: LMDB's map, Packtree's unused journal) count for nothing; file lengths
    /// where <c>du</c> is not available.
    /// </summary>
    private static long DirectoryBytes(string folder)
    {
        try
        {
            var start = new ProcessStartInfo("du", ["-s", "-B1", folder]) { RedirectStandardOutput = true, UseShellExecute = false };
            using var du = Process.Start(start)!;
            var text = du.StandardOutput.ReadToEnd();
            du.WaitForExit();
            if (du.ExitCode == 0 && long.TryParse(text.Split('\t')[0], System.Globalization.CultureInfo.InvariantCulture, out var bytes)) return bytes;
        }
        catch (System.ComponentModel.Win32Exception)
        {
        }
        return new DirectoryInfo(folder).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length);
    }

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
            var table = new Table().Title($"Packtree.Bench peers — {kind} keys, {count:N0} keys, {ValueBytes}-byte values: ops/s (packtree / engine)");
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
            var memory = new List<string> { "peak memory, MB" };
            foreach (var engine in engines)
            {
                bytes.Add(document.Find($"{kind}/overwrite", engine, "bytes_on_disk_per_key") is { } b ? $"{b:F1}" : "—");
                memory.Add(document.Find($"{kind}/all", engine, "peak_working_set_bytes") is { } m ? $"{m / 1e6:F0}" : "—");
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
            var svg = SvgChart.Render($"Packtree.Bench peers: {kind} keys, ops/s per workload and engine", Workloads, engines,
                (workload, engine) => document.Find($"{kind}/{workload}", engine, "ops_per_second"));
            var path = Path.Combine(folder, $"peers-{kind}.svg");
            File.WriteAllText(path, svg);
            AnsiConsole.MarkupLine($"[grey]chart written to {Markup.Escape(path)}[/]");
        }
    }
}
