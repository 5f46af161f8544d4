namespace Packtree;

/// <summary>Which part of a store file a <see cref="CorruptStoreException"/> found damaged.</summary>
public enum StorePart
{
    /// <summary>A superblock copy (both, when neither can be used): geometry, checkpoint, the list of trees.</summary>
    Superblock,

    /// <summary>An entry of the journal: commits after the last checkpoint.</summary>
    Journal,

    /// <summary>A btree node's bytes (see <see cref="CorruptNodeException"/>).</summary>
    Node,

    /// <summary>
    /// A tree as a whole, where no single node is at fault: its key count in the superblock against its
    /// leaves, or its nodes' places against each other's (a bucket claimed twice).
    /// </summary>
    Tree,

    /// <summary>The bytes of a value kept out of line, in a data bucket: they fail their checksum.</summary>
    Data,
}
