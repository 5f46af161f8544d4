using System.CommandLine;
using Packtree.CommandLine;

namespace Packtree.Bench;

/// <summary>The options every suite command takes (the same options on every suite command, and on the root, which runs them all).</summary>
public sealed class BenchOptions
{
    private readonly Option<FileInfo?> _json = new("--json") { Description = "Also write the results as JSON to this file (for all suites: to this folder, one file per suite); charts go beside it." };
    private readonly Option<bool> _quick = new("--quick") { Description = "A short run for smoke tests; figures are rougher." };
    private readonly Option<int?> _keys = new Option<int?>("--keys") { Description = "Keys per workload for the tree, codegen and peers suites (default 1,000,000; fewer with --quick; at least 1,000)." }.AtLeast(1000);
    private readonly Option<int> _threads = new Option<int>("--threads") { Description = "Reader threads for readrandom and YCSB C in the peers suite (1 to 256).", DefaultValueFactory = _ => 1 }.Between(1, 256);
    private readonly Option<FileInfo?> _image = new("--image") { Description = "The bcachefs image the bcachefs suite reads, raw or gzipped (default: ../shared/bcachefs/img1.gz beside the repository)." };
    private readonly Option<string[]> _kinds = new("--kinds")
    {
        Description = $"Kinds of keys of the peers suite (default: all of {string.Join(", ", Peers.PeerKeys.Kinds)}).",
        AllowMultipleArgumentsPerToken = true,
    };
    private readonly Option<int?> _rounds = new("--rounds") { Description = "Rounds of the peers suite (default 3, or 2 with --quick; at least 3, or 2 with --quick) and of the codegen suite (default 5)." };

    public BenchOptions()
    {
        _kinds.AcceptOnlyFromAmong(Peers.PeerKeys.Kinds);
        _rounds.Validators.Add(result =>
        {
            var minimum = result.GetValue(_quick) ? 2 : 3;
            if (result.GetValueOrDefault<int?>() is { } rounds && rounds < minimum)
                result.AddError($"--rounds must be at least {minimum}{(minimum == 2 ? " with --quick" : " (2 with --quick)")}; got {rounds}.");
        });
    }

    public void AddTo(Command command)
    {
        command.Options.Add(_json);
        command.Options.Add(_quick);
        command.Options.Add(_keys);
        command.Options.Add(_threads);
        command.Options.Add(_rounds);
        command.Options.Add(_image);
        command.Options.Add(_kinds);
    }

    public FileInfo? Json(ParseResult parse) => parse.GetValue(_json);

    /// <summary>The settings of a run; the charts go beside the JSON file, or into the JSON folder of a run of every suite.</summary>
    public BenchSettings Settings(ParseResult parse, bool all)
    {
        var json = parse.GetValue(_json);
        var artifacts = json is null ? null : all ? json.FullName : json.DirectoryName;
        return new BenchSettings(parse.GetValue(_quick), parse.GetValue(_keys), parse.GetValue(_threads), artifacts, parse.GetValue(_rounds), parse.GetValue(_image)?.FullName,
            parse.GetValue(_kinds) is { Length: > 0 } kinds ? [.. kinds.Distinct()] : null);
    }
}
