namespace Packtree.Bench.Peers;

/// <summary>One figure a worker reports for a step: a metric, its value and unit (for text settings, the text is the unit).</summary>
public readonly record struct PeerMetric(string Metric, double Value, string Unit);
