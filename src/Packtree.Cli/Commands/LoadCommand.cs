using System.CommandLine;
using Packtree.CommandLine;
using Spectre.Console;

namespace Packtree.Cli.Commands;

/// <summary><c>packtree load PATH (--csv F | --tsv F | --generate N)</c>: writes many values in batches of 1,000, with a progress bar.</summary>
public static class LoadCommand
{
    private const int BatchSize = 1000;

    public static Command Create()
    {
        var tree = StoreCommands.TreeOption();
        var csv = new Option<FileInfo?>("--csv") { Description = "Lines of inode,offset,snapshot,value (trees of positions; the value as text, or hex with --hex)." };
        var tsv = new Option<FileInfo?>("--tsv") { Description = "Lines of KEY<TAB>VALUE: the key in the tree's kind (a position; a byte key as text, hex with --key-hex; a typed key's components separated by commas), the value the rest of the line (text, or hex with --hex)." };
        var generate = new Option<int?>("--generate") { Description = "Generate this many keys with 8-byte values instead (1 or more): extents-like positions, or byte keys %016d." }.AtLeast(1);
        var hex = new Option<bool>("--hex") { Description = "Values in the file are hex." };
        var keyHex = StoreCommands.KeyHexOption();
        var keys = KeysOption.Create();
        var command = new Command("load", "Load many values into a store, in batches of 1,000, with a progress bar.") { StoreCommands.PathArgument, tree, csv, tsv, generate, hex, keyHex, keys };
        command.SetAction(parse => StoreCommands.Run(() =>
        {
            var (csvFile, tsvFile, count) = (parse.GetValue(csv), parse.GetValue(tsv), parse.GetValue(generate));
            if ((csvFile is null ? 0 : 1) + (tsvFile is null ? 0 : 1) + (count is null ? 0 : 1) != 1)
            {
                Console.Error.WriteLine("Give exactly one of --csv FILE, --tsv FILE and --generate N.");
                return 2;
            }
            var name = parse.GetValue(tree)!;
            var asked = KeysOption.Parse(parse.GetValue(keys));
            using var store = StoreCommands.OpenStore(parse.GetValue(StoreCommands.PathArgument)!, new StoreOptions { Durability = Durability.Buffered });
            var reader = KeyReader.For(name, TreeKinds.For(store, name, asked), parse.GetValue(keyHex));
            if (csvFile is not null && !reader.Kind.Equals(KeyKind.Positions))
                throw new ArgumentException($"--csv rows are positions; tree '{name}' holds {reader.Kind} keys: give KEY<TAB>VALUE lines with --tsv.");
            if (count is not null && reader.Kind.IsTyped)
                throw new ArgumentException($"--generate makes positions or byte keys; tree '{name}' holds {reader.Kind} keys: give KEY<TAB>VALUE lines with --tsv.");
            // A tree too short for the generated keys is refused before it is created.
            if (count is not null && reader.Kind.IsBytes) reader.Read(System.Text.Encoding.ASCII.GetString(LoadRows.GeneratedKey(0)));
            var t = store.GetOrCreateTree(name, reader.Kind);
            var rows = csvFile is not null ? LoadRows.Csv(csvFile, parse.GetValue(hex))
                : tsvFile is not null ? LoadRows.Tsv(tsvFile, reader, parse.GetValue(hex))
                : LoadRows.Generated(count!.Value, reader.Kind);
            var total = (csvFile ?? tsvFile) is { } file ? File.ReadLines(file.FullName).LongCount() : count!.Value;
            var loaded = Write(store, t, rows, total);
            store.Flush();
            AnsiConsole.MarkupLine($"loaded {loaded:N0} values into tree '{Markup.Escape(t.Name)}' ({t.Count:N0} keys)");
            return 0;
        }));
        return command;
    }

    /// <summary>Writes <paramref name="rows"/> to <paramref name="tree"/> in batches, showing progress against <paramref name="total"/>; returns how many.</summary>
    private static long Write(Store store, Tree tree, IEnumerable<(TreeKey Key, byte[] Value)> rows, long total)
    {
        long loaded = 0;
        AnsiConsole.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn()).Start(progress =>
        {
            var task = progress.AddTask("loading", maxValue: Math.Max(total, 1));
            var batch = new WriteBatch();
            foreach (var (key, value) in rows)
            {
                key.Put(batch, tree, value);
                if (batch.Count == BatchSize)
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
        return loaded;
    }
}
