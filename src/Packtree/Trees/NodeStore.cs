using Packtree.Codegen;
using Packtree.Nodes;

namespace Packtree.Trees;

/// <summary>
/// Where a tree's nodes live. The tree asks it for the node behind a pointer, hands it every new node
/// (getting the pointer its parent will hold) and returns the nodes it no longer uses. The in-memory
/// store keeps nodes as objects; a persistent store writes, caches and reads them back.
/// </summary>
internal abstract class NodeStore
{
    /// <summary>The codec (geometry, magic, checksum) of this store's nodes.</summary>
    public abstract NodeCodec Codec { get; }

    /// <summary>How nodes read their keys (unpack strategy, compile threshold).</summary>
    public abstract KeyCodecOptions CodecOptions { get; }

    /// <summary>
    /// The node a pointer names, when it is in memory and still the node the pointer was made for
    /// (same seq); null otherwise. The fast path of every descent: two words of the pointer, no parsing.
    /// </summary>
    public abstract BtreeNode? TryGetCached(ulong cacheSlot, ulong seq);

    /// <summary>The node a pointer names, loaded if need be, checked against what the parent implies.</summary>
    /// <exception cref="InvalidOperationException">The pointer names no node of this store.</exception>
    public abstract BtreeNode Load(in BtreePointer pointer, NodeExpectation expected);

    /// <summary>Takes a new node into the store; returns the pointer its parent must hold.</summary>
    public abstract BtreePointer Add(BtreeNode node);

    /// <summary>The pointer for a node already in the store whose identity changed in place (a rewrite gives it a new seq).</summary>
    public abstract BtreePointer Update(BtreeNode node);

    /// <summary>Drops a node the tree no longer points to.</summary>
    public abstract void Free(BtreeNode node);

    /// <summary>Number of nodes the store holds (in memory).</summary>
    public abstract int NodeCount { get; }

    /// <summary>Whether every node of the trees is held here, so that <see cref="NodeCount"/> counts them all.</summary>
    public virtual bool HoldsAllNodes => true;

    /// <summary>Starts a tree operation (a store that evicts nodes keeps those the operation touches).</summary>
    public virtual void BeginOperation()
    {
    }
}
