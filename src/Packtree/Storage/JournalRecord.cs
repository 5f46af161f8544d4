using Packtree.Keys;

namespace Packtree.Storage;

/// <summary>What a journal record does.</summary>
public enum JournalOp : byte
{
    /// <summary>A value put at a position.</summary>
    Put = 1,

    /// <summary>A position deleted.</summary>
    Delete = 2,
}

/// <summary>One update of a commit, as the journal holds it.</summary>
/// <param name="Op">Put or delete.</param>
/// <param name="TreeId">The tree's btree id.</param>
/// <param name="Key">The position.</param>
/// <param name="Value">The value (empty for a delete).</param>
public readonly record struct JournalRecord(JournalOp Op, uint TreeId, Bpos Key, ReadOnlyMemory<byte> Value);
