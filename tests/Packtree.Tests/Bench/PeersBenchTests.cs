using System.Text.Json;
using Packtree.Tests.Storage;

namespace Packtree.Tests.Bench;

/// <summary>`Packtree.Bench peers` runs end to end at a small size: every engine measured or skipped with a reason, JSON and charts written.</summary>
[Trait("Category", "Slow")]
public sealed class PeersBenchTests
{
    [Fact]
    public void ThePeersSuiteRunsEveryEngineAndWritesJsonAndCharts()
    {
        using var folder = new TempFolder();
        var json = folder.File("peers.json");
        var (exit, output, errors) = PacktreeBench.Run(TimeSpan.FromMinutes(15), "peers", "--quick", "--keys", "1000", "--json", json);
        Assert.True(exit == 0, $"exit {exit}\n{output}\n{errors}");
        Assert.True(File.Exists(folder.File("peers-extents.svg")), output);
        Assert.True(File.Exists(folder.File("peers-random.svg")), output);
        Assert.StartsWith("<svg", File.ReadAllText(folder.File("peers-random.svg")), StringComparison.Ordinal);

        using var document = JsonDocument.Parse(File.ReadAllBytes(json));
        var results = document.RootElement.GetProperty("results").EnumerateArray()
            .Select(r => (Case: r.GetProperty("case").GetString()!, Engine: r.GetProperty("variant").GetString()!, Metric: r.GetProperty("metric").GetString()!, Value: r.GetProperty("value").GetDouble()))
            .ToList();
        var skipped = results.Where(r => r.Metric == "skipped").Select(r => r.Engine).ToHashSet();
        foreach (var engine in new[] { "packtree", "lmdb", "rocksdb", "sqlite", "zonetree", "faster" })
        {
            if (skipped.Contains(engine))
            {
                Assert.NotEqual("packtree", engine);
                Assert.Contains($"skipped {engine}", output, StringComparison.Ordinal);
                continue;
            }
            foreach (var kind in new[] { "extents", "random" })
            {
                var workloads = results.Where(r => r.Engine == engine && r.Case.StartsWith(kind + "/", StringComparison.Ordinal) && r.Metric == "ops_per_second").Select(r => r.Case[(kind.Length + 1)..]).ToHashSet();
                var expected = engine == "faster" ? new[] { "fillseq", "fillrandom", "overwrite", "readrandom", "ycsb_a", "ycsb_b", "ycsb_c", "ycsb_f" }
                    : ["fillseq", "fillrandom", "overwrite", "readrandom", "readseq", "readreverse", "fillsync", "ycsb_a", "ycsb_b", "ycsb_c", "ycsb_e", "ycsb_f"];
                Assert.True(expected.All(workloads.Contains), $"{engine} on {kind} keys ran {string.Join(", ", workloads)}");
                Assert.Contains(results, r => r.Engine == engine && r.Case == $"{kind}/overwrite" && r.Metric == "bytes_on_disk_per_key" && r.Value > 0);
                Assert.Contains(results, r => r.Engine == engine && r.Case == $"{kind}/all" && r.Metric == "peak_working_set_bytes" && r.Value > 0);
            }
        }
    }
}
