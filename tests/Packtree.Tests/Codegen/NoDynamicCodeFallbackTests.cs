using System.Diagnostics;
using Packtree.Tests.Vectors;

namespace Packtree.Tests.Codegen;

/// <summary>
/// Runs tests/Packtree.NoDynamicCode, built with DynamicCodeSupport=false, over the vectors: asking for
/// compiled or automatic codecs there must fall back to the portable path, never crash, and still agree
/// with bcachefs.
/// </summary>
[Trait("Category", "Vectors")]
public sealed class NoDynamicCodeFallbackTests
{
    [Fact]
    public void WithoutDynamicCodeCompiledAndAutoFallBackAndStillAgreeWithTheVectors()
    {
        var project = Path.Combine(VectorFolder.RepositoryRoot(), "tests", "Packtree.NoDynamicCode");
        var start = new ProcessStartInfo("dotnet", ["run", "-c", "Release", "--project", project, "--", VectorFolder.Path])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        // The program checks what Compiled and Auto fall back to; a strategy forced for this test run must not reach it.
        start.Environment.Remove(Packtree.Codegen.KeyCodecFactory.StrategyEnvironmentVariable);
        start.Environment.Remove(Packtree.Codegen.KeyCodecOptions.VerifyEnvironmentVariable);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"The no-dynamic-code program did not finish in 5 minutes.\n{output.Result}\n{errors.Result}");
        }
        var report = $"exit code {process.ExitCode}\n{output.Result}\n{errors.Result}";
        Assert.True(process.ExitCode == 0, report);
        Assert.Contains("dynamic code supported: False", output.Result, StringComparison.Ordinal);
        Assert.Matches(@"checked [1-9]\d* records, 0 mismatches, fallbacks counted: [1-9]\d*, warning logged: True", output.Result);
    }
}
