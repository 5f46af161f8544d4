using System.Globalization;

namespace Packtree.Bench.Peers;

/// <summary>
/// What the suite and a worker say to each other: the suite writes one step per line on the worker's
/// standard input; the worker answers on its standard output with lines that start with <see cref="Prefix"/>
/// (anything else an engine prints there is ignored): <c>ready</c> once its keys are made, then per step
/// any number of <c>metric NAME VALUE UNIT</c> lines and one of <c>done</c>, <c>skipped REASON</c> (its native
/// library is missing) or <c>failed MESSAGE</c>.
/// </summary>
public static class PeerProtocol
{
    public const string Prefix = "@@peer ";

    public static string Ready => Prefix + "ready";

    public static string Done => Prefix + "done";

    public static string Metric(PeerMetric metric) => FormattableString.Invariant($"{Prefix}metric {metric.Metric} {metric.Value:R} {OneLine(metric.Unit)}");

    public static string Skipped(string reason) => $"{Prefix}skipped {OneLine(reason)}";

    public static string Failed(string message) => $"{Prefix}failed {OneLine(message)}";

    /// <summary>The message of a protocol line, without its prefix; null for any other line.</summary>
    public static string? Message(string line) => line.StartsWith(Prefix, StringComparison.Ordinal) ? line[Prefix.Length..] : null;

    /// <summary>The figure of a <c>metric</c> message.</summary>
    public static PeerMetric ParseMetric(string message)
    {
        var parts = message.Split(' ', 4);
        if (parts.Length < 3 || parts[0] != "metric") throw new FormatException($"Not a metric line: '{message}'.");
        return new PeerMetric(parts[1], double.Parse(parts[2], CultureInfo.InvariantCulture), parts.Length > 3 ? parts[3] : "");
    }

    private static string OneLine(string text) => text.ReplaceLineEndings(" ");
}
