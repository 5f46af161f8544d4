namespace Packtree.Bench.Peers;

/// <summary>The workloads of the peers suite, and the steps of one round in the order every worker runs them.</summary>
public static class PeerSteps
{
    /// <summary>The measured workloads, in the order of the report.</summary>
    public static readonly string[] Workloads = ["fillseq", "fillrandom", "overwrite", "readrandom", "readseq", "readreverse", "fillsync", "ycsb_a", "ycsb_b", "ycsb_c", "ycsb_e", "ycsb_f"];

    /// <summary>Closes and deletes the store <c>fillrandom</c> made (not timed).</summary>
    public const string Close = "close";

    /// <summary>Ends the worker, which answers with its peak working set and durability settings.</summary>
    public const string Quit = "quit";

    /// <summary>
    /// One round, in order. <c>fillseq</c> and <c>fillsync</c> each fill a store of their own, made and
    /// deleted within the step. <c>fillrandom</c> makes the round's store, and every step after it up to
    /// <see cref="Close"/> runs on what the steps before left, as db_bench runs its workloads one after another:
    /// overwrite and the YCSB updates rewrite the keys fillrandom put, YCSB E inserts keys beyond them.
    /// </summary>
    public static readonly string[] Round = ["fillseq", "fillrandom", "overwrite", "readrandom", "readseq", "readreverse", "ycsb_a", "ycsb_b", "ycsb_c", "ycsb_e", "ycsb_f", Close, "fillsync"];

    /// <summary>The workloads with a fillrandom by each of <paramref name="writers"/> writer threads after fillrandom's.</summary>
    public static IReadOnlyList<string> WorkloadsWith(IReadOnlyList<int> writers) => [.. Workloads[..2], .. writers.Select(WritersFill), .. Workloads[2..]];

    /// <summary>A round with a fillrandom by each of <paramref name="writers"/> writer threads, each on a store of its own, after fillseq.</summary>
    public static IReadOnlyList<string> RoundWith(IReadOnlyList<int> writers) => [Round[0], .. writers.Select(WritersFill), .. Round[1..]];

    /// <summary>The fillrandom by <paramref name="writers"/> threads: the keys of fillrandom, split between the threads.</summary>
    public static string WritersFill(int writers) => $"fillrandom_{writers}w";

    /// <summary>The writer threads of a step that is a fillrandom by several (see <see cref="WritersFill"/>); 0 for any other step.</summary>
    public static int WritersOf(string step) =>
        step.StartsWith("fillrandom_", StringComparison.Ordinal) && step.EndsWith('w') && int.TryParse(step.AsSpan(11, step.Length - 12), out var writers) && writers is >= 2 and <= 64 ? writers : 0;

    /// <summary>YCSB operations and fillsync commits for a run of <paramref name="count"/> keys.</summary>
    public static (int Ycsb, int Sync) Sizes(int count, bool quick) => (Math.Max(1000, count / 4), Math.Max(quick ? 100 : 1000, count / 1000));
}
