using static Packtree.Tests.Storage.PacktreeCli;

namespace Packtree.Tests.Storage;

/// <summary>The store commands of the packtree tool over trees of byte keys, on a real file.</summary>
[Trait("Category", "Slow")]
public sealed class CliByteKeyTests
{
    [Fact]
    public void PutGetAndScanReadKeysInTheTreesKindAsTextOrHex()
    {
        using var folder = new TempFolder();
        var path = folder.File("bytes.packtree");
        Ok("put", path, "apple", "red", "--tree", "fruit", "--keys", "bytes:32");
        Ok("put", path, "apricot", "orange", "--tree", "fruit"); // an existing tree keeps its kind
        Ok("put", path, "banana", "yellow", "--tree", "fruit");
        Ok("put", path, "app", "short", "--tree", "fruit");
        Ok("put", path, "", "empty", "--tree", "fruit");
        Ok("put", path, "00ff", "binary", "--tree", "fruit", "--key-hex");
        Ok("put", path, "0x41", "looks like hex", "--tree", "fruit"); // text: the four bytes 0 x 4 1
        Ok("put", path, "1:2:3", "a position", "--tree", "places");

        Assert.Equal("red", Ok("get", path, "apple", "--tree", "fruit").Output.Trim());
        Assert.Equal("binary", Ok("get", path, "00ff", "--tree", "fruit", "--key-hex").Output.Trim());
        Assert.Equal("binary", Ok("get", path, "0x00FF", "--tree", "fruit", "--key-hex").Output.Trim()); // as the scan prints it
        Assert.Equal("empty", Ok("get", path, "", "--tree", "fruit").Output.Trim());
        Assert.Equal("empty", Ok("get", path, "0x", "--tree", "fruit", "--key-hex").Output.Trim());
        Assert.Equal("looks like hex", Ok("get", path, "0x41", "--tree", "fruit").Output.Trim());
        Assert.Equal("a position", Ok("get", path, "1:2:3", "--tree", "places").Output.Trim());
        var missing = PacktreeCli.Run(CommandTimeout, "get", path, "cherry", "--tree", "fruit");
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("No value at cherry in tree 'fruit'", missing.Errors, StringComparison.Ordinal);

        // Unsigned byte order, a prefix before its extensions; keys that are not unambiguous text print as 0x and hex.
        Assert.Equal(
            ["0x\tempty", "0x00ff\tbinary", "0x30783431\tlooks like hex", "app\tshort", "apple\tred", "apricot\torange", "banana\tyellow"],
            Lines(Ok("scan", path, "--tree", "fruit").Output));
        Assert.Equal(["app\tshort", "apple\tred", "apricot\torange"], Lines(Ok("scan", path, "--tree", "fruit", "--prefix", "ap").Output));
        Assert.Equal(["apricot\torange", "apple\tred"], Lines(Ok("scan", path, "--tree", "fruit", "--prefix", "ap", "--reverse", "--limit", "2").Output));
        Assert.Equal(["app\tshort", "apple\tred", "apricot\torange"], Lines(Ok("scan", path, "--tree", "fruit", "--from", "app", "--to", "apricot").Output));
        Assert.Equal(["banana\tyellow", "apricot\torange"], Lines(Ok("scan", path, "--tree", "fruit", "--from", "apricot", "--reverse").Output));
        Assert.Equal(["\tempty", "00ff\tbinary"], Lines(Ok("scan", path, "--tree", "fruit", "--to", "00ff", "--key-hex").Output)); // keys read and printed as hex
        Assert.Equal(["apple\tred", "apricot\torange"], Lines(Ok("scan", path, "--tree", "fruit", "--from", "apple", "--prefix", "ap").Output));
        Assert.Equal(["617070\t73686f7274", "6170706c65\t726564"],
            Lines(Ok("scan", path, "--tree", "fruit", "--prefix", "6170", "--key-hex", "--hex", "--limit", "2").Output));
        Assert.Equal("", Ok("scan", path, "--tree", "fruit", "--prefix", "cherry").Output);
        Assert.Equal(["1:2:3\ta position"], Lines(Ok("scan", path, "--tree", "places").Output));

        var check = Ok("check", path);
        Assert.Contains("clean", check.Output, StringComparison.Ordinal);
        Assert.Contains("key kind", check.Output, StringComparison.Ordinal);
        var fruit = Assert.Single(Lines(check.Output), l => l.Contains(" fruit ", StringComparison.Ordinal));
        Assert.Contains("bytes (at most 32)", fruit, StringComparison.Ordinal);
        Assert.Contains(" 7 ", fruit, StringComparison.Ordinal); // its keys
        Assert.Contains("positions", Assert.Single(Lines(check.Output), l => l.Contains(" places ", StringComparison.Ordinal)), StringComparison.Ordinal);
    }

    [Fact]
    public void LoadReadsTabSeparatedLinesAndGeneratesDbBenchKeys()
    {
        using var folder = new TempFolder();
        var path = folder.File("load.packtree");
        var text = folder.File("words.tsv");
        File.WriteAllLines(text, ["zebra\tstripes", "\tthe empty key", "", "key\ta value\twith a tab", "ke\tshorter"]);
        Assert.Contains("loaded 4 values into tree 'words'", Ok("load", path, "--tsv", text, "--tree", "words", "--keys", "bytes:16").Output, StringComparison.Ordinal);
        Assert.Equal(["0x\tthe empty key", "ke\tshorter", "key\t0x612076616c75650977697468206120746162", "zebra\tstripes"],
            Lines(Ok("scan", path, "--tree", "words").Output));

        var hex = folder.File("binary.tsv");
        File.WriteAllLines(hex, ["ff00\t", "00\t00ff", "0x0000\tab"]);
        Ok("load", path, "--tsv", hex, "--tree", "binary", "--keys", "bytes:4", "--key-hex", "--hex");
        Assert.Equal(["00\t00ff", "0000\tab", "ff00\t"], Lines(Ok("scan", path, "--tree", "binary", "--key-hex", "--hex").Output));

        // What scan prints as hex, load reads back: the copy scans the same.
        var dump = folder.File("dump.tsv");
        var words = Ok("scan", path, "--tree", "words", "--key-hex", "--hex").Output;
        File.WriteAllText(dump, words);
        Ok("load", path, "--tsv", dump, "--tree", "copy", "--keys", "bytes:16", "--key-hex", "--hex");
        Assert.Equal(words, Ok("scan", path, "--tree", "copy", "--key-hex", "--hex").Output);

        Assert.Contains("loaded 3,000 values into tree 'generated' (3,000 keys)", Ok("load", path, "--generate", "3000", "--tree", "generated", "--keys", "bytes").Output, StringComparison.Ordinal);
        Assert.Equal("d204000000000000", Ok("get", path, "0000000000001234", "--tree", "generated", "--hex").Output.Trim());
        Assert.Equal(["0000000000000000\t0x0000000000000000", "0000000000000001\t0x0100000000000000"], Lines(Ok("scan", path, "--tree", "generated", "--limit", "2").Output));
        Assert.Equal(Enumerable.Range(2990, 10).Select(i => $"{i:D16}"), Lines(Ok("scan", path, "--tree", "generated", "--prefix", "000000000000299").Output).Select(l => l.Split('\t')[0]));
        Assert.Equal("0000000000002999", Ok("scan", path, "--tree", "generated", "--reverse", "--limit", "1").Output.Split('\t')[0]);

        var check = Ok("check", path);
        var generated = Assert.Single(Lines(check.Output), l => l.Contains(" generated ", StringComparison.Ordinal));
        Assert.Contains("bytes (at most 511)", generated, StringComparison.Ordinal);
        Assert.Contains("3,000", generated, StringComparison.Ordinal);
        Assert.Contains("bytes (at most 4)", Assert.Single(Lines(check.Output), l => l.Contains(" binary ", StringComparison.Ordinal)), StringComparison.Ordinal);
    }
}
