using Packtree.Bench.Peers;

namespace Packtree.Bench.Values;

/// <summary>
/// The figures of a values run (kept by case, step, engine and round in <see cref="PeerFigures"/>) as the suite
/// reports them: rates as medians with their spread, Packtree's ratios per round, bytes on disk, peak memory,
/// streaming, and the targets met or missed.
/// </summary>
public sealed class ValuesResults(PeerFigures figures, IReadOnlyList<string> engines, int rounds)
{
    /// <summary>The targets: reads of values this large at least as fast as LMDB's.</summary>
    public const int ReadTargetBytes = 64 << 10;

    /// <summary>The targets: bytes on disk per live byte of incompressible values.</summary>
    public const double DiskTarget = 1.1;

    /// <summary>The targets: memory while streaming a value in and out, above the store's cache.</summary>
    public const long StreamMemoryTarget = 64L << 20;

    public int Rounds => rounds;

    public IReadOnlyList<string> Engines => engines;

    /// <summary>MB/s of value bytes of a workload, median and spread over the rounds; null when not measured.</summary>
    public Spread? Rate(string @case, string workload, string engine) => Of(figures.Rounds(@case, workload, engine, "mb_per_second"));

    /// <summary>Packtree's rate over <paramref name="engine"/>'s, per round, as a spread.</summary>
    public Spread? Ratio(string @case, string workload, string engine) => engine == PeerFigures.Ours ? null : figures.Ratio(@case, workload, engine);

    /// <summary>Bytes on disk per live value byte after the overwrite, median over the rounds.</summary>
    public double? DiskPerByte(string @case, string engine) => Of(figures.Rounds(@case, "overwrite", engine, "disk_bytes_per_value_byte"))?.Median;

    /// <summary>The engine's worker's peak working set over the whole case, bytes.</summary>
    public double? Peak(string @case, string engine) => figures.Rounds(@case, "all", engine, "peak_working_set_bytes") is { Count: > 0 } peak ? peak.Values.Max() : null;

    /// <summary>A streaming figure (<c>put_mb_per_second</c>, <c>read_mb_per_second</c>, <c>peak_above_before_bytes</c>, <c>cache_bytes</c>) over the rounds.</summary>
    public Spread? Stream(string engine, string metric) => Of(figures.Rounds(ValueSteps.StreamCase, ValueSteps.Stream, engine, metric));

    /// <summary>The read target on one case and workload: Packtree ÷ LMDB per round (win: met, loss: missed).</summary>
    public Spread? ReadTarget(ValueCase @case, string workload) => @case.ValueBytes >= ReadTargetBytes ? Ratio(@case.Name, workload, "lmdb") : null;

    /// <summary>Packtree's streaming peak above its working set before and above its cache budget (worst round), bytes.</summary>
    public double? StreamAboveCache(string engine) =>
        Stream(engine, "peak_above_before_bytes") is { } peak ? peak.Max - (Stream(engine, "cache_bytes")?.Max ?? 0) : null;

    public void AddTo(BenchDocument document, IReadOnlyList<ValueCase> cases, IReadOnlyDictionary<string, double> zstdRatios, IReadOnlyList<string> streaming,
        IReadOnlyDictionary<(string Case, string Engine), string> skipped, IReadOnlyDictionary<string, string> durability)
    {
        foreach (var @case in cases)
        {
            var name = @case.Name;
            document.Add($"{name}/all", "data", "zstd_ratio", zstdRatios[name], "x");
            foreach (var engine in engines)
            {
                foreach (var workload in ValueSteps.Workloads)
                {
                    var at = $"{name}/{workload}";
                    var rates = figures.Rounds(name, workload, engine, "mb_per_second");
                    if (rates.Count == 0) continue;
                    foreach (var (round, rate) in rates) document.Add(at, engine, $"mb_per_second_round_{round + 1}", rate, "MB/s");
                    var spread = Spread.Of(rates.Values.ToList());
                    document.Add(at, engine, "mb_per_second", spread.Median, "MB/s");
                    document.Add(at, engine, "mb_per_second_min", spread.Min, "MB/s");
                    document.Add(at, engine, "mb_per_second_max", spread.Max, "MB/s");
                    document.Add(at, engine, "ops_per_second", Spread.Of(figures.Rounds(name, workload, engine, "ops_per_second").Values.ToList()).Median, "ops/s");
                    if (Of(figures.Rounds(name, workload, engine, "idle_wait_seconds")) is { } idle) document.Add(at, engine, "idle_wait_seconds", idle.Median, "s");
                    if (Ratio(name, workload, engine) is { } ratio) AddRatio(document, at, $"{PeerFigures.Ours}/{engine}", ratio);
                }
                if (DiskPerByte(name, engine) is { } disk) document.Add($"{name}/overwrite", engine, "disk_bytes_per_value_byte", disk, "bytes");
                if (Peak(name, engine) is { } peak) document.Add($"{name}/all", engine, "peak_working_set_bytes", peak, "bytes");
            }
            foreach (var workload in new[] { "get", "scan" })
            {
                if (ReadTarget(@case, workload) is { } read) document.Add($"{name}/{workload}", "target_read_vs_lmdb", "verdict", read.Verdict, read.Verdict switch { 1 => "met", -1 => "missed", _ => "undecided" });
            }
            if (@case.Data == ValueData.Random && DiskPerByte(name, PeerFigures.Ours) is { } ours)
                document.Add($"{name}/overwrite", "target_disk", "verdict", ours <= DiskTarget ? 1 : -1, ours <= DiskTarget ? "met" : "missed");
        }
        foreach (var engine in streaming)
        {
            foreach (var metric in new[] { "put_mb_per_second", "read_mb_per_second" })
            {
                if (Stream(engine, metric) is not { } rate) continue;
                document.Add(ValueSteps.StreamCase, engine, metric, rate.Median, "MB/s");
                document.Add(ValueSteps.StreamCase, engine, $"{metric}_min", rate.Min, "MB/s");
                document.Add(ValueSteps.StreamCase, engine, $"{metric}_max", rate.Max, "MB/s");
            }
            if (Stream(engine, "peak_above_before_bytes") is { } memory) document.Add(ValueSteps.StreamCase, engine, "peak_above_before_bytes", memory.Max, "bytes");
            if (Stream(engine, "cache_bytes") is { } cache) document.Add(ValueSteps.StreamCase, engine, "cache_bytes", cache.Max, "bytes");
            if (engine == PeerFigures.Ours && StreamAboveCache(engine) is { } above)
                document.Add(ValueSteps.StreamCase, "target_stream_memory", "verdict", above <= StreamMemoryTarget ? 1 : -1, above <= StreamMemoryTarget ? "met" : "missed");
        }
        foreach (var ((@case, engine), reason) in skipped) document.Add(@case, engine, "skipped", 1, reason);
        foreach (var (engine, setting) in durability) document.Add("all", engine, "durability", 0, setting);
    }

    private static void AddRatio(BenchDocument document, string at, string variant, Spread ratio)
    {
        document.Add(at, variant, "ratio", ratio.Median, "x");
        document.Add(at, variant, "ratio_min", ratio.Min, "x");
        document.Add(at, variant, "ratio_max", ratio.Max, "x");
        document.Add(at, variant, "verdict", ratio.Verdict, ratio.VerdictName);
    }

    private static Spread? Of(IReadOnlyDictionary<int, double> rounds) => rounds.Count == 0 ? null : Spread.Of(rounds.Values.ToList());
}
