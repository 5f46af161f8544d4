using Packtree.Keys;

namespace Packtree.Storage;

/// <summary>What a journal record does.</summary>
internal enum JournalOp : byte
{
    /// <summary>A value put at a key.</summary>
    Put = 1,

    /// <summary>A key deleted.</summary>
    Delete = 2,

    /// <summary>A tree created: the record's value is its UTF-8 name (after its key schema, for trees of other keys than positions), its tree id the new tree's.</summary>
    CreateTree = 3,
}

/// <summary>One update of a commit, as the journal holds it.</summary>
/// <param name="Op">Put, delete or tree creation.</param>
/// <param name="TreeId">The tree's btree id.</param>
/// <param name="Key">The key fields (a position's three for position trees; empty for a tree creation).</param>
/// <param name="WideKey">Whether the key is kept as words before the value (trees of keys other than positions) rather than as a bpos in the record header.</param>
/// <param name="Value">The value (empty for a delete; the name for a tree creation).</param>
/// <param name="Schema">For a tree creation, the new tree's key schema.</param>
/// <param name="Reference">For a put, whether the value is a reference to a value kept out of line (its extents are records of the same commit).</param>
/// <param name="Settings">For a tree creation, the new tree's settings.</param>
internal readonly record struct JournalRecord(JournalOp Op, uint TreeId, ulong[] Key, bool WideKey, ReadOnlyMemory<byte> Value, KeySchema? Schema = null, bool Reference = false, TreeSettings Settings = default)
{
    /// <summary>A record of a position tree's update.</summary>
    public JournalRecord(JournalOp op, uint treeId, Bpos key, ReadOnlyMemory<byte> value)
        : this(op, treeId, KeyFields.FromPosition(key), false, value)
    {
    }

    /// <summary>Bytes of the record's value area: the value, with the key words first for a wide key, the schema description first for a tree creation.</summary>
    public int PayloadBytes => Value.Length + (WideKey ? 8 * Key.Length : 0) + (Schema is { IsPositions: false } s ? 1 + 1 + 3 * s.Components.Count : 0) + (Settings.IsDefault ? 0 : TreeSettings.Bytes);
}
