namespace Packtree.Tests.Storage;

/// <summary>The store commands of the packtree tool on a real file.</summary>
[Trait("Category", "Slow")]
public sealed class CliTests
{
    [Fact]
    public void PutGetScanLoadAndCheckWorkOnAStoreFile()
    {
        using var folder = new TempFolder();
        var path = folder.File("cli.packtree");
        var timeout = TimeSpan.FromMinutes(2);
        Assert.Equal(0, PacktreeCli.Run(timeout, "put", path, "1:100:0", "hello").ExitCode);
        Assert.Equal(0, PacktreeCli.Run(timeout, "put", path, "1:200:0", "00ff", "--hex").ExitCode);
        Assert.Equal(0, PacktreeCli.Run(timeout, "put", path, "2:5", "other", "--tree", "second").ExitCode);

        var get = PacktreeCli.Run(timeout, "get", path, "1:100:0");
        Assert.Equal((0, "hello"), (get.ExitCode, get.Output.Trim()));
        Assert.Equal("0x00ff", PacktreeCli.Run(timeout, "get", path, "1:200:0").Output.Trim());
        Assert.Equal("00ff", PacktreeCli.Run(timeout, "get", path, "1:200:0", "--hex").Output.Trim());
        var missing = PacktreeCli.Run(timeout, "get", path, "9:9:9");
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("No value at 9:9:9", missing.Errors, StringComparison.Ordinal);
        var badKey = PacktreeCli.Run(timeout, "get", path, "nine");
        Assert.Equal(1, badKey.ExitCode);
        Assert.Contains("is not a position", badKey.Errors, StringComparison.Ordinal);

        var csv = folder.File("rows.csv");
        File.WriteAllLines(csv, Enumerable.Range(0, 2500).Select(i => $"3,{i},0,value {i}"));
        Assert.Equal(0, PacktreeCli.Run(timeout, "load", path, "--csv", csv).ExitCode);
        Assert.Equal(0, PacktreeCli.Run(timeout, "load", path, "--generate", "5000", "--tree", "generated").ExitCode);

        var scan = PacktreeCli.Run(timeout, "scan", path, "--from", "3:10", "--to", "3:20", "--reverse", "--limit", "3");
        Assert.Equal(["3:20:0\tvalue 20", "3:19:0\tvalue 19", "3:18:0\tvalue 18"], scan.Output.Trim().Split('\n'));

        var check = PacktreeCli.Run(timeout, "check", path);
        Assert.True(check.ExitCode == 0, check.Output + check.Errors);
        Assert.Contains("clean", check.Output, StringComparison.Ordinal);
        Assert.Contains("generated", check.Output, StringComparison.Ordinal);
        Assert.Contains("5,000", check.Output, StringComparison.Ordinal);

        var badCsv = folder.File("bad.csv");
        File.WriteAllLines(badCsv, ["1,2,3,ok", "1,x,3,bad"]);
        var load = PacktreeCli.Run(timeout, "load", path, "--csv", badCsv);
        Assert.Equal(1, load.ExitCode);
        Assert.Contains("bad.csv, line 2", load.Errors, StringComparison.Ordinal);
    }
}
