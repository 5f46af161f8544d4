namespace Packtree.Tests.Storage;

/// <summary>
/// Crash trials through <c>packtree torture</c>: a worker process commits flushed and buffered batches
/// until it is killed with SIGKILL at a random moment; the store is reopened, checked, and must hold
/// exactly the state after some prefix of the commits that includes every acknowledged durable one.
/// PACKTREE_TORTURE_TRIALS sets how many (20 by default).
/// </summary>
[Trait("Category", "Slow")]
public sealed class CrashTests
{
    [Fact]
    public void NothingAcknowledgedIsLostWhenTheProcessIsKilled()
    {
        var trials = int.TryParse(Environment.GetEnvironmentVariable("PACKTREE_TORTURE_TRIALS"), out var n) ? n : 20;
        var (exit, output, errors) = PacktreeCli.Run(TimeSpan.FromMinutes(10 + trials / 4), "torture", "--trials", $"{trials}", "--seed", $"{Environment.TickCount & 0xffff}");
        Assert.True(exit == 0, $"exit {exit}\n{output}\n{errors}");
        Assert.Contains($"{trials} trials, 0 failed", output, StringComparison.Ordinal);
        Assert.Equal(trials, output.Split('\n').Count(l => l.Contains("— ok", StringComparison.Ordinal)));
    }
}
