namespace Packtree.Tests.Storage;

/// <summary>The packtree command refuses arguments it cannot honour, before it touches a store.</summary>
[Trait("Category", "Slow")]
public sealed class CliArgumentTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    [Theory]
    [InlineData("--generate", "-5", "at least 1", "load")]
    [InlineData("--generate", "0", "at least 1", "load")]
    [InlineData("--limit", "-1", "at least 0", "scan")]
    [InlineData("--trials", "-1", "at least 1", "torture")]
    [InlineData("--trials", "0", "at least 1", "torture")]
    public void ANumberOutOfRangeIsRefusedNamingTheOptionItsValueAndTheRule(string option, string value, string rule, string command)
    {
        using var folder = new TempFolder();
        var path = folder.File("args.packtree");
        string[] arguments = command == "torture" ? [command, option, value, "--folder", folder.Path] : [command, path, option, value];
        var (exit, output, errors) = PacktreeCli.Run(Timeout, arguments);
        Assert.NotEqual(0, exit);
        Assert.Contains($"{option} must be {rule}", errors, StringComparison.Ordinal);
        Assert.Contains($"got {value}", errors, StringComparison.Ordinal);
        Assert.DoesNotContain("trial 1", output, StringComparison.Ordinal);
        Assert.False(File.Exists(path)); // refused before the store was opened
    }

    [Fact]
    public void AValueThatWasNotValidUtf8IsRefusedNotAltered()
    {
        // The runtime decodes argv bytes that are not UTF-8 to U+FFFD; storing that would silently change the value.
        using var folder = new TempFolder();
        var path = folder.File("utf8.packtree");
        var (exit, _, errors) = PacktreeCli.Run(Timeout, "put", path, "1:1", "caf\uFFFD");
        Assert.Equal(1, exit);
        Assert.Contains("not valid UTF-8 text", errors, StringComparison.Ordinal);
        Assert.Contains("--hex", errors, StringComparison.Ordinal);
        Assert.Single(errors.Trim().Split('\n'));
        Assert.False(File.Exists(path)); // refused before the store was created

        var error = Assert.Throws<FormatException>(() => Packtree.Cli.Commands.ValueText.Parse("a\uD800b", hex: false));
        Assert.Contains("not valid UTF-8 text", error.Message, StringComparison.Ordinal);
        Assert.Equal("café"u8.ToArray(), Packtree.Cli.Commands.ValueText.Parse("café", hex: false));
    }

    [Fact]
    public void LimitZeroPrintsNothing()
    {
        using var folder = new TempFolder();
        var path = folder.File("limit.packtree");
        Assert.Equal(0, PacktreeCli.Run(Timeout, "put", path, "1:1", "one").ExitCode);
        var (exit, output, _) = PacktreeCli.Run(Timeout, "scan", path, "--limit", "0");
        Assert.Equal((0, ""), (exit, output.Trim()));
    }
}
