using System.CommandLine;
using Packtree.CommandLine;
using Packtree.Keys;

namespace Packtree.Cli.Commands;

/// <summary>
/// <c>packtree scan PATH</c>: prints the keys and values of a range in order, one <c>KEY&lt;TAB&gt;VALUE</c> line each.
/// Byte keys print as text when printable UTF-8, else as 0x and hex (<see cref="KeyText"/>); with --key-hex and --hex
/// both as bare hex, which is what <c>load --tsv --key-hex --hex</c> reads back.
/// </summary>
public static class ScanCommand
{
    public static Command Create()
    {
        var tree = StoreCommands.TreeOption();
        var from = new Option<string?>("--from") { Description = "First key (inclusive), in the tree's kind." };
        var to = new Option<string?>("--to") { Description = "Last key (inclusive), in the tree's kind." };
        var prefix = new Option<string?>("--prefix") { Description = "Only the byte keys starting with this (trees of byte keys; text, or hex with --key-hex)." };
        var reverse = new Option<bool>("--reverse") { Description = "Largest key first." };
        var limit = new Option<int?>("--limit") { Description = "At most this many keys (0 or more; default: all)." }.AtLeast(0);
        var hex = new Option<bool>("--hex") { Description = "Print values as hex." };
        var keyHex = StoreCommands.KeyHexOption();
        var salvage = StoreCommands.SalvageOption();
        var command = new Command("scan", "Print the keys and values of a range, in order.") { StoreCommands.PathArgument, tree, from, to, prefix, reverse, limit, hex, keyHex, salvage };
        command.SetAction(parse => StoreCommands.Run(() =>
        {
            using var store = StoreCommands.OpenToRead(parse.GetValue(StoreCommands.PathArgument)!, parse.GetValue(salvage));
            if (!store.TryGetTree(parse.GetValue(tree)!, out var t)) return StoreCommands.Missing(parse.GetValue(tree)!);
            var keys = KeyReader.For(t!, parse.GetValue(keyHex));
            var (first, last, start) = (parse.GetValue(from), parse.GetValue(to), parse.GetValue(prefix));
            var left = parse.GetValue(limit) ?? int.MaxValue;
            var printHex = parse.GetValue(hex);
            if (!keys.Kind.IsBytes)
            {
                if (start is not null) throw new ArgumentException($"--prefix is for byte keys; tree '{t!.Name}' holds {t.KeyKind} keys.");
                var range = new KeyRange(first is null ? null : Bpos.Parse(first), last is null ? null : Bpos.Parse(last));
                foreach (var (k, v) in t!.Scan(range, parse.GetValue(reverse)))
                {
                    if (left-- <= 0) break;
                    Console.WriteLine($"{k}\t{ValueText.Print(v, printHex)}");
                }
                return 0;
            }
            var bytes = new BytesRange(first is null ? null : keys.Read(first).Bytes, last is null ? null : keys.Read(last).Bytes)
            {
                Prefix = start is null ? null : keys.ReadAnyLength(start),
            };
            foreach (var entry in t!.Scan(bytes, parse.GetValue(reverse)))
            {
                if (left-- <= 0) break;
                Console.WriteLine($"{keys.Print(entry.KeyBytes)}\t{ValueText.Print(entry.Value, printHex)}");
            }
            return 0;
        }));
        return command;
    }
}
