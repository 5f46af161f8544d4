using Spectre.Console;

namespace Packtree.Bench.Peers;

/// <summary>The peers suite's tables in the terminal and its charts beside the JSON.</summary>
public static class PeersReport
{
    public static void Print(BenchDocument document, PeerFigures figures, IReadOnlyList<string> kinds, IReadOnlyList<string> engines, int count, int rounds, IReadOnlyDictionary<string, string> skipped)
    {
        foreach (var kind in kinds)
        {
            var table = new Table().Title($"Packtree.Bench peers — {kind} keys, {count:N0} keys, {PeerKeys.ValueBytes}-byte values, {rounds} rounds: median ops/s, and below it Packtree ÷ engine");
            table.AddColumn("workload");
            foreach (var engine in engines) table.AddColumn(engine);
            foreach (var workload in figures.Workloads)
            {
                var row = new List<string> { workload };
                foreach (var engine in engines)
                {
                    var theirs = document.Find($"{kind}/{workload}", engine, "ops_per_second");
                    var ratio = engine == PeerFigures.Ours ? null : figures.Ratio(kind, workload, engine);
                    row.Add(theirs is null ? "—" : ratio is { } r ? $"{theirs:N0}\n{r.RatioText}" : $"{theirs:N0}");
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
            PrintMatched(figures, kind);
            PrintWriters(figures, kind, engines);
            if (PeerKeys.IsBytes(kind)) PrintKeySizes(document, kind);
        }
        AnsiConsole.MarkupLine($"[grey]Packtree ÷ engine: the median of {rounds} per-round ratios (lowest–highest); \"undecided\" when the rounds disagree on which is faster.[/]");
        foreach (var engine in engines)
        {
            var fill = document.Results.FirstOrDefault(r => r.Case == "all" && r.Variant == engine && r.Metric == "durability_fill")?.Unit;
            var sync = document.Results.FirstOrDefault(r => r.Case == "all" && r.Variant == engine && r.Metric == "durability_sync")?.Unit;
            if (fill is not null) AnsiConsole.MarkupLine($"[grey]{engine}: fills {Markup.Escape(fill)}; fillsync {Markup.Escape(sync ?? "")}[/]");
        }
        AnsiConsole.MarkupLine("[grey]faster: no ordered scans (readseq, readreverse, ycsb_e not run)[/]");
        foreach (var (engine, reason) in skipped) AnsiConsole.MarkupLine($"[yellow]skipped {engine}: {Markup.Escape(reason)}[/]");
    }

    /// <summary>Packtree with commits acknowledged from memory against the engines that acknowledge theirs so: like with like.</summary>
    private static void PrintMatched(PeerFigures figures, string kind)
    {
        var peers = PeerFigures.BackgroundPeers.Where(p => figures.Workloads.Any(w => figures.Ratio(kind, w, p, PeerFigures.OursInBackground) is not null)).ToList();
        if (peers.Count == 0) return;
        var table = new Table().Title($"At matched durability — {kind} keys: {PeerFigures.OursInBackground} ÷ engine (commits acknowledged from memory on both sides)");
        table.AddColumn("workload");
        foreach (var peer in peers) table.AddColumn(peer);
        foreach (var workload in figures.Workloads)
        {
            var cells = peers.Select(p => PeerFigures.IsMatched(workload, p) ? figures.Ratio(kind, workload, p, PeerFigures.OursInBackground)?.RatioText ?? "—" : "—").ToList();
            if (cells.Any(c => c != "—")) table.AddRow([workload, .. cells]);
        }
        AnsiConsole.Write(table);
    }

    /// <summary>Each engine's fillrandom by several writer threads against its fillrandom by one (<c>--writers</c>).</summary>
    private static void PrintWriters(PeerFigures figures, string kind, IReadOnlyList<string> engines)
    {
        var fills = figures.Workloads.Where(w => PeerSteps.WritersOf(w) > 1).ToList();
        if (fills.Count == 0) return;
        var table = new Table().Title($"Writer threads — {kind} keys: fillrandom by N writers ÷ fillrandom by one, per engine");
        table.AddColumn("engine");
        foreach (var fill in fills) table.AddColumn($"{PeerSteps.WritersOf(fill)} writers");
        foreach (var engine in engines)
            table.AddRow([engine, .. fills.Select(f => figures.WritersSpeedup(kind, f, engine)?.RatioText ?? "—")]);
        AnsiConsole.Write(table);
    }

    /// <summary>How Packtree's byte-key tree stores the keys in its leaves after each fill, against the keys' own length.</summary>
    private static void PrintKeySizes(BenchDocument document, string kind)
    {
        var table = new Table().Title($"Packtree's leaves after each fill — {kind} keys: stored key size (header and fields, values excluded) against the raw key (target: at most 40%)");
        table.AddColumns("fill", "key bytes per key", "key bits per key", "raw key bytes", "stored ÷ raw", "keys packed", "leaves");
        foreach (var fill in PeerFigures.Fills)
        {
            double? Get(string metric) => document.Find($"{kind}/{fill}", PeerFigures.Ours, metric);
            if (Get("leaf_key_bytes_per_key") is not { } bytes) continue;
            table.AddRow(fill, $"{bytes:F2}", $"{Get("leaf_key_bits_per_key"):F1}", $"{Get("raw_key_bytes_per_key"):F2}", $"{Get("leaf_key_percent_of_raw"):F0}%",
                $"{Get("leaf_keys_packed_percent"):F1}%", $"{Get("leaves"):F0}");
        }
        AnsiConsole.Write(table);
    }

    /// <summary>One chart per kind of keys: median ops/s per workload and engine, with the rounds' spread as whiskers.</summary>
    public static void WriteCharts(BenchDocument document, PeerFigures figures, IReadOnlyList<string> kinds, IReadOnlyList<string> engines, BenchSettings settings)
    {
        var folder = settings.ArtifactsFolder ?? Path.Combine(Path.GetTempPath(), $"packtree-peers-{DateTime.UtcNow:yyyyMMdd-HHmmss}");
        Directory.CreateDirectory(folder);
        foreach (var kind in kinds)
        {
            var svg = SvgChart.Render($"Packtree.Bench peers: {kind} keys, median ops/s per workload and engine (whiskers: lowest–highest round)", figures.Workloads, engines,
                (workload, engine) => document.Find($"{kind}/{workload}", engine, "ops_per_second"),
                (workload, engine) => document.Find($"{kind}/{workload}", engine, "ops_per_second_min") is { } min && document.Find($"{kind}/{workload}", engine, "ops_per_second_max") is { } max ? (min, max) : null);
            var path = Path.Combine(folder, $"peers-{kind}.svg");
            File.WriteAllText(path, svg);
            AnsiConsole.MarkupLine($"[grey]chart written to {Markup.Escape(path)}[/]");
        }
    }
}
