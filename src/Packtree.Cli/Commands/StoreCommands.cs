using Packtree.Diagnostics;
using System.CommandLine;

namespace Packtree.Cli.Commands;

/// <summary>
/// <c>packtree get | put | scan | load</c> over a store file, and what they share: the path, the tree and key
/// options, opening the store, and one line on stderr for any error.
/// </summary>
public static class StoreCommands
{
    /// <summary>The store file argument.</summary>
    public static readonly Argument<string> PathArgument = new("path") { Description = "The store file." };

    public static IEnumerable<Command> Create()
    {
        yield return GetCommand.Create();
        yield return PutCommand.Create();
        yield return ScanCommand.Create();
        yield return LoadCommand.Create();
    }

    /// <summary><c>--salvage</c>, for the reading commands.</summary>
    public static Option<bool> SalvageOption() => new("--salvage") { Description = "Read a store whose journal is damaged as of its last intact commit (the lost commits are named on stderr)." };

    /// <summary><c>--tree</c>.</summary>
    public static Option<string> TreeOption() => new("--tree") { Description = "The tree (default: \"default\").", DefaultValueFactory = _ => "default" };

    /// <summary><c>--key-hex</c>: byte keys given (and printed) as hex.</summary>
    public static Option<bool> KeyHexOption() => new(KeyReader.HexOption) { Description = "Byte keys are given (and printed) as hex, not UTF-8 text (for trees of byte keys)." };

    /// <summary>Opens a store to read; salvaging, says on stderr what was lost.</summary>
    public static Store OpenToRead(string path, bool salvage)
    {
        var store = OpenStore(path, new StoreOptions { ReadOnly = true, Salvage = salvage });
        if (salvage && store.Recovery.LostCommits is { } lost)
            Console.Error.WriteLine($"packtree: salvaged as of commit {store.LastCommit}; commits {lost.First} to {lost.Last} are lost ({store.Recovery.LossReason}).");
        return store;
    }

    /// <summary>Says on stderr that the store has no tree <paramref name="tree"/>; exit code 1.</summary>
    public static int Missing(string tree)
    {
        Console.Error.WriteLine($"The store has no tree '{tree}'.");
        return 1;
    }

    /// <summary>
    /// Opens the store. The options here are fixed and valid, so any error but a store error comes from
    /// the file's bytes (an absurd node size, say): it is reported as the file being unreadable.
    /// </summary>
    public static Store OpenStore(string path, StoreOptions options)
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
    /// errors a user can cause (a bad key, value or tree name, a key too long or of the wrong kind, a refused
    /// or damaged file) are their message; anything else is named with its type.
    /// </summary>
    public static int Run(Func<int> body)
    {
        try
        {
            return body();
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"packtree: {(e is FormatException or ArgumentException ? ErrorText.Message(e) : StoreCheck.Describe(e))}");
            return 1;
        }
    }
}
