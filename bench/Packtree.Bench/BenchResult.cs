namespace Packtree.Bench;

/// <summary>One measured figure: a case (data set), a variant (what was timed), a metric, its value and unit.</summary>
public sealed record BenchResult(string Case, string Variant, string Metric, double Value, string Unit);
