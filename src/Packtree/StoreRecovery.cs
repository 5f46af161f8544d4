namespace Packtree;

/// <summary>What opening a store found and did.</summary>
/// <param name="SuperblockCopy">The superblock copy used (0 or 1).</param>
/// <param name="Generation">Its generation (checkpoints over the store's life).</param>
/// <param name="CheckpointSeq">The last commit its checkpoint holds.</param>
/// <param name="Reason">Why that copy: the newest valid one, or why the newer could not be used.</param>
/// <param name="CommitsReplayed">Commits after the checkpoint replayed from the journal.</param>
/// <param name="LastCommit">The last commit the store holds.</param>
/// <param name="LostCommits">Commits the journal shows were made but could not be read back (first, last), or null: after damage (salvage), or unacknowledged ones a power cut left out of order.</param>
/// <param name="LossReason">What was found where the first lost commit belongs.</param>
public sealed record StoreRecovery(int SuperblockCopy, ulong Generation, ulong CheckpointSeq, string Reason, ulong CommitsReplayed, ulong LastCommit,
    (ulong First, ulong Last)? LostCommits, string? LossReason)
{
    internal static StoreRecovery InMemory { get; } = new(0, 0, 0, "in memory", 0, 0, null, null);

    /// <summary>Whether the newer superblock copy could not be used and the older one was (a sign of damage worth checking).</summary>
    public bool UsedOlderCopy { get; init; }

    /// <summary>One line per fact, for tools.</summary>
    public IEnumerable<string> Lines()
    {
        yield return $"superblock copy {SuperblockCopy} (generation {Generation}, checkpoint at commit {CheckpointSeq}) used: {Reason}";
        yield return $"journal: {CommitsReplayed} commits after the checkpoint replayed; last commit {LastCommit}";
        if (LostCommits is { } lost) yield return $"commits {lost.First} to {lost.Last} lost: {LossReason}";
    }
}
