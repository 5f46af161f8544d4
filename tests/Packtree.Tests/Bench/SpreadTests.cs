using Packtree.Bench;

namespace Packtree.Tests.Bench;

/// <summary>How the bench turns per-round figures into a median, a spread and a verdict.</summary>
public sealed class SpreadTests
{
    [Fact]
    public void TheMedianIsTheMiddleRoundOrTheMeanOfTheTwoMiddleRounds()
    {
        Assert.Equal(new Spread(2, 1, 5, 3), Spread.Of([5, 1, 2]));
        Assert.Equal(new Spread(2.5, 1, 5, 4), Spread.Of([5, 1, 2, 3]));
        Assert.Throws<ArgumentException>(() => Spread.Of([]));
    }

    [Theory]
    [InlineData(new[] { 1.2, 1.5, 1.3 }, 1, "win", "1.30× (1.20–1.50)")]
    [InlineData(new[] { 0.8, 0.9, 0.7 }, -1, "loss", "0.80× (0.70–0.90)")]
    [InlineData(new[] { 1.73, 0.95, 1.2 }, 0, "undecided", "undecided (0.95–1.73)")]
    [InlineData(new[] { 1.0, 1.1 }, 0, "undecided", "undecided (1.00–1.10)")] // a round that is a tie decides nothing
    [InlineData(new[] { 0.004, 0.005 }, -1, "loss", "0.0045× (0.004–0.005)")] // small ratios keep two significant digits
    public void ARatioWinsOrLosesOnlyWhenEveryRoundAgrees(double[] rounds, int verdict, string name, string text)
    {
        var spread = Spread.Of(rounds);
        Assert.Equal((verdict, name, text), (spread.Verdict, spread.VerdictName, spread.RatioText));
    }
}
