using System.Text.Json;
using Packtree.Tests.Storage;

namespace Packtree.Tests.Bench;

/// <summary>
/// `Packtree.Bench peers` runs end to end at a small size: every engine measured or skipped with a reason,
/// every workload in every round on every kind of keys (positions and byte keys), ratios as medians with their
/// spread and verdict, JSON and charts written, and for Packtree's byte-key trees the key size in the leaves.
/// </summary>
[Trait("Category", "Slow")]
public sealed class PeersBenchTests
{
    private static readonly string[] Engines = ["packtree", "packtree_portable", "packtree_background", "packtree_nobuffer", "lmdb", "rocksdb", "sqlite", "zonetree", "faster"];

    private static readonly string[] Kinds = ["extents", "random", "dbbench", "ycsb"];

    [Fact]
    public void ThePeersSuiteRunsEveryEngineInRoundsAndWritesJsonAndCharts()
    {
        using var folder = new TempFolder();
        var json = folder.File("peers.json");
        var (exit, output, errors) = PacktreeBench.Run(TimeSpan.FromMinutes(15), "peers", "--quick", "--keys", "1000", "--writers", "2", "--json", json);
        Assert.True(exit == 0, $"exit {exit}\n{output}\n{errors}");
        Assert.All(Kinds, kind => Assert.True(File.Exists(folder.File($"peers-{kind}.svg")), output));
        Assert.StartsWith("<svg", File.ReadAllText(folder.File("peers-random.svg")), StringComparison.Ordinal);

        using var document = JsonDocument.Parse(File.ReadAllBytes(json));
        var results = document.RootElement.GetProperty("results").EnumerateArray()
            .Select(r => (Case: r.GetProperty("case").GetString()!, Engine: r.GetProperty("variant").GetString()!, Metric: r.GetProperty("metric").GetString()!, Value: r.GetProperty("value").GetDouble(), Unit: r.GetProperty("unit").GetString()!))
            .ToList();
        double? Find(string @case, string engine, string metric) => results.Where(r => r.Case == @case && r.Engine == engine && r.Metric == metric).Select(r => (double?)r.Value).FirstOrDefault();
        Assert.Equal(2, Find("all", "workload", "rounds")); // --quick: two rounds
        var skipped = results.Where(r => r.Metric == "skipped").Select(r => r.Engine).ToHashSet();
        Assert.DoesNotContain("packtree", skipped);
        foreach (var engine in Engines)
        {
            if (skipped.Contains(engine))
            {
                Assert.Contains($"skipped {engine}", output, StringComparison.Ordinal);
                continue;
            }
            foreach (var kind in Kinds)
            {
                var workloads = results.Where(r => r.Engine == engine && r.Case.StartsWith(kind + "/", StringComparison.Ordinal) && r.Metric == "ops_per_second").Select(r => r.Case[(kind.Length + 1)..]).ToHashSet();
                var expected = engine == "faster" ? new[] { "fillseq", "fillrandom", "overwrite", "readrandom", "ycsb_a", "ycsb_b", "ycsb_c", "ycsb_f" }
                    : ["fillseq", "fillrandom", "overwrite", "readrandom", "readseq", "readreverse", "fillsync", "ycsb_a", "ycsb_b", "ycsb_c", "ycsb_e", "ycsb_f"];
                expected = [.. expected, "fillrandom_2w"]; // --writers 2: every engine fills with two threads too
                Assert.True(expected.All(workloads.Contains), $"{engine} on {kind} keys ran {string.Join(", ", workloads)}");
                foreach (var workload in expected)
                {
                    var @case = $"{kind}/{workload}";
                    var rounds = new[] { Find(@case, engine, "ops_per_second_round_1"), Find(@case, engine, "ops_per_second_round_2") };
                    Assert.All(rounds, r => Assert.True(r > 0, $"{engine} {@case}: a round has no rate"));
                    Assert.Equal(rounds.Min(), Find(@case, engine, "ops_per_second_min"));
                    Assert.Equal(rounds.Max(), Find(@case, engine, "ops_per_second_max"));
                    Assert.InRange(Find(@case, engine, "ops_per_second")!.Value, rounds.Min()!.Value, rounds.Max()!.Value);
                    if (engine != "packtree" && Find(@case, "packtree", "ops_per_second") is not null) AssertRatio(results.Where(r => r.Case == @case && r.Engine == $"packtree/{engine}").Select(r => (r.Metric, r.Value, r.Unit)).ToList(), $"{engine} {@case}");
                    if (engine is "zonetree" or "faster" && workload != "fillsync" && Find(@case, "packtree_background", "ops_per_second") is not null) // like with like: commits acknowledged from memory
                        AssertRatio(results.Where(r => r.Case == @case && r.Engine == $"packtree_background/{engine}").Select(r => (r.Metric, r.Value, r.Unit)).ToList(), $"background {engine} {@case}");
                }
                AssertRatio(results.Where(r => r.Case == $"{kind}/fillrandom_2w" && r.Engine == $"{engine}/fillrandom").Select(r => (r.Metric, r.Value, r.Unit)).ToList(), $"{engine} {kind} two writers");
                Assert.Contains(results, r => r.Engine == engine && r.Case == $"{kind}/overwrite" && r.Metric == "bytes_on_disk_per_key" && r.Value > 0);
                Assert.Contains(results, r => r.Engine == engine && r.Case == $"{kind}/all" && r.Metric == "peak_working_set_bytes" && r.Value > 0);
            }
        }
        foreach (var kind in new[] { "dbbench", "ycsb" })
        {
            foreach (var fill in new[] { "fillseq", "fillrandom", "fillsync" })
            {
                var @case = $"{kind}/{fill}";
                var (bytes, bits, raw, percent) = (Find(@case, "packtree", "leaf_key_bytes_per_key"), Find(@case, "packtree", "leaf_key_bits_per_key"), Find(@case, "packtree", "raw_key_bytes_per_key"), Find(@case, "packtree", "leaf_key_percent_of_raw"));
                Assert.True(bytes >= 8, $"{@case}: {bytes} key bytes per key"); // at least the word of the key's header
                Assert.InRange(bits!.Value, 1, 8 * bytes!.Value);
                Assert.InRange(raw!.Value, kind == "dbbench" ? 16 : 5, kind == "dbbench" ? 16 : 24);
                Assert.InRange(percent!.Value, 100 * bytes.Value / raw.Value * 0.999, 100 * bytes.Value / raw.Value * 1.001); // but for the JSON's rounding
                Assert.True(Find(@case, "packtree", "leaves") >= 1);
                Assert.Null(Find(@case, "lmdb", "leaf_key_bytes_per_key")); // only Packtree reports how it stores keys
            }
        }
        Assert.Contains("stored key size", output, StringComparison.Ordinal);
        Assert.Contains("per-round ratios", output, StringComparison.Ordinal);
        Assert.Contains("Writer threads", output, StringComparison.Ordinal);
        if (!skipped.Contains("zonetree")) Assert.Contains("At matched durability", output, StringComparison.Ordinal);
        if (results.Any(r => r.Metric == "verdict" && r.Unit == "undecided")) Assert.Contains("undecided (", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1")]
    [InlineData("65")]
    [InlineData("2,many")]
    public void WriterCountsOutsideTwoToSixtyFourAreRefused(string writers)
    {
        var (exit, output, errors) = PacktreeBench.Run(TimeSpan.FromMinutes(2), "peers", "--quick", "--writers", writers);
        Assert.NotEqual(0, exit);
        Assert.Contains("--writers takes writer thread counts from 2 to 64", errors, StringComparison.Ordinal);
        Assert.DoesNotContain("round 1", output, StringComparison.Ordinal);
    }

    /// <summary>A ratio has its median within its spread, and its verdict follows from the spread.</summary>
    private static void AssertRatio(List<(string Metric, double Value, string Unit)> ratio, string what)
    {
        double Get(string metric) => ratio.Single(r => r.Metric == metric).Value;
        var (median, min, max) = (Get("ratio"), Get("ratio_min"), Get("ratio_max"));
        Assert.True(min <= median && median <= max, $"{what}: ratio {median} outside {min}–{max}");
        var verdict = ratio.Single(r => r.Metric == "verdict");
        var expected = min > 1 ? (1, "win") : max < 1 ? (-1, "loss") : (0, "undecided");
        Assert.Equal(expected, ((int)verdict.Value, verdict.Unit));
    }
}
