namespace Packtree.Tests.Storage;

/// <summary>A fact that takes minutes and gigabytes of writes: run only with <c>PACKTREE_LONG_TESTS=1</c>, reported as skipped otherwise.</summary>
public sealed class LongFactAttribute : FactAttribute
{
    public LongFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("PACKTREE_LONG_TESTS") != "1") Skip = "A long run: set PACKTREE_LONG_TESTS=1 to run it.";
    }
}
