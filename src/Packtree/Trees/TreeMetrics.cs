using System.Diagnostics.Metrics;

namespace Packtree.Trees;

/// <summary>Structural changes of trees, through <see cref="System.Diagnostics.Metrics"/> (meter <c>Packtree.Trees</c>).</summary>
internal static class TreeMetrics
{
    /// <summary>The meter's name, for listeners.</summary>
    public const string MeterName = "Packtree.Trees";

    private static readonly Meter Meter = new(MeterName);

    internal static readonly Counter<long> Splits = Meter.CreateCounter<long>("packtree.tree.splits", "{node}", "Nodes split in two");
    internal static readonly Counter<long> Compactions = Meter.CreateCounter<long>("packtree.tree.compactions", "{node}", "Full nodes rewritten into one bset in a new format instead of split");
    internal static readonly Counter<long> Merges = Meter.CreateCounter<long>("packtree.tree.merges", "{node}", "Underfull siblings merged into one node");
    internal static readonly Counter<long> BufferApplies = Meter.CreateCounter<long>("packtree.tree.buffer_applies", "{batch}", "Write buffers applied to their btrees in one sorted batch");
    internal static readonly Counter<long> NewRoots = Meter.CreateCounter<long>("packtree.tree.new_roots", "{root}", "Roots split, growing a tree by a level");
}
