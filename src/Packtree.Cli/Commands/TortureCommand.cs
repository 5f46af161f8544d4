using Packtree.Diagnostics;
using System.CommandLine;
using System.Diagnostics;
using Packtree.CommandLine;
using Spectre.Console;

namespace Packtree.Cli.Commands;

/// <summary>
/// <c>packtree torture</c>: crash trials. Each starts a worker process that runs a random workload of
/// flushed and buffered commits on a new store, printing each flushed commit it was told is durable;
/// the worker is killed with SIGKILL at a random moment; the store is reopened and checked; and the
/// recovered contents must equal the state after some prefix of the commits that includes every
/// acknowledged durable one. Trees of positions and of byte keys alike, values in the leaves and kept out of
/// line (<see cref="TortureWorkload"/>), each compared with the model key by key and value by value
/// (<see cref="TortureModel"/>), after <c>packtree check</c> found nothing wrong.
/// </summary>
public static class TortureCommand
{
    public static IEnumerable<Command> Create()
    {
        var trials = new Option<int>("--trials") { Description = "Crash trials to run (1 or more).", DefaultValueFactory = _ => 20 }.AtLeast(1);
        var seed = new Option<int>("--seed") { Description = "Seed of the first trial (trial i uses seed + i).", DefaultValueFactory = _ => Environment.TickCount & 0xffff };
        var folder = new Option<DirectoryInfo?>("--folder") { Description = "Where to put the trial stores (default: a new temporary folder, deleted afterwards)." };
        var torture = new Command("torture", "Crash the store again and again (SIGKILL mid-workload) and prove that nothing acknowledged is lost.") { trials, seed, folder };
        torture.SetAction(parse => Run(parse.GetValue(trials), parse.GetValue(seed), parse.GetValue(folder)));
        yield return torture;

        var path = new Argument<string>("path");
        var workerSeed = new Option<int>("--seed") { Required = true };
        var worker = new Command("torture-worker", "The process a torture trial kills (not for direct use).") { path, workerSeed };
        worker.Hidden = true;
        worker.SetAction(parse => Work(parse.GetValue(path)!, parse.GetValue(workerSeed)));
        yield return worker;
    }

    /// <summary>The worker: commits until killed, printing "ack N" once commit N is durable.</summary>
    private static int Work(string path, int seed)
    {
        var workload = new TortureWorkload(seed);
        using var store = Store.Open(path, TortureWorkload.Options(Durability.Buffered));
        var trees = TortureWorkload.StartingTrees.Select(t => store.GetOrCreateTree(t.Name, t.Kind)).ToList();
        Console.Out.WriteLine($"ready {store.LastCommit}"); // the trees' creations are the first commits
        var batch = new WriteBatch();
        for (var commit = 1UL; ; commit++)
        {
            var next = workload.Next();
            if (next.NewTree is { } name)
            {
                trees.Add(store.GetOrCreateTree(name, next.NewKind!)); // a commit of its own, durable when it returns
                Console.Out.WriteLine($"ack {store.LastCommit}");
                continue;
            }
            batch.Clear();
            foreach (var (tree, key, value) in next.Updates)
            {
                if (value is null) key.Delete(batch, trees[tree]);
                else key.Put(batch, trees[tree], value);
            }
            store.Write(batch, next.Durable ? Durability.Flush : commit % 3 == 0 ? Durability.Background : Durability.Buffered); // a third stay in memory until a write
            if (next.Durable) Console.Out.WriteLine($"ack {store.LastCommit}");
            if (commit % 400 == 0) store.Checkpoint();
        }
    }

    private static int Run(int trials, int seed, DirectoryInfo? folder)
    {
        var root = folder?.FullName ?? Path.Combine(Path.GetTempPath(), $"packtree-torture-{Guid.NewGuid():N}");
        Directory.CreateDirectory(root);
        var failures = 0;
        var random = new Random(seed);
        try
        {
            for (var trial = 0; trial < trials; trial++)
            {
                var trialSeed = seed + trial;
                var path = Path.Combine(root, $"trial-{trialSeed}.packtree");
                ulong acked = 0;
                long killedAfter = 0;
                string? verdict;
                var covered = "";
                try
                {
                    (acked, var firstCommit, killedAfter) = RunWorker(path, trialSeed, random.Next(50, 1200));
                    verdict = CheckTrial(path, trialSeed, acked, firstCommit, out covered);
                }
                catch (Exception e)
                {
                    verdict = StoreCheck.Describe(e); // a worker that failed on its own, or a store that would not open
                }
                if (verdict is not null) failures++;
                AnsiConsole.MarkupLine($"trial {trial + 1}/{trials} (seed {trialSeed}): killed after {killedAfter} ms, {acked} acknowledged durable — " +
                    (verdict is null ? $"[green]ok[/] ({covered})" : $"[red]{Markup.Escape(verdict)}[/]"));
                if (verdict is null) File.Delete(path);
            }
        }
        finally
        {
            if (folder is null && failures == 0) Directory.Delete(root, recursive: true);
        }
        Console.WriteLine($"{trials} trials, {failures} failed");
        return failures == 0 ? 0 : 1;
    }

    /// <summary>Starts a worker, lets it run about <paramref name="milliseconds"/> after it is ready, kills it; returns the last acknowledged commit.</summary>
    private static (ulong Acked, ulong FirstCommit, long Ms) RunWorker(string path, int seed, int milliseconds)
    {
        var start = SelfProcess.StartInfo(redirectInput: false, "torture-worker", path, "--seed", $"{seed}");
        using var process = Process.Start(start) ?? throw new InvalidOperationException("The worker did not start.");
        ulong acked = 0, created = 0;
        var ready = new ManualResetEventSlim();
        var errors = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            if (e.Data.StartsWith("ready ", StringComparison.Ordinal))
            {
                created = ulong.Parse(e.Data[6..], System.Globalization.CultureInfo.InvariantCulture);
                ready.Set();
            }
            else if (e.Data.StartsWith("ack ", StringComparison.Ordinal)) Volatile.Write(ref acked, ulong.Parse(e.Data[4..], System.Globalization.CultureInfo.InvariantCulture));
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null) lock (errors) errors.AppendLine(e.Data);
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!ready.Wait(TimeSpan.FromSeconds(60))) throw new InvalidOperationException($"The worker never became ready: {errors}");
        var watch = Stopwatch.StartNew();
        if (process.WaitForExit(milliseconds)) throw new InvalidOperationException($"The worker stopped by itself (exit {process.ExitCode}): {errors}");
        process.Kill(entireProcessTree: true); // SIGKILL: no cleanup, no flush
        process.WaitForExit();
        // Every "ack" the worker printed before it died has been read once the output ends.
        return (Volatile.Read(ref acked), created + 1, watch.ElapsedMilliseconds);
    }

    /// <summary>Reopens the trial's store and compares it with the model; null when it passes, else what went wrong.</summary>
    private static string? CheckTrial(string path, int seed, ulong acked, ulong firstCommit, out string covered)
    {
        covered = "";
        if (CheckCommand.Check(path, quiet: true) != 0) return "packtree check found problems";
        using var store = Store.Open(path, TortureWorkload.Options(Durability.Flush) with { ReadOnly = true });
        var recovered = store.LastCommit;
        if (recovered < acked) return $"recovered up to commit {recovered}, but commit {acked} was acknowledged durable";
        var model = new TortureModel();
        var workload = new TortureWorkload(seed);
        var huge = 0;
        for (var commit = firstCommit; commit <= recovered; commit++)
        {
            var next = workload.Next();
            if (next.Updates.Count > ushort.MaxValue) huge++;
            model.Apply(next);
        }
        // Short enough that a trial's line fits the console: tests read each trial's verdict from one line.
        covered = $"{recovered} commits, {model.Trees} trees, {model.ByteKeyTrees} of byte keys ({model.ByteKeys} keys), {huge} huge batches, {model.LargeValues} out of line";
        return model.Compare(store, recovered);
    }
}
