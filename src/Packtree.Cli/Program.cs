using System.CommandLine;
using Spectre.Console;

namespace Packtree.Cli;

/// <summary>The <c>packtree</c> command.</summary>
public static class Program
{
    public static int Main(string[] args)
    {
        // Redirected output has no terminal width; give tables room instead of Spectre's 80 columns.
        if (Console.IsOutputRedirected) AnsiConsole.Profile.Width = 160;
        var root = new RootCommand("Packtree: an embedded ordered key-value store on bcachefs-style packed btree nodes.") { Commands.CheckCommand.Create() };
        foreach (var command in Commands.StoreCommands.Create()) root.Subcommands.Add(command);
        foreach (var command in Commands.TortureCommand.Create()) root.Subcommands.Add(command);
        root.Subcommands.Add(Commands.BcachefsCommands.Create());
        return root.Parse(args).Invoke();
    }
}
