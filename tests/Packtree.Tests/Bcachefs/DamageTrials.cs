namespace Packtree.Tests.Bcachefs;

/// <summary>What the random damage tests share: how many trials to run, and a time limit on each.</summary>
internal static class DamageTrials
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    /// <summary>Trials per image: <paramref name="byDefault"/>, or more with PACKTREE_DAMAGE_TRIALS (the long mode).</summary>
    public static int Count(int byDefault) =>
        int.TryParse(Environment.GetEnvironmentVariable("PACKTREE_DAMAGE_TRIALS"), out var n) && n > 0 ? n : byDefault;

    /// <summary>Runs <paramref name="check"/> off the test's thread; a hang fails the test (named by <paramref name="context"/>) instead of stopping the run.</summary>
    public static async Task Within(Action check, string context)
    {
        var run = Task.Run(check);
        var finished = await Task.WhenAny(run, Task.Delay(Timeout));
        Assert.True(finished == run, $"{context}: no answer within {Timeout.TotalSeconds} s");
        await run;
    }
}
