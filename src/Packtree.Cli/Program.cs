using System.CommandLine;
using Packtree.Cli.Bench;
using Spectre.Console;

namespace Packtree.Cli;

/// <summary>The <c>packtree</c> command.</summary>
public static class Program
{
    private static readonly Dictionary<string, Func<BenchSettings, BenchDocument>> Suites = new(StringComparer.Ordinal)
    {
        ["keys"] = s => KeysSuite.Run(s.Quick),
        ["unpack"] = s => UnpackSuite.Run(s.Quick),
        ["node"] = s => NodeSuite.Run(s.Quick),
        ["tree"] = TreeSuite.Run,
        ["commits"] = CommitsSuite.Run,
        ["peers"] = PeersSuite.Run,
    };

    public static int Main(string[] args)
    {
        // Redirected output has no terminal width; give tables room instead of Spectre's 80 columns.
        if (Console.IsOutputRedirected) AnsiConsole.Profile.Width = 160;
        var suite = new Argument<string>("suite")
        {
            Description = $"What to measure: {string.Join(", ", Suites.Keys)}, or all (the default): every suite, each writing its JSON to a new folder.",
            DefaultValueFactory = _ => "all",
        };
        var json = new Option<FileInfo?>("--json") { Description = "Also write the results as JSON to this file (for all suites: to this folder, one file per suite)." };
        var quick = new Option<bool>("--quick") { Description = "A short run for smoke tests; figures are rougher." };
        var keys = new Option<int?>("--keys") { Description = "Keys per workload for the tree and peers suites (default 1,000,000; fewer with --quick; at least 1,000)." }.AtLeast(1000);
        var threads = new Option<int>("--threads") { Description = "Reader threads for readrandom and YCSB C in the peers suite (1 to 256).", DefaultValueFactory = _ => 1 }.Between(1, 256);
        var bench = new Command("bench", "Measure Packtree and print a table of the figures.") { suite, json, quick, keys, threads };
        bench.SetAction(parse => RunBench(parse.GetValue(suite)!, parse.GetValue(json),
            new BenchSettings(parse.GetValue(quick), parse.GetValue(keys), parse.GetValue(threads), parse.GetValue(json) is { } file ? (parse.GetValue(suite) == "all" ? file.FullName : file.DirectoryName) : null)));

        var root = new RootCommand("Packtree: an embedded ordered key-value store on bcachefs-style packed btree nodes.") { bench, Commands.CheckCommand.Create() };
        foreach (var command in Commands.StoreCommands.Create()) root.Subcommands.Add(command);
        foreach (var command in Commands.TortureCommand.Create()) root.Subcommands.Add(command);
        root.Subcommands.Add(PeerWorker());
        return root.Parse(args).Invoke();
    }

    /// <summary>One engine of the peers suite in its own process (started by the suite, not for direct use).</summary>
    private static Command PeerWorker()
    {
        var engine = new Argument<string>("engine");
        var kind = new Argument<string>("kind");
        var keys = new Option<int>("--keys") { Required = true };
        var threads = new Option<int>("--threads") { DefaultValueFactory = _ => 1 };
        var output = new Option<string>("--out") { Required = true };
        var quick = new Option<bool>("--quick");
        var command = new Command("bench-peer", "Run one engine of the peers suite (started by `bench peers`).") { engine, kind, keys, threads, output, quick };
        command.Hidden = true;
        command.SetAction(parse => PeersSuite.RunOne(parse.GetValue(engine)!, parse.GetValue(kind)!, parse.GetValue(keys), parse.GetValue(threads), parse.GetValue(quick), parse.GetValue(output)!));
        return command;
    }

    private static int RunBench(string suite, FileInfo? json, BenchSettings settings)
    {
        if (suite == "all") return RunAll(json, settings);
        if (!Suites.TryGetValue(suite, out var run))
        {
            Console.Error.WriteLine($"Unknown bench suite '{suite}'. Known suites: {string.Join(", ", Suites.Keys)}.");
            return 2;
        }
        var document = run(settings);
        if (json is not null)
        {
            document.WriteJson(json.FullName);
            AnsiConsole.MarkupLine($"[grey]results written to {Markup.Escape(json.FullName)}[/]");
        }
        return 0;
    }

    /// <summary>Every suite in turn; the JSON of each goes to a new folder, or to the folder <paramref name="json"/> names.</summary>
    private static int RunAll(FileInfo? json, BenchSettings settings)
    {
        var folder = json?.FullName ?? Path.Combine(Path.GetTempPath(), $"packtree-bench-{DateTime.UtcNow:yyyyMMdd-HHmmss}");
        Directory.CreateDirectory(folder);
        foreach (var (name, run) in Suites)
        {
            AnsiConsole.Write(new Rule($"bench {name}"));
            // The peers suite at full size takes many minutes: in the run of everything it is quick unless --keys says otherwise.
            var suiteSettings = settings with { ArtifactsFolder = folder, Quick = settings.Quick || (name == "peers" && settings.Keys is null) };
            run(suiteSettings).WriteJson(Path.Combine(folder, $"{name}.json"));
        }
        AnsiConsole.MarkupLine($"[grey]results written to {Markup.Escape(folder)} ({string.Join(", ", Suites.Keys.Select(k => k + ".json"))})[/]");
        return 0;
    }
}
