namespace Packtree.Cli.Bench;

/// <summary>What a bench run was asked for.</summary>
/// <param name="Quick">A short run for smoke tests; figures are rougher.</param>
/// <param name="Keys">Keys per workload where a suite takes a count (tree), or null for its default.</param>
public sealed record BenchSettings(bool Quick, int? Keys);
