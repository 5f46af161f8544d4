using System.CommandLine;

namespace Packtree.Cli.Commands;

/// <summary><c>packtree put PATH KEY VALUE</c>: stores a value durably, creating the store and the tree (of --keys) if needed.</summary>
public static class PutCommand
{
    public static Command Create()
    {
        var key = new Argument<string>("key") { Description = "The key, read in the tree's kind: a position; a byte key as UTF-8 text (hex with --key-hex); a typed key's components separated by commas (in a string \\, for a comma, \\\\ for a backslash)." };
        var value = new Argument<string>("value") { Description = "The value: text (UTF-8), or hex with --hex." };
        var tree = StoreCommands.TreeOption();
        var hex = new Option<bool>("--hex") { Description = "The value is hex." };
        var keyHex = StoreCommands.KeyHexOption();
        var keys = KeysOption.Create();
        var command = new Command("put", "Store a value at a key (durably), creating the store and tree if needed.") { StoreCommands.PathArgument, key, value, tree, hex, keyHex, keys };
        command.SetAction(parse => StoreCommands.Run(() =>
        {
            var path = parse.GetValue(StoreCommands.PathArgument)!;
            var name = parse.GetValue(tree)!;
            var asked = KeysOption.Parse(parse.GetValue(keys));
            // Value and key first, so that a bad one creates no store file and no tree.
            var bytes = ValueText.Parse(parse.GetValue(value)!, parse.GetValue(hex));
            if (!File.Exists(path)) KeyReader.For(name, TreeKinds.For(null, name, asked), parse.GetValue(keyHex)).Read(parse.GetValue(key)!);
            using var store = StoreCommands.OpenStore(path, StoreOptions.Default);
            var kind = TreeKinds.For(store, name, asked);
            var at = KeyReader.For(name, kind, parse.GetValue(keyHex)).Read(parse.GetValue(key)!);
            at.Put(store.GetOrCreateTree(name, kind), bytes);
            return 0;
        }));
        return command;
    }
}
