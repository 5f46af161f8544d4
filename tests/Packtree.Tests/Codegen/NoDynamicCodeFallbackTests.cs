using System.Diagnostics;
using Packtree.Tests.Vectors;

namespace Packtree.Tests.Codegen;

/// <summary>
/// Runs tests/Packtree.NoDynamicCode, built with DynamicCodeSupport=false, over the vectors: asking for
/// compiled or automatic codecs there must fall back to the portable path, never crash, and still agree
/// with bcachefs.
/// </summary>
[Trait("Category", "Vectors")]
[Trait("Category", "Slow")]
public sealed class NoDynamicCodeFallbackTests
{
    [Fact]
    public async Task WithoutDynamicCodeCompiledAndAutoFallBackAndStillAgreeWithTheVectors()
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
        var reading = process.StandardOutput.ReadToEndAsync();
        var readingErrors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
        }
        var (output, errors) = (await reading, await readingErrors);
        Assert.True(process.HasExited && !timeout.IsCancellationRequested, $"The no-dynamic-code program did not finish in 5 minutes.\n{output}\n{errors}");
        var report = $"exit code {process.ExitCode}\n{output}\n{errors}";
        Assert.True(process.ExitCode == 0, report);
        Assert.Contains("dynamic code supported: False", output, StringComparison.Ordinal);
        Assert.Matches(@"checked [1-9]\d* records, 0 mismatches, fallbacks counted: [1-9]\d*, warning logged: True", output);
    }
}
