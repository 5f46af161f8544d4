using System.CommandLine;
using Spectre.Console;

namespace Packtree.Bench;

/// <summary>
/// <c>Packtree.Bench</c>: Packtree's benchmark suites, each a command; with no command (or <c>all</c>), every
/// suite in turn. Also the hidden worker commands the peers and values suites start once per engine.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        // Redirected output has no terminal width; give tables room instead of Spectre's 80 columns.
        if (Console.IsOutputRedirected) AnsiConsole.Profile.Width = 220;
        var options = new BenchOptions();
        var root = new RootCommand("Packtree's benchmarks on embedded default stores. With no suite: every suite in turn (as `all`), each writing its JSON to a new folder.");
        options.AddTo(root);
        root.SetAction(parse => SuiteRunner.RunAll(options.Json(parse), options.Settings(parse, all: true)));
        var all = new Command("all", $"Every suite in turn ({Suites.Names}); --json names the folder for their JSON files (one per suite).");
        options.AddTo(all);
        all.SetAction(parse => SuiteRunner.RunAll(options.Json(parse), options.Settings(parse, all: true)));
        root.Subcommands.Add(all);
        foreach (var (name, description, run) in Suites.All)
        {
            var command = new Command(name, description);
            options.AddTo(command);
            command.SetAction(parse => SuiteRunner.RunOne(run, options.Json(parse), options.Settings(parse, all: false)));
            root.Subcommands.Add(command);
        }
        root.Subcommands.Add(PeerWorkerCommand.Create());
        root.Subcommands.Add(Values.ValuesWorker.Create());

        // A word that is no suite lands here, so that the error can name the suites.
        var unknown = new Argument<string?>("suite") { Arity = ArgumentArity.ZeroOrOne, Hidden = true };
        unknown.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string?>() is { } name) result.AddError($"Unknown suite '{name}'. Known suites: {Suites.Names}, or all.");
        });
        root.Arguments.Add(unknown);
        return root.Parse(args).Invoke();
    }
}
