using System.Text.Json;
using Packtree.Tests.Storage;

namespace Packtree.Tests.Bench;

/// <summary>`Packtree.Bench node --quick` runs end to end: the position node and the byte-key nodes (db_bench's and YCSB's keys) against their binary searches, in the JSON.</summary>
[Trait("Category", "Slow")]
public sealed class NodeBenchTests
{
    [Fact]
    public void TheNodeSuiteMeasuresByteKeyNodesAgainstABinarySearchOverByteArrays()
    {
        using var folder = new TempFolder();
        var json = folder.File("node.json");
        var (exit, output, errors) = PacktreeBench.Run(TimeSpan.FromMinutes(5), "node", "--quick", "--json", json);
        Assert.True(exit == 0, $"exit {exit}\n{output}\n{errors}");

        using var document = JsonDocument.Parse(File.ReadAllBytes(json));
        var results = document.RootElement.GetProperty("results").EnumerateArray()
            .ToDictionary(r => $"{r.GetProperty("case").GetString()}|{r.GetProperty("variant").GetString()}|{r.GetProperty("metric").GetString()}", r => r.GetProperty("value").GetDouble());
        Assert.True(results["1 bset|node/lookup_hit|ns_per_lookup"] > 0);
        foreach (var kind in new[] { "dbbench", "ycsb" })
        {
            var @case = $"{kind} keys";
            foreach (var what in new[] { "lookup_hit", "lookup_miss" })
            {
                Assert.True(results[$"{@case}|node/{what}|ns_per_lookup"] > 0, $"{kind} {what}");
                Assert.True(results[$"{@case}|binary_search/{what}|ns_per_lookup"] > 0, $"{kind} {what}");
                var (median, min, max) = (results[$"{@case}|node/binary_search/{what}|time_ratio"], results[$"{@case}|node/binary_search/{what}|time_ratio_min"], results[$"{@case}|node/binary_search/{what}|time_ratio_max"]);
                Assert.True(min <= median && median <= max, $"{kind} {what}: ratio {median} outside {min}–{max}");
            }
            var keys = results[$"{@case}|node|keys"];
            Assert.True(keys > 1000, $"{kind}: a full node holds {keys} keys");
            AssertClose(results[$"{@case}|node|memory_bytes"] / keys, results[$"{@case}|node|bytes_per_key"]);
            AssertClose(results[$"{@case}|node|memory_bytes"] / results[$"{@case}|binary_search|memory_bytes"], results[$"{@case}|node/binary_search|memory_ratio"]);
            // Every key array costs at least its bytes and a reference.
            Assert.True(results[$"{@case}|binary_search|bytes_per_key"] >= results[$"{@case}|keys|raw_bytes_per_key"] + 8);
            Assert.InRange(results[$"{@case}|node|key_bytes_per_key"], 8, 40);
        }
        Assert.Contains("Array.BinarySearch over byte[] keys", output, StringComparison.Ordinal);
    }

    /// <summary>Equal but for the JSON's rounding.</summary>
    private static void AssertClose(double expected, double actual) => Assert.InRange(actual, expected * 0.999, expected * 1.001);
}
