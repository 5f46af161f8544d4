using System.Diagnostics;

namespace Packtree.CommandLine;

/// <summary>
/// Starts this same program in a child process: the crash trials of <c>packtree torture</c>, the engine
/// workers of the peers suite. Compiled into each program, so that it starts that program.
/// </summary>
internal static class SelfProcess
{
    /// <summary>
    /// How to run this program with <paramref name="arguments"/>, standard output and error redirected (and
    /// standard input when <paramref name="redirectInput"/>, for a child driven over it): the apphost
    /// directly, or <c>dotnet PROGRAM.dll</c> when this process was started that way.
    /// </summary>
    public static ProcessStartInfo StartInfo(bool redirectInput, params string[] arguments)
    {
        var self = Environment.ProcessPath ?? "dotnet";
        var start = new ProcessStartInfo(self) { RedirectStandardInput = redirectInput, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet") start.ArgumentList.Add(typeof(SelfProcess).Assembly.Location);
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        return start;
    }
}
