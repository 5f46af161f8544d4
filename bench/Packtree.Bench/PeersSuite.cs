using Packtree.Bench.Peers;
using Spectre.Console;

namespace Packtree.Bench;

/// <summary>
/// Packtree against LMDB, RocksDB, SQLite, ZoneTree and FASTER, side by side in one run: the db_bench
/// workloads (fillseq, fillrandom, overwrite, readrandom, readseq, readreverse, fillsync) and YCSB A, B,
/// C, E and F (Zipfian 0.99), on extents-like keys, on random keys, on db_bench's keys and on YCSB's keys, 100-byte values. Fills commit each
/// put on its own without fsync, fillsync with fsync per commit.
/// </summary>
/// <remarks>
/// The machine's speed drifts over minutes, so engines measured minutes apart cannot be compared. The
/// run is interleaved instead: in each round, every workload runs on every engine before the next
/// workload, and the engines' order alternates from round to round (forward, reverse, ...), so that a
/// steady drift favours no engine. Each ratio is the median of the per-round ratios, with its spread.
/// <para>
/// Each engine runs in a worker process of its own (its peak memory is its own, and a native crash
/// cannot take the run down), one per kind of keys, kept alive across the rounds and driven one step at a
/// time (<see cref="PeerSession"/>). A long-lived worker was chosen over a new process per round or per
/// workload: the read workloads need the store the round's fill made, warm as a single run would leave
/// it, and rebuilding it in a new process before each workload would cost minutes per engine (SQLite
/// fills 1 M keys in about half a minute) and measure cold caches. State-dependent workloads stay correct
/// because each round starts from empty stores: fillseq and fillsync make and delete their own, and
/// fillrandom makes the store that overwrite, the reads and YCSB then use until the round closes it.
/// </para>
/// </remarks>
public static class PeersSuite
{
    public static BenchDocument Run(BenchSettings settings)
    {
        var count = settings.Keys ?? (settings.Quick ? 20_000 : 1_000_000);
        var rounds = settings.Rounds ?? (settings.Quick ? 2 : 3);
        var engines = PeerCatalog.Engines.Select(e => e.Name).ToList();
        var kinds = settings.Kinds ?? PeerKeys.Kinds;
        var document = new BenchDocument("peers");
        document.Add("all", "workload", "keys", count, "keys");
        document.Add("all", "workload", "threads", settings.Threads, "threads");
        document.Add("all", "workload", "rounds", rounds, "rounds");
        var figures = new PeerFigures { Workloads = PeerSteps.WorkloadsWith(settings.Writers ?? []) };
        var round = PeerSteps.RoundWith(settings.Writers ?? []);
        var skipped = new Dictionary<string, string>();
        var durability = new Dictionary<string, (string Fill, string Sync)>();
        AnsiConsole.Progress().AutoClear(false).Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new ElapsedTimeColumn()).Start(progress =>
        {
            foreach (var kind in kinds)
            {
                var task = progress.AddTask($"{kind} keys", maxValue: rounds * round.Count);
                var workers = new Dictionary<string, PeerProcess>();
                void End(string engine, string reason)
                {
                    skipped[engine] = reason;
                    figures.Remove(engine);
                    if (workers.Remove(engine, out var worker)) worker.Dispose();
                }
                try
                {
                    task.Description = $"{kind} keys: making keys";
                    foreach (var engine in engines.Where(e => !skipped.ContainsKey(e))) workers[engine] = PeerProcess.Start(engine, kind, count, settings);
                    foreach (var (engine, results) in PeerRounds.Run(workers, engines, round, rounds, kind, figures, task, $"{kind} keys", End))
                        durability[engine] = (results.FirstOrDefault(f => f.Metric == "durability_fill").Unit ?? "", results.FirstOrDefault(f => f.Metric == "durability_sync").Unit ?? "");
                }
                finally
                {
                    foreach (var worker in workers.Values) worker.Dispose();
                }
            }
        });
        var measured = engines.Where(e => !skipped.ContainsKey(e)).ToList();
        figures.AddTo(document, measured, kinds);
        foreach (var (name, reason) in skipped) document.Add("all", name, "skipped", 1, reason);
        foreach (var name in measured)
        {
            if (!durability.TryGetValue(name, out var setting)) continue;
            document.Add("all", name, "durability_fill", 0, setting.Fill);
            document.Add("all", name, "durability_sync", 0, setting.Sync);
        }
        PeersReport.Print(document, figures, kinds, measured, count, rounds, skipped);
        PeersReport.WriteCharts(document, figures, kinds, measured, settings);
        return document;
    }
}
