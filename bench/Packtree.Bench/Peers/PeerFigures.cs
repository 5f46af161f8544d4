namespace Packtree.Bench.Peers;

/// <summary>
/// Every figure of a peers run, per kind of keys, step, engine, metric and round, and how they become
/// the suite's results: per-round rates, their median and spread, and each Packtree-to-peer ratio as the
/// median of the per-round ratios with its spread and verdict.
/// </summary>
public sealed class PeerFigures
{
    /// <summary>The engine every ratio is Packtree's rate over.</summary>
    public const string Ours = "packtree";

    /// <summary>Packtree acknowledging commits from memory, as the engines of <see cref="BackgroundPeers"/> do: compared with them too.</summary>
    public const string OursInBackground = "packtree_background";

    /// <summary>The engines whose commits return before their log is written.</summary>
    public static readonly string[] BackgroundPeers = ["zonetree", "faster"];

    /// <summary>Whether <see cref="OursInBackground"/> is compared with <paramref name="engine"/> on <paramref name="workload"/>: not on fillsync, where every engine flushes per commit (or cannot).</summary>
    public static bool IsMatched(string workload, string engine) => BackgroundPeers.Contains(engine) && workload != "fillsync";

    /// <summary>The workloads after which an engine reports how it stores its keys.</summary>
    public static readonly string[] Fills = ["fillseq", "fillrandom", "fillsync"];

    private readonly Dictionary<(string Kind, string Step, string Engine, string Metric), SortedDictionary<int, double>> _values = [];

    /// <summary>The workloads measured, in the order of the report (with <c>--writers</c>, their fills too).</summary>
    public IReadOnlyList<string> Workloads { get; init; } = PeerSteps.Workloads;

    public void Add(string kind, string step, string engine, int round, PeerMetric figure)
    {
        var key = (kind, step, engine, figure.Metric);
        if (!_values.TryGetValue(key, out var rounds)) _values[key] = rounds = [];
        rounds[round] = figure.Value;
    }

    /// <summary>Forgets an engine that was skipped or failed, so that no partial figures of it are reported.</summary>
    public void Remove(string engine)
    {
        foreach (var key in _values.Keys.Where(k => k.Engine == engine).ToList()) _values.Remove(key);
    }

    /// <summary>Forgets an engine's figures on one kind of keys (or case) alone.</summary>
    public void Remove(string kind, string engine)
    {
        foreach (var key in _values.Keys.Where(k => k.Kind == kind && k.Engine == engine).ToList()) _values.Remove(key);
    }

    /// <summary>The figures of one metric, by round (empty when never measured).</summary>
    public IReadOnlyDictionary<int, double> Rounds(string kind, string step, string engine, string metric) =>
        _values.TryGetValue((kind, step, engine, metric), out var rounds) ? rounds : new SortedDictionary<int, double>();

    /// <summary>Adds the results to <paramref name="document"/> (see the README for the metrics).</summary>
    public void AddTo(BenchDocument document, IReadOnlyList<string> engines, IReadOnlyList<string> kinds)
    {
        foreach (var kind in kinds)
        {
            foreach (var engine in engines)
            {
                foreach (var workload in Workloads)
                {
                    var rates = Rounds(kind, workload, engine, "ops_per_second");
                    if (rates.Count == 0) continue;
                    foreach (var (round, rate) in rates) document.Add($"{kind}/{workload}", engine, $"ops_per_second_round_{round + 1}", rate, "ops/s");
                    var spread = Spread.Of(rates.Values.ToList());
                    document.Add($"{kind}/{workload}", engine, "ops_per_second", spread.Median, "ops/s");
                    document.Add($"{kind}/{workload}", engine, "ops_per_second_min", spread.Min, "ops/s");
                    document.Add($"{kind}/{workload}", engine, "ops_per_second_max", spread.Max, "ops/s");
                    document.Add($"{kind}/{workload}", engine, "idle_wait_seconds", Spread.Of(Rounds(kind, workload, engine, "idle_wait_seconds").Values.ToList()).Median, "s");
                    if (engine != Ours && Ratio(kind, workload, engine) is { } ratio) AddRatio(document, $"{kind}/{workload}", $"{Ours}/{engine}", ratio);
                    if (IsMatched(workload, engine) && Ratio(kind, workload, engine, OursInBackground) is { } matched)
                        AddRatio(document, $"{kind}/{workload}", $"{OursInBackground}/{engine}", matched);
                    if (PeerSteps.WritersOf(workload) > 1 && WritersSpeedup(kind, workload, engine) is { } speedup)
                        AddRatio(document, $"{kind}/{workload}", $"{engine}/fillrandom", speedup);
                }
                foreach (var fill in Fills)
                {
                    foreach (var (metric, unit) in LeafKeySizes.Metrics)
                    {
                        if (Rounds(kind, fill, engine, metric) is { Count: > 0 } sizes) document.Add($"{kind}/{fill}", engine, metric, Spread.Of(sizes.Values.ToList()).Median, unit);
                    }
                }
                if (Rounds(kind, "overwrite", engine, "bytes_on_disk_per_key") is { Count: > 0 } bytes)
                    document.Add($"{kind}/overwrite", engine, "bytes_on_disk_per_key", Spread.Of(bytes.Values.ToList()).Median, "bytes");
                if (Rounds(kind, "all", engine, "peak_working_set_bytes") is { Count: > 0 } peak)
                    document.Add($"{kind}/all", engine, "peak_working_set_bytes", peak.Values.Max(), "bytes");
            }
        }
    }

    private static void AddRatio(BenchDocument document, string at, string variant, Spread ratio)
    {
        document.Add(at, variant, "ratio", ratio.Median, "x");
        document.Add(at, variant, "ratio_min", ratio.Min, "x");
        document.Add(at, variant, "ratio_max", ratio.Max, "x");
        document.Add(at, variant, "verdict", ratio.Verdict, ratio.VerdictName);
    }

    /// <summary>An engine's rate on a fillrandom by several writers (<paramref name="workload"/>) over its fillrandom's, round by round, as a spread.</summary>
    public Spread? WritersSpeedup(string kind, string workload, string engine)
    {
        var several = Rounds(kind, workload, engine, "ops_per_second");
        var one = Rounds(kind, "fillrandom", engine, "ops_per_second");
        var ratios = several.Where(r => one.ContainsKey(r.Key)).Select(r => r.Value / one[r.Key]).ToList();
        return ratios.Count == 0 ? null : Spread.Of(ratios);
    }

    /// <summary>Packtree's rate (<paramref name="ours"/>: which of its engines) over <paramref name="engine"/>'s, round by round (each ratio from one round's two runs), as a spread.</summary>
    public Spread? Ratio(string kind, string workload, string engine, string ours = Ours)
    {
        var oursRates = Rounds(kind, workload, ours, "ops_per_second");
        var theirs = Rounds(kind, workload, engine, "ops_per_second");
        var ratios = oursRates.Where(r => theirs.ContainsKey(r.Key)).Select(r => r.Value / theirs[r.Key]).ToList();
        return ratios.Count == 0 ? null : Spread.Of(ratios);
    }
}
