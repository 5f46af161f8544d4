using System.Diagnostics;
using Packtree.Keys;
using Spectre.Console;

namespace Packtree.Bench;

/// <summary>
/// Durable commits with several writer threads: each commit a put with <see cref="Durability.Flush"/>
/// on a store file, by 1, 2, 4 and 8 threads at once. Group commit lets concurrent committers share
/// flushes, so the rate should grow with the threads. Rounds interleave the thread counts, in alternating
/// order; each ratio to one thread is the median of the rounds, with its spread.
/// </summary>
public static class CommitsSuite
{
    private static readonly int[] ThreadCounts = [1, 2, 4, 8];

    public static BenchDocument Run(BenchSettings settings)
    {
        var commits = settings.Quick ? 400 : 4_000;
        var rounds = settings.Quick ? 3 : 7;
        var document = new BenchDocument("commits");
        var folder = Path.Combine(Path.GetTempPath(), $"packtree-bench-commits-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        var rates = ThreadCounts.ToDictionary(t => t, _ => new List<double>());
        var flushes = ThreadCounts.ToDictionary(t => t, _ => new List<double>());
        try
        {
            for (var round = 0; round < rounds; round++)
            {
                var order = round % 2 == 0 ? ThreadCounts : ThreadCounts.Reverse().ToArray();
                foreach (var threads in order)
                {
                    var (rate, perFlush) = Measure(Path.Combine(folder, $"{round}-{threads}.packtree"), threads, commits);
                    rates[threads].Add(rate);
                    flushes[threads].Add(perFlush);
                    AnsiConsole.MarkupLine($"[grey]round {round + 1}/{rounds}, {threads} thread(s): {rate:N0} commits/s, {perFlush:F1} commits per flush[/]");
                }
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }

        var table = new Table().Title($"Packtree.Bench commits — {commits:N0} durable puts (Durability.Flush) per run, {rounds} rounds").AddColumns("threads", "commits/s (median)", "commits per flush", "× one thread (median)", "spread");
        foreach (var threads in ThreadCounts)
        {
            var ratio = Spread.Of([.. Enumerable.Range(0, rounds).Select(r => rates[threads][r] / rates[1][r])]);
            var rate = Spread.Of(rates[threads]).Median;
            var perFlush = Spread.Of(flushes[threads]).Median;
            document.Add($"{threads}_threads", "packtree_file", "commits_per_second", rate, "ops/s");
            document.Add($"{threads}_threads", "packtree_file", "commits_per_flush", perFlush, "commits");
            document.Add($"{threads}_threads", "packtree_file", "ratio_to_one_thread", ratio.Median, "x");
            table.AddRow($"{threads}", $"{rate:N0}", $"{perFlush:F1}", $"{ratio.Median:F2}×", $"{ratio.Min:F2}–{ratio.Max:F2}");
        }
        AnsiConsole.Write(table);
        return document;
    }

    private static (double Rate, double CommitsPerFlush) Measure(string path, int threads, int commits)
    {
        using var store = Store.Open(path, new StoreOptions { Durability = Durability.Flush });
        var tree = store.GetOrCreateTree("bench");
        var value = new byte[100];
        var flushesBefore = store.Statistics.JournalFlushes;
        var watch = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
        {
            for (var i = t; i < commits; i += threads) tree.Put(new Bpos((ulong)t, (ulong)i, 0), value);
        })).ToList();
        workers.ForEach(w => w.Start());
        workers.ForEach(w => w.Join());
        var seconds = watch.Elapsed.TotalSeconds;
        var flushes = store.Statistics.JournalFlushes - flushesBefore;
        return (commits / seconds, commits / (double)Math.Max(1, flushes));
    }
}
