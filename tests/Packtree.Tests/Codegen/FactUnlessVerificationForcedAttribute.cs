using Packtree.Codegen;

namespace Packtree.Tests.Codegen;

/// <summary>A fact about allocations on hot paths: skipped, and reported as skipped, when PACKTREE_VERIFY_UNPACK makes every key read also read a reference copy.</summary>
public sealed class FactUnlessVerificationForcedAttribute : FactAttribute
{
    public FactUnlessVerificationForcedAttribute()
    {
        if (KeyCodecFactory.VerifyForced) Skip = $"{KeyCodecOptions.VerifyEnvironmentVariable}=1 checks every read against a reference read into arrays of its own, so this run allocates by design.";
    }
}
