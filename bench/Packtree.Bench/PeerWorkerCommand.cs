using System.CommandLine;

namespace Packtree.Bench;

/// <summary>The hidden <c>peer-worker</c> command: one engine of the peers suite in a process of its own, started by the suite.</summary>
public static class PeerWorkerCommand
{
    public static Command Create()
    {
        var engine = new Argument<string>("engine");
        var kind = new Argument<string>("kind");
        var keys = new Option<int>("--keys") { Required = true };
        var threads = new Option<int>("--threads") { DefaultValueFactory = _ => 1 };
        var output = new Option<string>("--out") { Required = true };
        var quick = new Option<bool>("--quick");
        var command = new Command("peer-worker", "Run one engine of the peers suite (started by the peers suite).") { engine, kind, keys, threads, output, quick };
        command.Hidden = true;
        command.SetAction(parse => PeersSuite.RunOne(parse.GetValue(engine)!, parse.GetValue(kind)!, parse.GetValue(keys), parse.GetValue(threads), parse.GetValue(quick), parse.GetValue(output)!));
        return command;
    }
}
