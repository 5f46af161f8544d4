using System.Text.Json;

namespace Packtree.Tests.Vectors;

/// <summary>The vector folder as a whole: every record file is one these tests understand, and the counts match summary.json.</summary>
[Trait("Category", "Vectors")]
public sealed class VectorSetTests
{
    private static readonly Dictionary<string, string> CountNames = new()
    {
        ["formats.jsonl.gz"] = "formats",
        ["keys.jsonl.gz"] = "keys",
        ["unpack_raw.jsonl.gz"] = "unpack_raw",
        ["pack_pos.jsonl.gz"] = "pack_pos",
        ["cmp.jsonl.gz"] = "cmp",
        ["bitops.jsonl.gz"] = "bitops",
        ["transform.jsonl.gz"] = "transform",
        ["format_invalid.jsonl.gz"] = "format_invalid",
    };

    [Fact]
    public void EveryRecordFileIsKnownAndPresent()
    {
        var present = Directory.GetFiles(VectorFolder.Path, "*.jsonl*").Select(Path.GetFileName).ToHashSet();
        var unknown = present.Where(f => !CountNames.ContainsKey(f!)).ToList();
        Assert.True(unknown.Count == 0, $"Vector files no test reads: {string.Join(", ", unknown)}");
        var missing = CountNames.Keys.Where(f => !present.Contains(f)).ToList();
        Assert.True(missing.Count == 0, $"Vector files missing from {VectorFolder.Path}: {string.Join(", ", missing)}");
    }

    [Fact]
    public void RecordCountsMatchTheSummary()
    {
        using var summary = JsonDocument.Parse(File.ReadAllText(VectorFolder.File("summary.json")));
        var counts = summary.RootElement.GetProperty("counts");
        foreach (var (file, name) in CountNames)
            Assert.True(counts.GetProperty(name).GetInt32() == VectorFile.CountRecords(file), $"{file}: summary.json says {counts.GetProperty(name).GetInt32()} records, the file holds {VectorFile.CountRecords(file)}.");

        // bcachefs's own code paths agreed with each other on every valid input.
        foreach (var tally in summary.RootElement.GetProperty("cross_checks_disagreements").EnumerateObject())
            Assert.True(tally.Value.GetInt32() == 0, $"summary.json reports {tally.Value} disagreements in {tally.Name}.");
    }
}
