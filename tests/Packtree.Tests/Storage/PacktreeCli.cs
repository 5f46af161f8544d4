using System.Diagnostics;

namespace Packtree.Tests.Storage;

/// <summary>Runs the packtree command (built beside the tests) as a process.</summary>
internal static class PacktreeCli
{
    public static (int ExitCode, string Output, string Errors) Run(TimeSpan timeout, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "packtree.dll"));
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        start.Environment["COLUMNS"] = "200";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"packtree {string.Join(' ', arguments)} did not finish in {timeout}.\n{output.Result}\n{errors.Result}");
        }
        process.WaitForExit();
        return (process.ExitCode, output.Result, errors.Result);
    }
}
