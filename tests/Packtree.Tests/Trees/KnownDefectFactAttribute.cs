namespace Packtree.Tests.Trees;

/// <summary>
/// A test that shows a defect not fixed yet: skipped, with the defect named, unless
/// <c>PACKTREE_KNOWN_DEFECTS=1</c>, which runs it (and it fails until the defect is fixed; then drop the attribute for <c>[Fact]</c>).
/// </summary>
public sealed class KnownDefectFactAttribute : FactAttribute
{
    public KnownDefectFactAttribute(string defect)
    {
        if (Environment.GetEnvironmentVariable("PACKTREE_KNOWN_DEFECTS") != "1") Skip = $"Known defect, not fixed yet: {defect} (PACKTREE_KNOWN_DEFECTS=1 runs it).";
    }
}
