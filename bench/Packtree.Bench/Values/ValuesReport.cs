using Packtree.Bench.Peers;
using Spectre.Console;

namespace Packtree.Bench.Values;

/// <summary>The values suite's tables in the terminal and its charts beside the JSON.</summary>
public static class ValuesReport
{
    public static void Print(BenchDocument document, ValuesResults results, IReadOnlyList<ValueCase> cases, IReadOnlyDictionary<string, double> zstdRatios,
        IReadOnlyList<string> streaming, long totalBytes, long streamBytes, IReadOnlyDictionary<(string Case, string Engine), string> skipped, IReadOnlyDictionary<string, string> durability)
    {
        foreach (var @case in cases)
        {
            var name = @case.Name;
            var engines = results.Engines.Where(e => ValueEngines.RunsOn(e, @case.ValueBytes)).ToList();
            var count = Math.Max(1, totalBytes / @case.ValueBytes);
            var table = new Table().Title($"Packtree.Bench values — {name}: {count:N0} values of {@case.ValueBytes:N0} bytes ({count * @case.ValueBytes / 1048576.0:N1} MiB, zstd ratio {zstdRatios[name]:F2}), {results.Rounds} rounds: median MB/s, and below it Packtree ÷ engine");
            table.AddColumn("workload");
            foreach (var engine in engines) table.AddColumn(engine);
            foreach (var workload in ValueSteps.Workloads)
            {
                var row = new List<string> { workload };
                foreach (var engine in engines)
                {
                    if (skipped.ContainsKey((name, engine))) row.Add("skipped");
                    else if (results.Rate(name, workload, engine) is not { } rate) row.Add("—");
                    else row.Add(results.Ratio(name, workload, engine) is { } ratio ? $"{rate.Median:N1}\n{ratio.RatioText}" : $"{rate.Median:N1}");
                }
                table.AddRow(row.ToArray());
            }
            table.AddRow([.. new[] { "bytes on disk per value byte" }.Concat(engines.Select(e => results.DiskPerByte(name, e) is { } d ? $"{d:F3}" : "—"))]);
            table.AddRow([.. new[] { "peak memory, MB" }.Concat(engines.Select(e => results.Peak(name, e) is { } m ? $"{m / 1e6:F0}" : "—"))]);
            AnsiConsole.Write(table);
        }
        PrintStreaming(results, streaming, streamBytes, skipped);
        PrintTargets(results, cases);
        AnsiConsole.MarkupLine($"[grey]MB/s: 10^6 bytes of values per second. Packtree ÷ engine: the median of {results.Rounds} per-round ratios (lowest–highest); \"undecided\" when the rounds disagree on which is faster.[/]");
        AnsiConsole.MarkupLine("[grey]scan sums one byte of each value, which the other engines copy out whole; LMDB hands values out in place (its map), so its scan copies each value out first, as its get does.[/]");
        AnsiConsole.MarkupLine("[grey]Text values: JSON-like documents of words from a small vocabulary; zstd ratio: raw ÷ zstd level 3 over a sample, each value compressed alone.[/]");
        foreach (var (engine, setting) in durability) AnsiConsole.MarkupLine($"[grey]{engine}: {Markup.Escape(setting)}[/]");
        foreach (var reason in skipped.GroupBy(s => (s.Key.Engine, s.Value)))
            AnsiConsole.MarkupLine($"[yellow]skipped {reason.Key.Engine} on {Markup.Escape(string.Join(", ", reason.Select(s => s.Key.Case)))}: {Markup.Escape(reason.Key.Value)}[/]");
    }

    private static void PrintStreaming(ValuesResults results, IReadOnlyList<string> streaming, long streamBytes, IReadOnlyDictionary<(string Case, string Engine), string> skipped)
    {
        var table = new Table().Title($"Packtree.Bench values — one value of {ValueCase.SizeName(streamBytes)} streamed in from a generated stream and read back in 1 MiB reads, {results.Rounds} rounds: median MB/s (lowest–highest), worst peak memory");
        table.AddColumns("engine", "put MB/s", "read MB/s", "peak above before, MiB", "cache budget, MiB", $"target: ≤ {ValuesResults.StreamMemoryTarget >> 20} MiB above the cache");
        foreach (var engine in streaming)
        {
            if (skipped.TryGetValue((ValueSteps.StreamCase, engine), out var reason))
            {
                table.AddRow(engine, "skipped", Markup.Escape(reason), "", "", "");
                continue;
            }
            string Rate(string metric) => results.Stream(engine, metric) is { } r ? $"{r.Median:N0} ({r.Min:N0}–{r.Max:N0})" : "—";
            var above = results.StreamAboveCache(engine);
            table.AddRow(engine, Rate("put_mb_per_second"), Rate("read_mb_per_second"),
                results.Stream(engine, "peak_above_before_bytes") is { } peak ? $"{peak.Max / (1 << 20):N1}" : "—",
                results.Stream(engine, "cache_bytes") is { Max: > 0 } cache ? $"{cache.Max / (1 << 20):N0}" : "—",
                above is null ? "—" : above <= ValuesResults.StreamMemoryTarget ? "met" : "missed");
        }
        AnsiConsole.Write(table);
    }

    private static void PrintTargets(ValuesResults results, IReadOnlyList<ValueCase> cases)
    {
        var table = new Table().Title("Packtree.Bench values — the issue's targets");
        table.AddColumns("target", "case", "figure", "verdict");
        foreach (var @case in cases)
        {
            foreach (var workload in new[] { "get", "scan" })
            {
                if (results.ReadTarget(@case, workload) is { } read)
                    table.AddRow($"{workload} ≥ 1× LMDB's MB/s", @case.Name, read.RatioText, read.Verdict switch { 1 => "met", -1 => "missed", _ => "undecided" });
            }
            if (@case.Data == ValueData.Random && results.DiskPerByte(@case.Name, PeerFigures.Ours) is { } disk)
                table.AddRow($"bytes on disk ≤ {ValuesResults.DiskTarget}× live", @case.Name, $"{disk:F3}×", disk <= ValuesResults.DiskTarget ? "met" : "missed");
        }
        if (results.StreamAboveCache(PeerFigures.Ours) is { } above)
            table.AddRow($"streaming ≤ {ValuesResults.StreamMemoryTarget >> 20} MiB above the cache", ValueSteps.StreamCase,
                $"{results.Stream(PeerFigures.Ours, "peak_above_before_bytes")!.Value.Max / (1 << 20):N1} MiB above the working set before (the cache's {(results.Stream(PeerFigures.Ours, "cache_bytes")?.Max ?? 0) / (1 << 20):N0} MiB not counted)",
                above <= ValuesResults.StreamMemoryTarget ? "met" : "missed");
        if (table.Rows.Count > 0) AnsiConsole.Write(table);
        else AnsiConsole.MarkupLine("[grey]No target applies to this run (reads: values of 64 KiB or more, measured on Packtree and LMDB; disk: random values on Packtree; streaming: Packtree).[/]");
    }

    /// <summary>One chart per value size: median values per second per workload and data, per engine, with the rounds' spread as whiskers.</summary>
    public static void WriteCharts(BenchDocument document, IReadOnlyList<int> sizes, IReadOnlyList<string> engines, BenchSettings settings)
    {
        var folder = settings.ArtifactsFolder ?? Path.Combine(Path.GetTempPath(), $"packtree-values-{DateTime.UtcNow:yyyyMMdd-HHmmss}");
        Directory.CreateDirectory(folder);
        foreach (var size in sizes)
        {
            var groups = new[] { ValueData.Random, ValueData.Text }.SelectMany(data => ValueSteps.Workloads.Select(w => $"{new ValueCase(size, data).Name}/{w}")).ToList();
            double? Ops(string at, string engine, string metric) => document.Find(at, engine, metric) is { } mb ? mb * 1e6 / size : null;
            var svg = SvgChart.Render($"Packtree.Bench values: {ValueCase.SizeName(size)} values, median values per second (× {size:N0} bytes = MB/s) per workload and engine (whiskers: lowest–highest round)",
                groups, engines, (at, engine) => Ops(at, engine, "mb_per_second"),
                (at, engine) => Ops(at, engine, "mb_per_second_min") is { } min && Ops(at, engine, "mb_per_second_max") is { } max ? (min, max) : null);
            var path = Path.Combine(folder, $"values-{ValueCase.SizeName(size)}.svg");
            File.WriteAllText(path, svg);
            AnsiConsole.MarkupLine($"[grey]chart written to {Markup.Escape(path)}[/]");
        }
    }
}
