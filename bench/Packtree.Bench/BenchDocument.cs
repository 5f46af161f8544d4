using System.Globalization;
using System.Text.Json;

namespace Packtree.Bench;

/// <summary>
/// The results of one suite run, written as the JSON document every suite shares:
/// <c>{ "suite", "machine": {...}, "started_utc", "results": [ { "case", "variant", "metric", "value", "unit" } ] }</c>.
/// </summary>
public sealed class BenchDocument(string suite)
{
    public string Suite { get; } = suite;

    public MachineInfo Machine { get; } = MachineInfo.Current();

    public DateTime StartedUtc { get; } = DateTime.UtcNow;

    public List<BenchResult> Results { get; } = [];

    public void Add(string @case, string variant, string metric, double value, string unit) =>
        Results.Add(new BenchResult(@case, variant, metric, value, unit));

    public double? Find(string @case, string variant, string metric) =>
        Results.FirstOrDefault(r => r.Case == @case && r.Variant == variant && r.Metric == metric)?.Value;

    public void WriteJson(string path)
    {
        using var stream = File.Create(path);
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteString("suite", Suite);
        json.WriteStartObject("machine");
        json.WriteString("os", Machine.Os);
        json.WriteString("arch", Machine.Arch);
        if (Machine.Cpu is null) json.WriteNull("cpu");
        else json.WriteString("cpu", Machine.Cpu);
        json.WriteNumber("cores", Machine.Cores);
        json.WriteString("runtime", Machine.Runtime);
        json.WriteString("gc", Machine.Gc);
        json.WriteEndObject();
        json.WriteString("started_utc", StartedUtc.ToString("O", CultureInfo.InvariantCulture));
        json.WriteStartArray("results");
        foreach (var result in Results)
        {
            json.WriteStartObject();
            json.WriteString("case", result.Case);
            json.WriteString("variant", result.Variant);
            json.WriteString("metric", result.Metric);
            json.WriteNumber("value", Math.Round(result.Value, 4));
            json.WriteString("unit", result.Unit);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }
}
