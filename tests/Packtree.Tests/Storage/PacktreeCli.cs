namespace Packtree.Tests.Storage;

/// <summary>Runs the packtree command (built beside the tests) as a process.</summary>
internal static class PacktreeCli
{
    public static (int ExitCode, string Output, string Errors) Run(TimeSpan timeout, params string[] arguments) =>
        BuiltProgram.Run("packtree.dll", timeout, arguments);
}
