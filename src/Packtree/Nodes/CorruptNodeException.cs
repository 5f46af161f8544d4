namespace Packtree.Nodes;

/// <summary>
/// A node's bytes break a rule of the on-disk format. The message and the properties say which node,
/// which bset, which byte offset within the node, and which rule.
/// </summary>
public sealed class CorruptNodeException : Exception
{
    /// <summary>Creates the exception.</summary>
    public CorruptNodeException(string node, int bset, int byteOffset, string rule, Exception? inner = null)
        : base($"Corrupt btree node {node}: bset {bset} at byte {byteOffset}: {rule}", inner)
    {
        Node = node;
        Bset = bset;
        ByteOffset = byteOffset;
        Rule = rule;
    }

    /// <summary>Which node (as the caller names it, e.g. its address).</summary>
    public string Node { get; }

    /// <summary>Index of the write (bset) in the node's log, 0 for the first.</summary>
    public int Bset { get; }

    /// <summary>Byte offset within the node where the violation was found.</summary>
    public int ByteOffset { get; }

    /// <summary>The rule that was broken.</summary>
    public string Rule { get; }
}
