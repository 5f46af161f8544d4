using System.Diagnostics;

namespace Packtree.Bench;

/// <summary>Starts this same executable in a child process (the peers suite runs each engine in one of its own).</summary>
public static class SelfProcess
{
    /// <summary>
    /// How to run <c>Packtree.Bench</c> with <paramref name="arguments"/>, standard input, output and error
    /// redirected: the apphost directly, or <c>dotnet Packtree.Bench.dll</c> when this process was started that way.
    /// </summary>
    public static ProcessStartInfo StartInfo(params string[] arguments)
    {
        var self = Environment.ProcessPath ?? "dotnet";
        var start = new ProcessStartInfo(self) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet") start.ArgumentList.Add(typeof(SelfProcess).Assembly.Location);
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        return start;
    }
}
