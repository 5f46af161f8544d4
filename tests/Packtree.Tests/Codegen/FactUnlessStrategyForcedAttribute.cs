using Packtree.Codegen;

namespace Packtree.Tests.Codegen;

/// <summary>
/// A fact about automatic strategy selection: skipped, and reported as skipped, when PACKTREE_UNPACK forces one strategy
/// for the run, or PACKTREE_VERIFY_UNPACK wraps every codec in a verifying one (the choice is then behind the wrapper).
/// </summary>
public sealed class FactUnlessStrategyForcedAttribute : FactAttribute
{
    public FactUnlessStrategyForcedAttribute()
    {
        if (KeyCodecFactory.ForcedStrategy is { } forced) Skip = $"{KeyCodecFactory.StrategyEnvironmentVariable}={forced} forces one strategy for this run, so there is no automatic choice to test.";
        else if (KeyCodecFactory.VerifyForced) Skip = $"{KeyCodecOptions.VerifyEnvironmentVariable}=1 wraps every codec in a verifying one, so the codec Auto chose is not the one a node holds.";
    }
}
