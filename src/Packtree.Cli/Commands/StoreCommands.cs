using Packtree.Diagnostics;
using System.CommandLine;
using System.Globalization;
using Packtree.CommandLine;
using Packtree.Keys;
using Spectre.Console;

namespace Packtree.Cli.Commands;

/// <summary><c>packtree get | put | scan | load</c> over a store file.</summary>
public static class StoreCommands
{
    private static readonly Argument<string> PathArgument = new("path") { Description = "The store file." };

    private static Option<bool> SalvageOption() => new("--salvage") { Description = "Read a store whose journal is damaged as of its last intact commit (the lost commits are named on stderr)." };

    /// <summary>Opens a store to read; salvaging, says on stderr what was lost.</summary>
    private static Store OpenToRead(string path, bool salvage)
    {
        var store = OpenStore(path, new StoreOptions { ReadOnly = true, Salvage = salvage });
        if (salvage && store.Recovery.LostCommits is { } lost)
            Console.Error.WriteLine($"packtree: salvaged as of commit {store.LastCommit}; commits {lost.First} to {lost.Last} are lost ({store.Recovery.LossReason}).");
        return store;
    }

    private static Option<string> TreeOption() => new("--tree") { Description = "The tree (default: \"default\").", DefaultValueFactory = _ => "default" };

    public static IEnumerable<Command> Create()
    {
        yield return Get();
        yield return Put();
        yield return Scan();
        yield return Load();
    }

    private static Command Get()
    {
        var key = new Argument<string>("key") { Description = "The position: inode:offset:snapshot, inode:offset, POS_MIN, POS_MAX or SPOS_MAX." };
        var tree = TreeOption();
        var hex = new Option<bool>("--hex") { Description = "Print the value as hex." };
        var salvage = SalvageOption();
        var command = new Command("get", "Print the value at a position.") { PathArgument, key, tree, hex, salvage };
        command.SetAction(parse => Run(() =>
        {
            using var store = OpenToRead(parse.GetValue(PathArgument)!, parse.GetValue(salvage));
            if (!store.TryGetTree(parse.GetValue(tree)!, out var t)) return Missing(parse.GetValue(tree)!);
            var value = t.Get(Bpos.Parse(parse.GetValue(key)!));
            if (value is null)
            {
                Console.Error.WriteLine($"No value at {parse.GetValue(key)} in tree '{t.Name}'.");
                return 1;
            }
            Console.WriteLine(ValueText.Print(value, parse.GetValue(hex)));
            return 0;
        }));
        return command;
    }

    private static Command Put()
    {
        var key = new Argument<string>("key") { Description = "The position." };
        var value = new Argument<string>("value") { Description = "The value: text (UTF-8), or hex with --hex." };
        var tree = TreeOption();
        var hex = new Option<bool>("--hex") { Description = "The value is hex." };
        var command = new Command("put", "Store a value at a position (durably), creating the store and tree if needed.") { PathArgument, key, value, tree, hex };
        command.SetAction(parse => Run(() =>
        {
            // Key and value first, so that a bad one creates no store file.
            var position = Bpos.Parse(parse.GetValue(key)!);
            var bytes = ValueText.Parse(parse.GetValue(value)!, parse.GetValue(hex));
            using var store = OpenStore(parse.GetValue(PathArgument)!, StoreOptions.Default);
            store.GetOrCreateTree(parse.GetValue(tree)!).Put(position, bytes);
            return 0;
        }));
        return command;
    }

    private static Command Scan()
    {
        var tree = TreeOption();
        var from = new Option<string?>("--from") { Description = "First position (inclusive)." };
        var to = new Option<string?>("--to") { Description = "Last position (inclusive)." };
        var reverse = new Option<bool>("--reverse") { Description = "Newest... largest position first." };
        var limit = new Option<int?>("--limit") { Description = "At most this many keys (0 or more; default: all)." }.AtLeast(0);
        var hex = new Option<bool>("--hex") { Description = "Print values as hex." };
        var salvage = SalvageOption();
        var command = new Command("scan", "Print the keys and values of a range, in order.") { PathArgument, tree, from, to, reverse, limit, hex, salvage };
        command.SetAction(parse => Run(() =>
        {
            using var store = OpenToRead(parse.GetValue(PathArgument)!, parse.GetValue(salvage));
            if (!store.TryGetTree(parse.GetValue(tree)!, out var t)) return Missing(parse.GetValue(tree)!);
            var range = new KeyRange(parse.GetValue(from) is { } f ? Bpos.Parse(f) : null, parse.GetValue(to) is { } e ? Bpos.Parse(e) : null);
            var left = parse.GetValue(limit) ?? int.MaxValue;
            var printHex = parse.GetValue(hex);
            foreach (var (k, v) in t.Scan(range, parse.GetValue(reverse)))
            {
                if (left-- <= 0) break;
                Console.WriteLine($"{k}\t{ValueText.Print(v, printHex)}");
            }
            return 0;
        }));
        return command;
    }

    private static Command Load()
    {
        var tree = TreeOption();
        var csv = new Option<FileInfo?>("--csv") { Description = "Lines of inode,offset,snapshot,value (value as text)." };
        var generate = new Option<int?>("--generate") { Description = "Generate this many extents-like keys with 8-byte values instead (1 or more)." }.AtLeast(1);
        var command = new Command("load", "Load many values into a store, in batches of 1,000, with a progress bar.") { PathArgument, tree, csv, generate };
        command.SetAction(parse => Run(() =>
        {
            var file = parse.GetValue(csv);
            var count = parse.GetValue(generate);
            if ((file is null) == (count is null))
            {
                Console.Error.WriteLine("Give exactly one of --csv FILE and --generate N.");
                return 2;
            }
            using var store = OpenStore(parse.GetValue(PathArgument)!, new StoreOptions { Durability = Durability.Buffered });
            var t = store.GetOrCreateTree(parse.GetValue(tree)!);
            var rows = file is not null ? CsvRows(file) : Generated(count!.Value);
            var total = file is not null ? File.ReadLines(file.FullName).LongCount() : count!.Value;
            long loaded = 0;
            AnsiConsole.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn()).Start(progress =>
            {
                var task = progress.AddTask("loading", maxValue: Math.Max(total, 1));
                var batch = new WriteBatch();
                foreach (var (key, value) in rows)
                {
                    batch.Put(t, key, value);
                    if (batch.Count == 1000)
                    {
                        store.Write(batch);
                        loaded += batch.Count;
                        task.Increment(batch.Count);
                        batch.Clear();
                    }
                }
                store.Write(batch);
                loaded += batch.Count;
                task.Increment(batch.Count);
            });
            store.Flush();
            AnsiConsole.MarkupLine($"loaded {loaded:N0} values into tree '{Markup.Escape(t.Name)}' ({t.Count:N0} keys)");
            return 0;
        }));
        return command;
    }

    private static IEnumerable<(Bpos Key, byte[] Value)> CsvRows(FileInfo file)
    {
        var line = 0;
        foreach (var text in File.ReadLines(file.FullName))
        {
            line++;
            if (text.Length == 0) continue;
            var parts = text.Split(',', 4);
            if (parts.Length != 4 || !ulong.TryParse(parts[0], CultureInfo.InvariantCulture, out var inode) || !ulong.TryParse(parts[1], CultureInfo.InvariantCulture, out var offset) || !uint.TryParse(parts[2], CultureInfo.InvariantCulture, out var snapshot))
                throw new FormatException($"{file.Name}, line {line}: expected inode,offset,snapshot,value; found '{text}'.");
            yield return (new Bpos(inode, offset, snapshot), System.Text.Encoding.UTF8.GetBytes(parts[3]));
        }
    }

    private static IEnumerable<(Bpos Key, byte[] Value)> Generated(int count)
    {
        var ends = new ulong[64];
        var random = new Random(1);
        for (var i = 0; i < count; i++)
        {
            var file = i % 64;
            ends[file] += (ulong)random.Next(1, 129);
            yield return (new Bpos(4096 + (ulong)file, ends[file], uint.MaxValue), BitConverter.GetBytes((long)i));
        }
    }

    private static int Missing(string tree)
    {
        Console.Error.WriteLine($"The store has no tree '{tree}'.");
        return 1;
    }

    /// <summary>
    /// Opens the store. The options here are fixed and valid, so any error but a store error comes from
    /// the file's bytes (an absurd node size, say): it is reported as the file being unreadable.
    /// </summary>
    private static Store OpenStore(string path, StoreOptions options)
    {
        try
        {
            return Store.Open(path, options);
        }
        catch (Exception e) when (!StoreCheck.IsStoreError(e))
        {
            throw new InvalidDataException($"The store file '{Path.GetFullPath(path)}' cannot be read: {StoreCheck.Describe(e)}", e);
        }
    }

    /// <summary>
    /// Runs a command: any error becomes one line on stderr and exit code 1, never a stack trace. The
    /// errors a user can cause (a bad key, value or tree name, a refused or damaged file) are their
    /// message; anything else is named with its type.
    /// </summary>
    public static int Run(Func<int> body)
    {
        try
        {
            return body();
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"packtree: {(e is FormatException or ArgumentException ? ErrorText.OneLine(e.Message) : StoreCheck.Describe(e))}");
            return 1;
        }
    }
}
