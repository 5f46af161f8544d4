namespace Packtree.Bench;

/// <summary>What a bench run was asked for.</summary>
/// <param name="Quick">A short run for smoke tests; figures are rougher.</param>
/// <param name="Keys">Keys per workload where a suite takes a count (tree, peers), or null for its default.</param>
/// <param name="Threads">Reader threads for the read workloads of the peers suite (1 by default).</param>
/// <param name="ArtifactsFolder">Where files beside the JSON (charts) go: the JSON's folder, or null for a new temporary folder.</param>
/// <param name="Rounds">Rounds of the peers suite, or null for its default (3; 2 with <paramref name="Quick"/>).</param>
/// <param name="Image">The bcachefs image the bcachefs suite reads (raw or .gz), or null for ../shared/bcachefs/img1.gz beside the repository.</param>
/// <param name="Kinds">Kinds of keys the peers suite runs on, or null for all of them.</param>
/// <param name="ValueSizes">Value sizes in bytes of the values suite, or null for 4 KiB, 64 KiB and 1 MiB.</param>
/// <param name="ValueMib">MiB of values per case of the values suite, or null for its default (256; 16 with <paramref name="Quick"/>).</param>
/// <param name="StreamMib">MiB of the value the values suite streams, or null for its default (1024; 64 with <paramref name="Quick"/>).</param>
/// <param name="Writers">Writer thread counts of the peers suite's extra fillrandom runs (none by default).</param>
public sealed record BenchSettings(bool Quick, int? Keys, int Threads = 1, string? ArtifactsFolder = null, int? Rounds = null, string? Image = null, IReadOnlyList<string>? Kinds = null,
    IReadOnlyList<int>? ValueSizes = null, int? ValueMib = null, int? StreamMib = null, IReadOnlyList<int>? Writers = null);
