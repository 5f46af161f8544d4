using Packtree.Codegen;

namespace Packtree.Tests.Codegen;

/// <summary>A fact about automatic strategy selection: skipped, and reported as skipped, when PACKTREE_UNPACK forces one strategy for the run.</summary>
public sealed class FactUnlessStrategyForcedAttribute : FactAttribute
{
    public FactUnlessStrategyForcedAttribute()
    {
        if (KeyCodecFactory.ForcedStrategy is { } forced) Skip = $"{KeyCodecFactory.StrategyEnvironmentVariable}={forced} forces one strategy for this run, so there is no automatic choice to test.";
    }
}
