using Packtree.Nodes;

namespace Packtree.Bcachefs;

/// <summary>A node read and verified, ready for cursors: its leaf keys unpacked, or its children's pointers.</summary>
internal sealed class LoadedNode(NodeImage image, long byteOffset, BcachefsKey[]? keys, BtreePointer[]? children)
{
    /// <summary>The node as the codec read it.</summary>
    public NodeImage Image { get; } = image;

    /// <summary>Where the node starts in the image.</summary>
    public long ByteOffset { get; } = byteOffset;

    /// <summary>A leaf's keys, in order (null for an interior node).</summary>
    public BcachefsKey[]? Keys { get; } = keys;

    /// <summary>An interior node's child pointers, in order (null for a leaf).</summary>
    public BtreePointer[]? Children { get; } = children;
}
