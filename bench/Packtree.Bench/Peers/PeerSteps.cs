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

    /// <summary>YCSB operations and fillsync commits for a run of <paramref name="count"/> keys.</summary>
    public static (int Ycsb, int Sync) Sizes(int count, bool quick) => (Math.Max(1000, count / 4), Math.Max(quick ? 100 : 1000, count / 1000));
}
