using System.Text.Json;
using Packtree.Tests.Storage;

namespace Packtree.Tests.Bench;

/// <summary>`Packtree.Bench codegen` runs end to end: every strategy in memory and on a file, each workload's rates and ratios to the portable path, and the leaves' formats, in the JSON.</summary>
[Trait("Category", "Slow")]
public sealed class CodegenBenchTests
{
    [Fact]
    public void TheCodegenSuiteComparesEveryStrategyToThePortablePathRoundByRound()
    {
        using var folder = new TempFolder();
        var json = folder.File("codegen.json");
        var (exit, output, errors) = PacktreeBench.Run(TimeSpan.FromMinutes(5), "codegen", "--quick", "--keys", "20000", "--rounds", "3", "--json", json);
        Assert.True(exit == 0, $"exit {exit}\n{output}\n{errors}");

        using var document = JsonDocument.Parse(File.ReadAllBytes(json));
        var results = document.RootElement.GetProperty("results").EnumerateArray()
            .ToDictionary(r => $"{r.GetProperty("case").GetString()}|{r.GetProperty("variant").GetString()}|{r.GetProperty("metric").GetString()}", r => r.GetProperty("value").GetDouble());
        Assert.Equal(3, results["all|workload|rounds"]);
        foreach (var place in new[] { "memory", "file" })
        {
            var (leaves, formats, shapes) = (results[$"e2e_{place}|leaves|leaves"], results[$"e2e_{place}|leaves|formats"], results[$"e2e_{place}|leaves|shapes"]);
            Assert.True(leaves >= 1 && formats >= 1 && formats <= leaves && shapes <= formats, $"{place}: {leaves} leaves, {formats} formats, {shapes} shapes");
            foreach (var workload in new[] { "rand_insert", "rand_lookup", "seq_lookup" })
            {
                var @case = $"e2e_{place}_{workload}";
                foreach (var strategy in new[] { "portable", "compiled", "auto" }) Assert.True(results[$"{@case}|{strategy}|ops_per_second"] > 0, $"{@case} {strategy}");
                foreach (var strategy in new[] { "compiled", "auto" })
                {
                    var (median, min, max) = (results[$"{@case}|{strategy}_vs_portable|ratio"], results[$"{@case}|{strategy}_vs_portable|ratio_min"], results[$"{@case}|{strategy}_vs_portable|ratio_max"]);
                    Assert.True(min > 0 && min <= median && median <= max, $"{@case} {strategy}: {median} outside {min}–{max}");
                }
            }
        }
        Assert.Contains("Key code end to end, memory", output, StringComparison.Ordinal);
        Assert.Contains("Key code end to end, file", output, StringComparison.Ordinal);
    }
}
