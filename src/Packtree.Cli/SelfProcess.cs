using System.Diagnostics;

namespace Packtree.Cli;

/// <summary>Starts this same command in a child process (the crash trials of <c>torture</c>).</summary>
public static class SelfProcess
{
    /// <summary>How to run <c>packtree</c> with <paramref name="arguments"/>, output redirected: the apphost directly, or <c>dotnet packtree.dll</c>.</summary>
    public static ProcessStartInfo StartInfo(params string[] arguments)
    {
        var self = Environment.ProcessPath ?? "dotnet";
        var start = new ProcessStartInfo(self) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet") start.ArgumentList.Add(typeof(SelfProcess).Assembly.Location);
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        return start;
    }
}
