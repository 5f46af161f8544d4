using Packtree.Tests.Storage;

namespace Packtree.Tests.Bench;

/// <summary>Runs the benchmark runner, Packtree.Bench (built beside the tests), as a process.</summary>
internal static class PacktreeBench
{
    public static (int ExitCode, string Output, string Errors) Run(TimeSpan timeout, params string[] arguments) =>
        BuiltProgram.Run("Packtree.Bench.dll", timeout, arguments);
}
