using System.CommandLine;
using Packtree.Bench.Peers;

namespace Packtree.Bench.Values;

/// <summary>
/// The hidden <c>values-worker</c> command: one engine on one case of the values suite (or its streaming) in a
/// process of its own, driven by the suite over the peers suite's protocol. A value larger than the engine takes,
/// or streaming it does not have, ends the worker as skipped rather than failed.
/// </summary>
public static class ValuesWorker
{
    public static Command Create()
    {
        var engine = new Argument<string>("engine");
        var @case = new Argument<string>("case");
        var bytes = new Option<long>("--bytes") { Required = true };
        var quick = new Option<bool>("--quick");
        var command = new Command("values-worker", "Run one engine on one case of the values suite, one step per line of standard input (started by the values suite).") { engine, @case, bytes, quick };
        command.Hidden = true;
        command.SetAction(parse => Run(parse.GetValue(engine)!, parse.GetValue(@case)!, parse.GetValue(bytes), parse.GetValue(quick)));
        return command;
    }

    /// <summary>The arguments that start the worker of <paramref name="engine"/> on <paramref name="case"/> (a case's name, or <see cref="ValueSteps.StreamCase"/>).</summary>
    public static string[] Arguments(string engine, string @case, long bytes, bool quick) =>
        ["values-worker", engine, @case, "--bytes", $"{bytes}", .. quick ? new[] { "--quick" } : []];

    public static int Run(string engineName, string @case, long bytes, bool quick)
    {
        var (name, needs, _, open) = ValueEngines.All.FirstOrDefault(e => e.Name == engineName);
        if (open is null) throw new ArgumentException($"No engine '{engineName}'; engines: {string.Join(", ", ValueEngines.All.Select(e => e.Name))}.", nameof(engineName));
        IValueEngine Open(string folder) => open(folder, bytes);
        return PeerWorker.Serve($"packtree-values-{name}", needs, quick,
            folder => @case == ValueSteps.StreamCase ? new StreamSession(name, Open, bytes, folder) : new ValuesSession(name, Open, ValueCase.Parse(@case), bytes, folder),
            Skip);
    }

    /// <summary>Why a case is skipped rather than failed: values larger than the engine takes, or streaming it does not have.</summary>
    private static string? Skip(Exception e) => e switch
    {
        ValueTooLargeException large => $"values of {large.ActualBytes:N0} bytes arrive with large values (a tree takes at most {large.MaxBytes:N0} today)",
        NotSupportedException unsupported => unsupported.Message,
        _ => null,
    };
}
