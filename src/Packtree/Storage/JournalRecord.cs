using Packtree.Keys;

namespace Packtree.Storage;

/// <summary>What a journal record does.</summary>
internal enum JournalOp : byte
{
    /// <summary>A value put at a position.</summary>
    Put = 1,

    /// <summary>A position deleted.</summary>
    Delete = 2,

    /// <summary>A tree created: the record's value is its UTF-8 name, its tree id the new tree's.</summary>
    CreateTree = 3,
}

/// <summary>One update of a commit, as the journal holds it.</summary>
/// <param name="Op">Put, delete or tree creation.</param>
/// <param name="TreeId">The tree's btree id.</param>
/// <param name="Key">The position (zero for a tree creation).</param>
/// <param name="Value">The value (empty for a delete; the name for a tree creation).</param>
internal readonly record struct JournalRecord(JournalOp Op, uint TreeId, Bpos Key, ReadOnlyMemory<byte> Value);
