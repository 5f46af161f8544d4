using Packtree.Bench.Peers;
using Packtree.Bench.Values;
using Spectre.Console;

namespace Packtree.Bench;

/// <summary>
/// Values of 4 KiB, 64 KiB and 1 MiB (<c>--sizes</c>), random bytes and compressible text, put, read, scanned and
/// overwritten by Packtree (plain and with zstd), LMDB, RocksDB and SQLite side by side in one run: MB/s of value
/// bytes, bytes on disk per live value byte, peak memory per engine, and a value of 1 GiB (<c>--stream-mib</c>)
/// streamed in and out where the engine streams (Packtree; SQLite's incremental blob I/O).
/// </summary>
/// <remarks>
/// Each case holds a fixed total of value bytes (256 MiB, <c>--value-mib</c>), so the key count is the total over
/// the value size; keys are db_bench's 16 digits of shuffled numbers. Values are made as they are put, from seeds
/// (no engine holds the data set; see <see cref="ValuesSession"/>); the text is JSON-like documents of words
/// (<see cref="TextValues"/>), whose zstd ratio the report gives per case.
/// <para>
/// Engines as a user storing blobs would open them (<see cref="ValueEngines"/>), none syncing per put: Packtree's
/// journal is written per commit and flushed every 100 ms; LMDB runs with MDB_NOSYNC, its map sized for the case;
/// RocksDB writes its WAL per put without syncing and keeps values of 4 KiB and more in blob files (its integrated
/// BlobDB) with blob garbage collection; SQLite runs in WAL mode with synchronous=NORMAL, on a rowid table with a
/// unique index on the key (SQLite advises rowid tables for rows larger than a small part of a page, and its
/// incremental blob I/O needs the rowid).
/// </para>
/// <para>
/// The scan sums one byte of each value, as the peers suite's does, which the other engines copy out whole; LMDB
/// hands its values out in place in its map, where one byte would read one page of a value, so its scan copies
/// each value out first, as its get does.
/// </para>
/// <para>
/// The run is the peers suite's: a worker process per engine and case (so peak memory is the engine's, on that
/// case), rounds with the engines' order alternating, the ratios Packtree ÷ engine taken per round and reported as
/// their median and spread, undecided when the rounds disagree.
/// </para>
/// </remarks>
public static class ValuesSuite
{
    /// <summary>The default value sizes: 4 KiB, 64 KiB and 1 MiB.</summary>
    public static readonly int[] DefaultSizes = [4096, 65536, 1 << 20];

    public static BenchDocument Run(BenchSettings settings)
    {
        var sizes = settings.ValueSizes ?? DefaultSizes;
        var totalBytes = (long)(settings.ValueMib ?? (settings.Quick ? 16 : 256)) << 20;
        var streamBytes = (long)(settings.StreamMib ?? (settings.Quick ? 64 : 1024)) << 20;
        var rounds = settings.Rounds ?? (settings.Quick ? 2 : 3);
        var engines = ValueEngines.All.Select(e => e.Name).ToList();
        var streaming = ValueEngines.All.Where(e => e.Streams).Select(e => e.Name).ToList();
        var cases = sizes.SelectMany(size => new[] { new ValueCase(size, ValueData.Random), new ValueCase(size, ValueData.Text) }).ToList();
        var document = new BenchDocument("values");
        document.Add("all", "workload", "value_bytes_per_case", totalBytes, "bytes");
        document.Add("all", "workload", "stream_bytes", streamBytes, "bytes");
        document.Add("all", "workload", "rounds", rounds, "rounds");
        var figures = new PeerFigures();
        var skipped = new Dictionary<(string Case, string Engine), string>();
        var durability = new Dictionary<string, string>();
        AnsiConsole.Progress().AutoClear(false).Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new ElapsedTimeColumn()).Start(progress =>
        {
            foreach (var @case in cases)
            {
                var count = Math.Max(1, totalBytes / @case.ValueBytes);
                RunCase(progress.AddTask($"{@case.Name}: {count:N0} values", maxValue: rounds * ValueSteps.Round.Length), @case.Name,
                    [.. engines.Where(e => ValueEngines.RunsOn(e, @case.ValueBytes))], ValueSteps.Round, totalBytes);
            }
            RunCase(progress.AddTask($"streaming {ValueCase.SizeName(streamBytes)}", maxValue: rounds), ValueSteps.StreamCase, streaming, [ValueSteps.Stream], streamBytes);
        });

        void RunCase(ProgressTask task, string @case, List<string> names, string[] steps, long bytes)
        {
            var label = task.Description;
            var workers = new Dictionary<string, PeerProcess>();
            void End(string engine, string reason)
            {
                skipped[(@case, engine)] = reason;
                figures.Remove(@case, engine);
                if (workers.Remove(engine, out var worker)) worker.Dispose();
            }
            try
            {
                foreach (var engine in names) workers[engine] = PeerProcess.StartCommand(engine, ValuesWorker.Arguments(engine, @case, bytes, settings.Quick));
                foreach (var (engine, results) in PeerRounds.Run(workers, names, steps, rounds, @case, figures, task, label, End))
                {
                    if (results.FirstOrDefault(f => f.Metric == "durability").Unit is { Length: > 0 } setting) durability[engine] = setting;
                }
            }
            finally
            {
                foreach (var worker in workers.Values) worker.Dispose();
            }
        }

        var ratios = cases.ToDictionary(c => c.Name, ZstdRatio.Of);
        var results = new ValuesResults(figures, engines, rounds);
        results.AddTo(document, cases, ratios, streaming, skipped, durability);
        ValuesReport.Print(document, results, cases, ratios, streaming, totalBytes, streamBytes, skipped, durability);
        ValuesReport.WriteCharts(document, sizes, engines, settings);
        return document;
    }
}
