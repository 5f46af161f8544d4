using System.Text.Json;
using Packtree.Tests.Storage;

namespace Packtree.Tests.Bench;

/// <summary>
/// `Packtree.Bench values` runs end to end at a small size, with values Packtree takes today (1,000 bytes): every
/// engine measured or skipped with a reason, every workload in every round, ratios as medians with their spread
/// and verdict, bytes on disk and peak memory per engine, streaming measured or skipped, JSON and a chart written.
/// </summary>
[Trait("Category", "Slow")]
public sealed class ValuesBenchTests
{
    private static readonly string[] Engines = ["packtree", "packtree_zstd", "lmdb", "rocksdb", "sqlite"];

    private static readonly string[] Cases = ["1000B-random", "1000B-text"];

    private static readonly string[] Workloads = ["put", "get", "scan", "overwrite"];

    [Fact]
    public void TheValuesSuiteRunsEveryEngineInRoundsAndWritesJsonAndCharts()
    {
        using var folder = new TempFolder();
        var json = folder.File("values.json");
        var (exit, output, errors) = PacktreeBench.Run(TimeSpan.FromMinutes(5), "values", "--quick", "--sizes", "1000", "--value-mib", "2", "--stream-mib", "4", "--json", json);
        Assert.True(exit == 0, $"exit {exit}\n{output}\n{errors}");
        Assert.StartsWith("<svg", File.ReadAllText(folder.File("values-1000B.svg")), StringComparison.Ordinal);

        using var document = JsonDocument.Parse(File.ReadAllBytes(json));
        var results = document.RootElement.GetProperty("results").EnumerateArray()
            .Select(r => (Case: r.GetProperty("case").GetString()!, Engine: r.GetProperty("variant").GetString()!, Metric: r.GetProperty("metric").GetString()!, Value: r.GetProperty("value").GetDouble(), Unit: r.GetProperty("unit").GetString()!))
            .ToList();
        double? Find(string @case, string engine, string metric) => results.Where(r => r.Case == @case && r.Engine == engine && r.Metric == metric).Select(r => (double?)r.Value).FirstOrDefault();
        Assert.Equal(2, Find("all", "workload", "rounds"));
        Assert.Equal(2 << 20, Find("all", "workload", "value_bytes_per_case"));
        Assert.True(Find("1000B-text/all", "data", "zstd_ratio") > 1.5, "text values compress");
        Assert.InRange(Find("1000B-random/all", "data", "zstd_ratio")!.Value, 0.9, 1.05);
        foreach (var @case in Cases)
        {
            var skipped = results.Where(r => r.Case == @case && r.Metric == "skipped").Select(r => r.Engine).ToHashSet();
            Assert.DoesNotContain("packtree", skipped);
            foreach (var engine in Engines.Where(e => !skipped.Contains(e)))
            {
                foreach (var workload in Workloads)
                {
                    var at = $"{@case}/{workload}";
                    var rounds = new[] { Find(at, engine, "mb_per_second_round_1"), Find(at, engine, "mb_per_second_round_2") };
                    Assert.All(rounds, r => Assert.True(r > 0, $"{engine} {at}: a round has no rate"));
                    Assert.InRange(Find(at, engine, "mb_per_second")!.Value, rounds.Min()!.Value, rounds.Max()!.Value);
                    if (engine == "packtree") continue;
                    var (ratio, min, max) = (Find(at, $"packtree/{engine}", "ratio"), Find(at, $"packtree/{engine}", "ratio_min"), Find(at, $"packtree/{engine}", "ratio_max"));
                    Assert.True(min <= ratio && ratio <= max, $"{engine} {at}: ratio {ratio} outside {min}–{max}");
                }
                Assert.True(Find($"{@case}/overwrite", engine, "disk_bytes_per_value_byte") > 0, $"{engine} {@case}: no bytes on disk");
                Assert.True(Find($"{@case}/all", engine, "peak_working_set_bytes") > 0, $"{engine} {@case}: no peak memory");
            }
        }
        var streamSkipped = results.Where(r => r.Case == "stream" && r.Metric == "skipped").ToDictionary(r => r.Engine, r => r.Unit);
        foreach (var engine in new[] { "packtree", "sqlite" })
        {
            if (streamSkipped.TryGetValue(engine, out var reason)) Assert.False(string.IsNullOrWhiteSpace(reason));
            else
            {
                Assert.True(Find("stream", engine, "put_mb_per_second") > 0, $"{engine}: no streaming put rate");
                Assert.True(Find("stream", engine, "read_mb_per_second") > 0, $"{engine}: no streaming read rate");
                Assert.NotNull(Find("stream", engine, "peak_above_before_bytes"));
            }
        }
        Assert.Contains("per-round ratios", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("1073741825")]
    [InlineData("4096,big")]
    public void ValueSizesOutsideOneByteToOneGibAreRefused(string sizes)
    {
        var (exit, output, errors) = PacktreeBench.Run(TimeSpan.FromMinutes(2), "values", "--quick", "--sizes", sizes);
        Assert.NotEqual(0, exit);
        Assert.Contains("--sizes takes value sizes in bytes from 1 to 1073741824", errors, StringComparison.Ordinal);
        Assert.DoesNotContain("round 1", output, StringComparison.Ordinal);
    }
}
