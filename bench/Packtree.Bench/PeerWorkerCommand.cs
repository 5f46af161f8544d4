using System.CommandLine;
using Packtree.Bench.Peers;

namespace Packtree.Bench;

/// <summary>The hidden <c>peer-worker</c> command: one engine of the peers suite in a process of its own, driven by the suite.</summary>
public static class PeerWorkerCommand
{
    public static Command Create()
    {
        var engine = new Argument<string>("engine");
        var kind = new Argument<string>("kind");
        var keys = new Option<int>("--keys") { Required = true };
        var threads = new Option<int>("--threads") { DefaultValueFactory = _ => 1 };
        var quick = new Option<bool>("--quick");
        var command = new Command("peer-worker", "Run one engine of the peers suite, one step per line of standard input (started by the peers suite).") { engine, kind, keys, threads, quick };
        command.Hidden = true;
        command.SetAction(parse => PeerWorker.Run(parse.GetValue(engine)!, parse.GetValue(kind)!, parse.GetValue(keys), parse.GetValue(threads), parse.GetValue(quick)));
        return command;
    }
}
