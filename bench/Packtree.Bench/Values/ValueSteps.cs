namespace Packtree.Bench.Values;

/// <summary>The workloads of the values suite, and the steps of one round in the order every worker runs them.</summary>
public static class ValueSteps
{
    /// <summary>The measured workloads of a case, in the order of the report.</summary>
    public static readonly string[] Workloads = ["put", "get", "scan", "overwrite"];

    /// <summary>Closes and deletes the case's store (not timed).</summary>
    public const string Close = "close";

    /// <summary>
    /// One round of a case: <c>put</c> fills a new store in random key order, <c>get</c> reads every key once in
    /// another random order, <c>scan</c> reads them all in key order, <c>overwrite</c> puts every key once more in a
    /// third random order and then counts the bytes on disk; <see cref="Close"/> deletes the store.
    /// </summary>
    public static readonly string[] Round = ["put", "get", "scan", "overwrite", Close];

    /// <summary>The one step of a streaming round: a value put from a stream, read back and deleted.</summary>
    public const string Stream = "stream";

    /// <summary>The case name of a streaming worker.</summary>
    public const string StreamCase = "stream";
}
