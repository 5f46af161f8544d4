using System.Diagnostics.Metrics;
using Packtree.Codegen;
using Packtree.Trees;

namespace Packtree;

/// <summary>
/// Operations on stores, through <see cref="System.Diagnostics.Metrics"/> (meter <c>Packtree</c>).
/// Structural changes are counted by meter <c>Packtree.Trees</c> (<see cref="TreesMeterName"/>) and compiled key code by
/// <c>Packtree.Codegen</c> (<see cref="CodegenMeterName"/>).
/// </summary>
public static class StoreMetrics
{
    /// <summary>The meter's name, for listeners.</summary>
    public const string MeterName = "Packtree";

    /// <summary>The name of the meter that counts structural changes of trees: splits, compactions, merges, new roots.</summary>
    public const string TreesMeterName = TreeMetrics.MeterName;

    /// <summary>The name of the meter of compiled key code: compilations, compile time, cache hits, misses and evictions.</summary>
    public const string CodegenMeterName = CodegenMetrics.MeterName;

    private static readonly Meter Meter = new(MeterName);

    internal static readonly Counter<long> Lookups = Meter.CreateCounter<long>("packtree.lookups", "{lookup}", "Point reads: TryGet, Get, Contains");
    internal static readonly Counter<long> Puts = Meter.CreateCounter<long>("packtree.puts", "{put}", "Values written");
    internal static readonly Counter<long> Deletes = Meter.CreateCounter<long>("packtree.deletes", "{delete}", "Deletions applied");
    internal static readonly Counter<long> Commits = Meter.CreateCounter<long>("packtree.commits", "{commit}", "Single updates and batches applied, each atomically");
    internal static readonly Counter<long> ScanChunks = Meter.CreateCounter<long>("packtree.scan_chunks", "{chunk}", "Runs of keys read by cursors, each under one read lock");
}
