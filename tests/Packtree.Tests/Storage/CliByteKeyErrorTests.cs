using static Packtree.Tests.Storage.PacktreeCli;

namespace Packtree.Tests.Storage;

/// <summary>
/// Byte keys the packtree tool cannot honour — too long, of the wrong kind, not hex, a kind that does not parse — are
/// refused on one line of stderr with exit code 1 (the parser's own refusals: not 0), naming what and where, before
/// anything is written.
/// </summary>
[Trait("Category", "Slow")]
public sealed class CliByteKeyErrorTests
{
    [Fact]
    public void AKeyTooLongIsRefusedNamingTheTreeTheLimitAndItsLength()
    {
        using var folder = new TempFolder();
        var path = folder.File("long.packtree");
        Assert.Equal("packtree: Tree 'short' takes keys of at most 4 bytes; this one has 7.", Refused("put", path, "toolong", "v", "--tree", "short", "--keys", "bytes:4"));
        Assert.False(File.Exists(path)); // refused before the store was created

        Assert.Equal(0, PacktreeCli.Run(CommandTimeout, "put", path, "four", "v", "--tree", "short", "--keys", "bytes:4").ExitCode);
        Assert.Equal("packtree: Tree 'short' takes keys of at most 4 bytes; this one has 5.", Refused("put", path, "0102030405", "v", "--tree", "short", "--key-hex"));
        Assert.Equal("packtree: Tree 'short' takes keys of at most 4 bytes; this one has 5.", Refused("get", path, "fives", "--tree", "short"));
        Assert.Equal("packtree: Tree 'short' takes keys of at most 4 bytes; this one has 6.", Refused("scan", path, "--tree", "short", "--from", "sixsix"));

        var rows = folder.File("rows.tsv");
        File.WriteAllLines(rows, ["ok\tfine", "too long\tno"]);
        Assert.Equal("packtree: rows.tsv, line 2: Tree 'short' takes keys of at most 4 bytes; this one has 8.", Refused("load", path, "--tsv", rows, "--tree", "short"));

        // db_bench keys are 16 bytes: a tree of shorter keys is refused before it is created.
        Assert.Equal("packtree: Tree 'g' takes keys of at most 8 bytes; this one has 16.", Refused("load", path, "--generate", "10", "--tree", "g", "--keys", "bytes:8"));
        Assert.Contains("no tree 'g'", Refused("scan", path, "--tree", "g"), StringComparison.Ordinal);
        Assert.Equal("four\tv", PacktreeCli.Run(CommandTimeout, "scan", path, "--tree", "short").Output.Trim()); // nothing else was written
    }

    [Fact]
    public void AKeyOfTheWrongKindIsRefusedNamingTheTree()
    {
        using var folder = new TempFolder();
        var path = folder.File("kinds.packtree");
        Assert.Equal(0, PacktreeCli.Run(CommandTimeout, "put", path, "name", "v", "--tree", "words", "--keys", "bytes:32").ExitCode);
        Assert.Equal(0, PacktreeCli.Run(CommandTimeout, "put", path, "1:1", "v").ExitCode);

        Assert.Equal("packtree: Tree 'words' holds bytes (at most 32) keys, not positions: a tree keeps the kind of keys it was created with.",
            Refused("put", path, "1:2", "v", "--tree", "words", "--keys", "positions"));
        Assert.Equal("packtree: Tree 'words' holds bytes (at most 32) keys, not bytes (at most 511): a tree keeps the kind of keys it was created with.",
            Refused("load", path, "--generate", "5", "--tree", "words", "--keys", "bytes"));
        Assert.Equal("packtree: Tree 'default' holds positions keys, not bytes (at most 8): a tree keeps the kind of keys it was created with.",
            Refused("put", path, "k", "v", "--keys", "bytes:8"));
        Assert.Equal("packtree: --key-hex is for byte keys; tree 'default' holds positions keys.", Refused("get", path, "00", "--key-hex"));
        Assert.Equal("packtree: --prefix is for byte or typed keys; tree 'default' holds positions keys.", Refused("scan", path, "--prefix", "a"));
        Assert.Contains("is not a position", Refused("get", path, "name"), StringComparison.Ordinal); // a positions tree reads positions
        Assert.Contains("--csv rows are positions; tree 'words' holds bytes (at most 32) keys", Refused("load", path, "--csv", folder.File("none.csv"), "--tree", "words"), StringComparison.Ordinal);
        Assert.Equal("packtree: The key 'zz' is not hex (an even number of 0-9, a-f, with or without a leading 0x).", Refused("get", path, "zz", "--tree", "words", "--key-hex"));
        Assert.Contains("The key is not valid UTF-8 text", Refused("put", path, "caf\uFFFD", "v", "--tree", "words"), StringComparison.Ordinal);

        var noTab = folder.File("notab.tsv");
        File.WriteAllLines(noTab, ["a\tb", "no tab here"]);
        Assert.Equal("packtree: notab.tsv, line 2: expected KEY<TAB>VALUE; found no tab in 'no tab here'.", Refused("load", path, "--tsv", noTab, "--tree", "words"));

        Assert.Equal(["name\tv", "1:1:0\tv"], [PacktreeCli.Run(CommandTimeout, "scan", path, "--tree", "words").Output.Trim(), PacktreeCli.Run(CommandTimeout, "scan", path).Output.Trim()]);
    }

    [Theory]
    [InlineData("bogus")]
    [InlineData("bytes:0")]
    [InlineData("bytes:1025")]
    [InlineData("bytes:-1")]
    [InlineData("Bytes")]
    public void AKindThatDoesNotParseIsRefusedBeforeAStoreIsCreated(string kind)
    {
        using var folder = new TempFolder();
        var path = folder.File("kind.packtree");
        var (exit, _, errors) = PacktreeCli.Run(CommandTimeout, "put", path, "k", "v", "--keys", kind);
        Assert.NotEqual(0, exit);
        Assert.Contains($"--keys: '{kind}' names no kind of keys: ", errors, StringComparison.Ordinal);
        Assert.Contains("a kind of keys is positions, bytes (at most 511 bytes), bytes:N, or 1 to 5 parts separated by commas", errors, StringComparison.Ordinal);
        Assert.False(File.Exists(path));
    }
}
