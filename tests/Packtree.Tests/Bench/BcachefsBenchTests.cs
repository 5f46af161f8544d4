using System.Text.Json;
using Packtree.Tests.Bcachefs;
using Packtree.Tests.Storage;

namespace Packtree.Tests.Bench;

/// <summary>`Packtree.Bench bcachefs` runs end to end on a real image: every strategy measured in rounds, the figures in the JSON.</summary>
[Trait("Category", "Slow")]
public sealed class BcachefsBenchTests
{
    [Fact]
    public void TheBcachefsSuiteMeasuresEveryStrategyListingAndExtraction()
    {
        using var folder = new TempFolder();
        var json = folder.File("bcachefs.json");
        var image = ImageFolder.Path + "/" + ImageFolder.Names[0] + ".gz";
        var (exit, output, errors) = PacktreeBench.Run(TimeSpan.FromMinutes(10), "bcachefs", "--quick", "--image", image, "--json", json);
        Assert.True(exit == 0, $"exit {exit}\n{output}\n{errors}");

        using var document = JsonDocument.Parse(File.ReadAllBytes(json));
        var results = document.RootElement.GetProperty("results").EnumerateArray()
            .ToDictionary(r => $"{r.GetProperty("variant").GetString()}/{r.GetProperty("metric").GetString()}", r => r.GetProperty("value").GetDouble());
        foreach (var strategy in new[] { "generic", "byte-aligned", "compiled", "auto" })
        {
            Assert.True(results[$"{strategy}/unpack_leaves/ns_per_key"] > 0, strategy);
            Assert.InRange(results[$"{strategy}/unpack_leaves/ns_per_key_min"], 0, results[$"{strategy}/unpack_leaves/ns_per_key"]);
        }
        Assert.Equal(1.0, results["compiled/unpack_leaves/ratio_to_compiled"]);
        Assert.Equal(ImageFolder.KeyCounts(ImageFolder.Names[0]).Values.Sum(), (long)results["list/keys"]);
        Assert.True(results["leaves/formats"] >= 1);
        Assert.True(results["list/keys_per_second"] > 0 && results["read/mb_per_second"] > 0 && results["extract/mb_per_second"] > 0 && results["extract/files"] > 0);
        Assert.Contains("ns per key", output, StringComparison.Ordinal);
    }
}
