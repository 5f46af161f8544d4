namespace Packtree.Nodes;

/// <summary>One in-memory bset of a node: where its keys lie in the node buffer, whether it is on disk, and its aux structure.</summary>
internal sealed class BsetState
{
    private readonly int _keysEnd;

    /// <summary>A bset that will not change: a read-only aux tree.</summary>
    public BsetState(int keysStart, int keysEnd, bool written, ReadOnlyAuxTree tree, ulong journalSeq)
    {
        KeysStart = keysStart;
        _keysEnd = keysEnd;
        Written = written;
        ReadOnly = tree;
        JournalSeq = journalSeq;
    }

    /// <summary>The last, unwritten bset that takes inserts: a read-write aux table.</summary>
    public BsetState(WritableBset writable, ulong journalSeq)
    {
        KeysStart = writable.KeysStart;
        Writable = writable;
        JournalSeq = journalSeq;
    }

    public int KeysStart { get; }

    public int KeysEnd => Writable?.KeysEnd ?? _keysEnd;

    /// <summary>Whether these keys are on disk already.</summary>
    public bool Written { get; }

    public ReadOnlyAuxTree? ReadOnly { get; }

    public WritableBset? Writable { get; }

    /// <summary>Bytes of keys marked deleted in place since the bset was built (overwritten or deleted elsewhere).</summary>
    public int DeadBytes { get; set; }

    /// <summary>Highest journal sequence number of the updates in this bset.</summary>
    public ulong JournalSeq { get; set; }
}
