namespace Packtree.Bench;

/// <summary>
/// The median of figures measured in several rounds (or samples), with their spread (lowest to highest);
/// every suite's medians come from here. As a ratio of two engines' rates it is a win when every round is
/// above 1, a loss when every round is below 1, and undecided when the rounds disagree: the machine's
/// drift is then larger than the difference.
/// </summary>
public readonly record struct Spread(double Median, double Min, double Max, int Rounds)
{
    public static Spread Of(IReadOnlyCollection<double> values)
    {
        if (values.Count == 0) throw new ArgumentException("A spread needs at least one value.", nameof(values));
        var sorted = values.Order().ToArray();
        var middle = sorted.Length / 2;
        var median = sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
        return new Spread(median, sorted[0], sorted[^1], sorted.Length);
    }

    /// <summary>For a ratio: +1 when every round is above 1, -1 when every round is below 1, 0 (undecided) otherwise.</summary>
    public int Verdict => Min > 1 ? 1 : Max < 1 ? -1 : 0;

    /// <summary>The verdict as the report and the JSON name it.</summary>
    public string VerdictName => Verdict switch { 1 => "win", -1 => "loss", _ => "undecided" };

    /// <summary>A ratio as the table prints it: <c>1.65× (1.60–1.71)</c>, or <c>undecided (0.95–1.73)</c>.</summary>
    public string RatioText => Verdict == 0 ? $"undecided ({Text(Min)}–{Text(Max)})" : $"{Text(Median)}× ({Text(Min)}–{Text(Max)})";

    /// <summary>Two decimals, or two significant digits below 0.1 (so that 0.004 does not print as 0.00).</summary>
    private static string Text(double value) => value >= 0.1 ? $"{value:F2}" : $"{value:G2}";
}
