using System.CommandLine;

namespace Packtree.Cli.Commands;

/// <summary><c>packtree get PATH KEY</c>: prints the value at a key, read in the tree's kind.</summary>
public static class GetCommand
{
    public static Command Create()
    {
        var key = new Argument<string>("key") { Description = "The key: for positions inode:offset:snapshot, inode:offset, POS_MIN, POS_MAX or SPOS_MAX; for byte keys UTF-8 text, or hex with --key-hex; for typed keys their components separated by commas (in a string \\, for a comma, \\\\ for a backslash)." };
        var tree = StoreCommands.TreeOption();
        var hex = new Option<bool>("--hex") { Description = "Print the value as hex." };
        var keyHex = StoreCommands.KeyHexOption();
        var salvage = StoreCommands.SalvageOption();
        var command = new Command("get", "Print the value at a key.") { StoreCommands.PathArgument, key, tree, hex, keyHex, salvage };
        command.SetAction(parse => StoreCommands.Run(() =>
        {
            using var store = StoreCommands.OpenToRead(parse.GetValue(StoreCommands.PathArgument)!, parse.GetValue(salvage));
            if (!store.TryGetTree(parse.GetValue(tree)!, out var t)) return StoreCommands.Missing(parse.GetValue(tree)!);
            var value = KeyReader.For(t!, parse.GetValue(keyHex)).Read(parse.GetValue(key)!).Get(t!);
            if (value is null)
            {
                Console.Error.WriteLine($"No value at {parse.GetValue(key)} in tree '{t!.Name}'.");
                return 1;
            }
            Console.WriteLine(ValueText.Print(value, parse.GetValue(hex)));
            return 0;
        }));
        return command;
    }
}
