using System.Diagnostics;

namespace Packtree.Tests.Storage;

/// <summary>Runs a program of this repository, built beside the tests, as a process (<c>dotnet NAME.dll ...</c>).</summary>
internal static class BuiltProgram
{
    public static (int ExitCode, string Output, string Errors) Run(string assembly, TimeSpan timeout, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, assembly));
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        start.Environment["COLUMNS"] = "200";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{Path.GetFileNameWithoutExtension(assembly)} {string.Join(' ', arguments)} did not finish in {timeout}.\n{output.Result}\n{errors.Result}");
        }
        process.WaitForExit();
        return (process.ExitCode, output.Result, errors.Result);
    }
}
