using static Packtree.Tests.Storage.PacktreeCli;

namespace Packtree.Tests.Storage;

/// <summary>
/// The store commands of the packtree tool over trees of typed keys, on a real file reopened by every command: keys given
/// as their components separated by commas, printed the same way, in the trees' order; bounds and prefixes of leading
/// components; loads of what scans print; refusals naming the tree, the component and what it takes, before anything is
/// written.
/// </summary>
[Trait("Category", "Slow")]
public sealed class CliTypedKeyTests
{
    [Fact]
    public void PutGetAndScanTakeKeysAsTheirComponentsAndPrintThemSo()
    {
        using var folder = new TempFolder();
        var path = folder.File("typed.packtree");
        Ok("put", path, "7,2026-05-01T12:00:00Z,started", "a", "--tree", "log", "--keys", "int64,datetime,string:16");
        Ok("put", path, "7,2026-05-01T12:00:00Z,hello\\, world", "b", "--tree", "log"); // an existing tree keeps its kind
        Ok("put", path, "7,2026-05-01T12:00:01Z,", "c", "--tree", "log");               // the empty string
        Ok("put", path, "-3,0001-01-01,min", "d", "--tree", "log");
        Ok("put", path, "9223372036854775807,9999-12-31T23:59:59.9999999Z,tab\\there", "e", "--tree", "log");
        Ok("put", path, "8,2026-05-01,a\\\\b", "f", "--tree", "log");
        Ok("put", path, "7,2026-05-01T12:00:00Z,started", "a2", "--tree", "log");       // replaces

        Assert.Equal("a2", Ok("get", path, "7,2026-05-01T12:00:00Z,started", "--tree", "log").Output.Trim());
        Assert.Equal("a2", Ok("get", path, "7,2026-05-01T12:00:00.0000000Z,started", "--tree", "log").Output.Trim()); // as the scan prints it
        Assert.Equal("b", Ok("get", path, "7,2026-05-01T12:00:00Z,hello\\, world", "--tree", "log").Output.Trim());
        var missing = PacktreeCli.Run(CommandTimeout, "get", path, "7,2026-05-01T12:00:00Z,stopped", "--tree", "log");
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("No value at 7,2026-05-01T12:00:00Z,stopped in tree 'log'", missing.Errors, StringComparison.Ordinal);

        // Negative numbers first; within a tenant by time, then by the string's code points.
        string[] all =
        [
            "-3,0001-01-01T00:00:00.0000000,min\td",
            "7,2026-05-01T12:00:00.0000000Z,hello\\, world\tb",
            "7,2026-05-01T12:00:00.0000000Z,started\ta2",
            "7,2026-05-01T12:00:01.0000000Z,\tc",
            "8,2026-05-01T00:00:00.0000000,a\\\\b\tf",
            "9223372036854775807,9999-12-31T23:59:59.9999999Z,tab\\there\te",
        ];
        Assert.Equal(all, Lines(Ok("scan", path, "--tree", "log").Output));
        Assert.Equal(all.Reverse().Take(2), Lines(Ok("scan", path, "--tree", "log", "--reverse", "--limit", "2").Output));
        Assert.Equal(all[1..4], Lines(Ok("scan", path, "--tree", "log", "--prefix", "7").Output));
        Assert.Equal(all[1..3], Lines(Ok("scan", path, "--tree", "log", "--prefix", "7,2026-05-01T12:00:00Z").Output));
        Assert.Equal(all[1..3].Reverse(), Lines(Ok("scan", path, "--tree", "log", "--prefix", "7,2026-05-01T12:00:00Z", "--reverse").Output));
        Assert.Equal(all[1..5], Lines(Ok("scan", path, "--tree", "log", "--from", "0", "--to", "8").Output));                     // tenants 0 to 8, whole
        Assert.Equal(all[2..], Lines(Ok("scan", path, "--tree", "log", "--from", "7,2026-05-01T12:00:00Z,i").Output));           // from a whole key on
        Assert.Equal(all[..2], Lines(Ok("scan", path, "--tree", "log", "--to", "7,2026-05-01T12:00:00Z,hello\\, world").Output)); // up to a whole key
        Assert.Equal("", Ok("scan", path, "--tree", "log", "--prefix", "6").Output);
        Assert.Equal(["7,2026-05-01T12:00:00.0000000Z,started\t6132", "7,2026-05-01T12:00:01.0000000Z,\t63"],
            Lines(Ok("scan", path, "--tree", "log", "--from", "7,2026-05-01T12:00:00Z,i", "--to", "7", "--hex").Output));

        // A tree of every other part, its keys at their extremes.
        Ok("put", path, "-128,-32768,-2147483648,-9223372036854775808,255", "min", "--tree", "ints", "--keys", "int8,int16,int32,int64,uint8");
        Ok("put", path, "127,32767,2147483647,9223372036854775807,0", "max", "--tree", "ints");
        Assert.Equal(["-128,-32768,-2147483648,-9223372036854775808,255\tmin", "127,32767,2147483647,9223372036854775807,0\tmax"], Lines(Ok("scan", path, "--tree", "ints").Output));
        Ok("put", path, "65535,4294967295,18446744073709551615,0f8fad5b-d9cb-469f-a165-70867728950e,2026-05-01T12:30:00.5", "v", "--tree", "rest", "--keys", "uint16,uint32,uint64,guid,datetime");
        Ok("put", path, "2026-05-01T12:30:00+02:00,0x00ff,é", "v", "--tree", "more", "--keys", "datetimeoffset,bytes:4,string:8");
        Ok("put", path, "2026-05-01T12:30:00Z,,", "w", "--tree", "more");
        Assert.Equal(["65535,4294967295,18446744073709551615,0f8fad5b-d9cb-469f-a165-70867728950e,2026-05-01T12:30:00.5000000\tv"], Lines(Ok("scan", path, "--tree", "rest").Output));
        Assert.Equal(["2026-05-01T12:30:00.0000000+02:00,00ff,é\tv", "2026-05-01T12:30:00.0000000+00:00,,\tw"], Lines(Ok("scan", path, "--tree", "more").Output)); // 10:30 UTC first

        var check = Ok("check", path);
        Assert.Contains("clean", check.Output, StringComparison.Ordinal);
        var log = Assert.Single(Lines(check.Output), l => l.Contains(" log ", StringComparison.Ordinal));
        Assert.Contains("int64,datetime,string:16", log, StringComparison.Ordinal);
        Assert.Contains(" 6 ", log, StringComparison.Ordinal); // its keys
        Assert.Contains("datetimeoffset,bytes:4,string:8", Assert.Single(Lines(check.Output), l => l.Contains(" more ", StringComparison.Ordinal)), StringComparison.Ordinal);
    }

    [Fact]
    public void LoadReadsTypedKeysAsScansPrintThem()
    {
        using var folder = new TempFolder();
        var path = folder.File("load.packtree");
        var rows = folder.File("rows.tsv");
        File.WriteAllLines(rows, ["2,b\ttwo", "-1,a\\,b\tminus one", "", "2,\tempty\twith a tab", "2,a\\tz\tescaped tab"]);
        Assert.Contains("loaded 4 values into tree 'pairs' (4 keys)", Ok("load", path, "--tsv", rows, "--tree", "pairs", "--keys", "int32,string:8").Output, StringComparison.Ordinal);
        var scanned = Ok("scan", path, "--tree", "pairs", "--hex").Output;
        Assert.Equal(["-1,a\\,b", "2,", "2,a\\tz", "2,b"], Lines(scanned).Select(l => l.Split('\t')[0]));

        // What scan prints (values as hex), load reads back: the copy scans the same.
        var dump = folder.File("dump.tsv");
        File.WriteAllText(dump, scanned);
        Ok("load", path, "--tsv", dump, "--tree", "copy", "--keys", "int32,string:8", "--hex");
        Assert.Equal(scanned, Ok("scan", path, "--tree", "copy", "--hex").Output);
        Assert.Equal(Convert.ToHexStringLower("empty\twith a tab"u8), Ok("get", path, "2,", "--tree", "copy", "--hex").Output.Trim()); // the value is the rest of the line, tab and all

        var bad = folder.File("bad.tsv");
        File.WriteAllLines(bad, ["3,c\tfine", "x,d\tno"]);
        Assert.Equal("packtree: bad.tsv, line 2: Tree 'pairs', key component 0 (int32) of 'x,d': 'x' does not read as int32: expected a whole number from -2147483648 to 2147483647.",
            Refused("load", path, "--tsv", bad, "--tree", "pairs"));
        Assert.Equal(4, Lines(Ok("scan", path, "--tree", "pairs").Output).Length); // the load stopped before its first batch was written
    }

    [Fact]
    public void KeysThatDoNotReadAreRefusedNamingTheComponentBeforeAnythingIsWritten()
    {
        using var folder = new TempFolder();
        var path = folder.File("refused.packtree");
        Assert.Equal("packtree: Tree 'log', key component 2 (string:4) of '1,2026-05-01,fives': 'fives' takes 5 UTF-8 bytes; a string:4 part holds at most 4.",
            Refused("put", path, "1,2026-05-01,fives", "v", "--tree", "log", "--keys", "int64,datetime,string:4"));
        Assert.False(File.Exists(path)); // refused before the store was created

        Ok("put", path, "1,2026-05-01,four", "v", "--tree", "log", "--keys", "int64,datetime,string:4");
        Assert.Equal("packtree: Tree 'log' takes keys of 3 components (int64,datetime,string:4) separated by commas; '1,2026-05-01' has 2. In a string, write a comma as \\, and a backslash as \\\\.",
            Refused("put", path, "1,2026-05-01", "v", "--tree", "log"));
        Assert.Equal("packtree: Tree 'log' takes keys of 3 components (int64,datetime,string:4) separated by commas; '1,2026-05-01,a,b' has 4. In a string, write a comma as \\, and a backslash as \\\\.",
            Refused("get", path, "1,2026-05-01,a,b", "--tree", "log"));
        Assert.Equal("packtree: Tree 'log', key component 1 (datetime) of '1,yesterday,a': 'yesterday' does not read as datetime: expected a date and time in ISO 8601, e.g. 2024-05-01T12:30:00Z (UTC), 2024-05-01T12:30:00.5 (no kind) or 2024-05-01.",
            Refused("put", path, "1,yesterday,a", "v", "--tree", "log"));
        Assert.Equal("packtree: Tree 'log', key component 0 (int64) of '1.5': '1.5' does not read as int64: expected a whole number from -9223372036854775808 to 9223372036854775807.",
            Refused("scan", path, "--tree", "log", "--from", "1.5"));
        Assert.Equal("packtree: Tree 'log' takes keys of at most 3 components (int64,datetime,string:4) separated by commas; '1,2026-05-01,a,b' has 4. In a string, write a comma as \\, and a backslash as \\\\.",
            Refused("scan", path, "--tree", "log", "--prefix", "1,2026-05-01,a,b"));
        Assert.Equal("packtree: Tree 'log' holds int64,datetime,string:4 keys, not int64,datetime,string:8: a tree keeps the kind of keys it was created with.",
            Refused("put", path, "1,2026-05-01,a", "v", "--tree", "log", "--keys", "int64,datetime,string:8"));
        Assert.Equal("packtree: Tree 'log' holds int64,datetime,string:4 keys, not positions: a tree keeps the kind of keys it was created with.",
            Refused("put", path, "1:2:3", "v", "--tree", "log", "--keys", "positions"));
        Assert.Equal("packtree: --key-hex is for byte keys; tree 'log' holds int64,datetime,string:4 keys.", Refused("get", path, "1,2026-05-01,a", "--tree", "log", "--key-hex"));
        Assert.Equal("packtree: --prefix P on a tree of typed keys is --from P --to P; give either, not both (tree 'log').", Refused("scan", path, "--tree", "log", "--prefix", "1", "--to", "2"));
        Assert.Contains("--csv rows are positions; tree 'log' holds int64,datetime,string:4 keys", Refused("load", path, "--csv", folder.File("none.csv"), "--tree", "log"), StringComparison.Ordinal);
        Assert.Equal("packtree: --generate makes positions or byte keys; tree 'log' holds int64,datetime,string:4 keys: give KEY<TAB>VALUE lines with --tsv.",
            Refused("load", path, "--generate", "5", "--tree", "log"));

        var (exit, _, errors) = PacktreeCli.Run(CommandTimeout, "put", folder.File("none.packtree"), "1", "v", "--keys", "int64,dattime");
        Assert.NotEqual(0, exit);
        Assert.Contains("--keys: 'int64,dattime' names no kind of keys: 'dattime' is not a part", errors, StringComparison.Ordinal);
        Assert.False(File.Exists(folder.File("none.packtree")));

        Assert.Equal(["1,2026-05-01T00:00:00.0000000,four\tv"], Lines(Ok("scan", path, "--tree", "log").Output)); // nothing else was written
    }
}
