namespace Packtree.Tests.Bench;

/// <summary>The benchmark runner refuses arguments it cannot honour before measuring anything.</summary>
[Trait("Category", "Slow")]
public sealed class BenchArgumentTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    [Fact]
    public void AnUnknownSuiteIsRefusedNamingTheKnownOnes()
    {
        var (exit, _, errors) = PacktreeBench.Run(Timeout, "peer");
        Assert.NotEqual(0, exit);
        Assert.Contains("Unknown suite 'peer'. Known suites: keys, unpack, node, tree, codegen, commits, bcachefs, peers, values, or all.", errors, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2", false, "--rounds must be at least 3 (2 with --quick); got 2.")]
    [InlineData("1", true, "--rounds must be at least 2 with --quick; got 1.")]
    public void TooFewRoundsAreRefused(string rounds, bool quick, string message)
    {
        string[] arguments = quick ? ["peers", "--rounds", rounds, "--quick"] : ["peers", "--rounds", rounds];
        var (exit, output, errors) = PacktreeBench.Run(Timeout, arguments);
        Assert.NotEqual(0, exit);
        Assert.Contains(message, errors, StringComparison.Ordinal);
        Assert.DoesNotContain("round 1", output, StringComparison.Ordinal);
    }

    [Fact]
    public void AnUnknownKindOfKeysIsRefused()
    {
        var (exit, output, errors) = PacktreeBench.Run(Timeout, "peers", "--quick", "--kinds", "dbbench", "uuid");
        Assert.NotEqual(0, exit);
        Assert.Contains("uuid", errors, StringComparison.Ordinal);
        Assert.DoesNotContain("round 1", output, StringComparison.Ordinal);
    }

    [Fact]
    public void ThePacktreeToolHasNoBenchCommand()
    {
        var (exit, _, errors) = Storage.PacktreeCli.Run(Timeout, "bench");
        Assert.NotEqual(0, exit);
        Assert.Contains("'bench'", errors, StringComparison.Ordinal);
    }
}
