namespace Packtree.Tests.Storage;

/// <summary>Runs the packtree command (built beside the tests) as a process.</summary>
internal static class PacktreeCli
{
    /// <summary>How long one command may take.</summary>
    public static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(2);

    public static (int ExitCode, string Output, string Errors) Run(TimeSpan timeout, params string[] arguments) =>
        BuiltProgram.Run("packtree.dll", timeout, arguments);

    /// <summary>Runs a command that must succeed.</summary>
    public static (int ExitCode, string Output, string Errors) Ok(params string[] arguments)
    {
        var result = Run(CommandTimeout, arguments);
        Assert.True(result.ExitCode == 0, $"packtree {string.Join(' ', arguments)}: exit {result.ExitCode}\n{result.Output}\n{result.Errors}");
        return result;
    }

    /// <summary>Runs a command that must be refused (exit 1) on one line of stderr, with no stack trace; returns that line.</summary>
    public static string Refused(params string[] arguments)
    {
        var (exit, output, errors) = Run(CommandTimeout, arguments);
        Assert.True(exit == 1, $"packtree {string.Join(' ', arguments)}: exit {exit}\n{output}\n{errors}");
        Assert.Single(errors.Trim().Split('\n'));
        Assert.DoesNotContain("   at ", errors, StringComparison.Ordinal);
        return errors.Trim();
    }

    /// <summary>The lines of a command's output.</summary>
    public static string[] Lines(string output) => output.TrimEnd('\n').Split('\n');
}
