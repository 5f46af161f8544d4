namespace Packtree;

/// <summary>
/// A node's bytes break a rule of the on-disk format. The message and the properties say which node,
/// which bset, which byte offset within the node, and which rule; <see cref="CorruptStoreException.FileOffset"/>
/// is that byte's offset in the store file when the reader knows where the node lies.
/// </summary>
public sealed class CorruptNodeException : CorruptStoreException
{
    /// <summary>Creates the exception.</summary>
    internal CorruptNodeException(string node, int bset, int byteOffset, string rule, Exception? inner = null)
        : this(node, nodeFileOffset: null, bset, byteOffset, rule, inner)
    {
    }

    /// <summary>Creates the exception for a node that starts at byte <paramref name="nodeFileOffset"/> of the store file (null: unknown).</summary>
    internal CorruptNodeException(string node, long? nodeFileOffset, int bset, int byteOffset, string rule, Exception? inner = null)
        : base($"Corrupt btree node {node}: bset {bset} at byte {byteOffset}: {rule}", StorePart.Node, nodeFileOffset + byteOffset, rule, inner)
    {
        Node = node;
        Bset = bset;
        ByteOffset = byteOffset;
    }

    /// <summary>Which node (as the caller names it, e.g. its address).</summary>
    public string Node { get; }

    /// <summary>Index of the write (bset) in the node's log, 0 for the first.</summary>
    public int Bset { get; }

    /// <summary>Byte offset within the node where the violation was found.</summary>
    public int ByteOffset { get; }
}
