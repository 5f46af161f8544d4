namespace Packtree.Diagnostics;

/// <summary>One of the two superblock copies of a store file, as read: the newer valid one is used when the store opens.</summary>
public sealed class SuperblockCopyReport
{
    internal SuperblockCopyReport(int slot, ulong generation, ulong checkpointSeq, string? problem)
    {
        Slot = slot;
        Generation = generation;
        CheckpointSeq = checkpointSeq;
        Problem = problem;
    }

    /// <summary>The copy's slot, 0 or 1.</summary>
    public int Slot { get; }

    /// <summary>Whether the copy is valid (it may still be the older one).</summary>
    public bool IsValid => Problem is null;

    /// <summary>The copy's generation (checkpoints over the store's life); 0 when it is not valid.</summary>
    public ulong Generation { get; }

    /// <summary>The last commit the copy's checkpoint holds; 0 when it is not valid.</summary>
    public ulong CheckpointSeq { get; }

    /// <summary>Why the copy is not valid, with its location ("at byte 0: not written", a checksum or a field that makes no sense); null when it is valid.</summary>
    public string? Problem { get; }

    /// <summary>The copy as one line.</summary>
    public override string ToString() => Problem is null
        ? $"superblock copy {Slot}: generation {Generation}, checkpoint at commit {CheckpointSeq}"
        : $"superblock copy {Slot} {Problem}" + (Problem.EndsWith("not written", StringComparison.Ordinal) ? "" : " (the other copy is used; an interrupted checkpoint leaves this)");
}
