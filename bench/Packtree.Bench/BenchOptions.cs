using System.CommandLine;
using System.Globalization;
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
    private readonly Option<int?> _rounds = new("--rounds") { Description = "Rounds of the peers and values suites (default 3, or 2 with --quick; at least 3, or 2 with --quick) and of the codegen suite (default 5)." };
    private readonly Option<int[]?> _sizes = new("--sizes")
    {
        Description = "Value sizes in bytes of the values suite, separated by commas (default 4096,65536,1048576; each from 1 to 1073741824).",
        CustomParser = ValueSizes,
    };
    private readonly Option<int[]?> _writers = new("--writers")
    {
        Description = "Writer threads of extra fillrandom runs in the peers suite, separated by commas (each from 2 to 64): fillrandom_2w for 2, and so on; each fills a store of its own.",
        CustomParser = Writers,
    };
    private readonly Option<int?> _valueMib = new Option<int?>("--value-mib") { Description = "MiB of values per case of the values suite (default 256, or 16 with --quick)." }.AtLeast(1);
    private readonly Option<int?> _streamMib = new Option<int?>("--stream-mib") { Description = "MiB of the one value the values suite streams in and out (default 1024, or 64 with --quick; at most 1024)." }.AtLeast(1);

    public BenchOptions()
    {
        _kinds.AcceptOnlyFromAmong(Peers.PeerKeys.Kinds);
        _streamMib.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int?>() is > 1024 and var mib) result.AddError($"--stream-mib must be at most 1024 (1 GiB, the largest value); got {mib}.");
        });
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
        command.Options.Add(_sizes);
        command.Options.Add(_writers);
        command.Options.Add(_valueMib);
        command.Options.Add(_streamMib);
    }

    public FileInfo? Json(ParseResult parse) => parse.GetValue(_json);

    /// <summary>The settings of a run; the charts go beside the JSON file, or into the JSON folder of a run of every suite.</summary>
    public BenchSettings Settings(ParseResult parse, bool all)
    {
        var json = parse.GetValue(_json);
        var artifacts = json is null ? null : all ? json.FullName : json.DirectoryName;
        return new BenchSettings(parse.GetValue(_quick), parse.GetValue(_keys), parse.GetValue(_threads), artifacts, parse.GetValue(_rounds), parse.GetValue(_image)?.FullName,
            parse.GetValue(_kinds) is { Length: > 0 } kinds ? [.. kinds.Distinct()] : null, parse.GetValue(_sizes) is { Length: > 0 } sizes ? sizes : null, parse.GetValue(_valueMib), parse.GetValue(_streamMib),
            parse.GetValue(_writers) ?? []);
    }

    /// <summary>Writer counts given as one list separated by commas (or as several), each from 2 to 64, in increasing order.</summary>
    private static int[]? Writers(System.CommandLine.Parsing.ArgumentResult result)
    {
        List<int> writers = [];
        foreach (var token in result.Tokens.SelectMany(t => t.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            if (!int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count is < 2 or > 64)
            {
                result.AddError($"--writers takes writer thread counts from 2 to 64, separated by commas; got '{token}'.");
                return null;
            }
            writers.Add(count);
        }
        return [.. writers.Distinct().Order()];
    }

    /// <summary>Sizes given as one list separated by commas (or as several), each from 1 byte to 1 GiB.</summary>
    private static int[]? ValueSizes(System.CommandLine.Parsing.ArgumentResult result)
    {
        List<int> sizes = [];
        foreach (var token in result.Tokens.SelectMany(t => t.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            if (!int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var size) || size is < 1 or > 1 << 30)
            {
                result.AddError($"--sizes takes value sizes in bytes from 1 to 1073741824 (1 GiB), separated by commas; got '{token}'.");
                return null;
            }
            sizes.Add(size);
        }
        if (sizes.Count == 0) result.AddError("--sizes needs at least one value size.");
        return [.. sizes.Distinct()];
    }
}
