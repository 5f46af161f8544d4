using System.CommandLine;
using Packtree.CommandLine;
using Packtree.Keys;

namespace Packtree.Cli.Commands;

/// <summary>
/// <c>packtree scan PATH</c>: prints the keys and values of a range in order, one <c>KEY&lt;TAB&gt;VALUE</c> line each.
/// Byte keys print as text when printable UTF-8, else as 0x and hex (<see cref="KeyText"/>); with --key-hex and --hex
/// both as bare hex, which is what <c>load --tsv --key-hex --hex</c> reads back. Typed keys print as they are given
/// (<see cref="TypedKeyText"/>), and their bounds and prefix may be leading components.
/// </summary>
public static class ScanCommand
{
    public static Command Create()
    {
        var tree = StoreCommands.TreeOption();
        var from = new Option<string?>("--from") { Description = "First key (inclusive), in the tree's kind; for typed keys its leading components will do (from the first key starting with them)." };
        var to = new Option<string?>("--to") { Description = "Last key (inclusive), in the tree's kind; for typed keys its leading components will do (to the last key starting with them)." };
        var prefix = new Option<string?>("--prefix") { Description = "Only the keys starting with this: for byte keys their first bytes (text, or hex with --key-hex); for typed keys their leading components (as --from P --to P)." };
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
            if (keys.Kind.IsTyped)
            {
                foreach (var (k, v) in Typed(t!, keys, first, last, start, parse.GetValue(reverse)))
                {
                    if (left-- <= 0) break;
                    Console.WriteLine($"{keys.Print(k)}\t{ValueText.Print(v, printHex)}");
                }
                return 0;
            }
            if (!keys.Kind.IsBytes)
            {
                if (start is not null) throw new ArgumentException($"--prefix is for byte or typed keys; tree '{t!.Name}' holds {t.KeyKind} keys.");
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

    /// <summary>
    /// The scan of a typed tree between bounds of leading components: --from, the first key starting with its components
    /// (every key when not given); --to, the last key starting with its own; --prefix, both.
    /// </summary>
    /// <exception cref="ArgumentException">--prefix with --from or --to.</exception>
    private static TypedScan<object[]> Typed(Tree tree, KeyReader keys, string? from, string? to, string? prefix, bool reverse)
    {
        if (prefix is not null && (from ?? to) is not null)
            throw new ArgumentException($"--prefix P on a tree of typed keys is --from P --to P; give either, not both (tree '{tree.Name}').");
        var (low, lowComponents) = (from ?? prefix) is { } f ? keys.ReadLeading(f) : (TypedKeyText.StandIns(keys.Kind), 0);
        var (high, highComponents) = (to ?? prefix) is { } l ? keys.ReadLeading(l) : (low, 0);
        return TypedTrees.Of(tree).Scan(low, lowComponents, high, highComponents, reverse);
    }
}
