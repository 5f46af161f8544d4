using Packtree.Codegen;
using Packtree.Nodes;

namespace Packtree.Trees;

/// <summary>
/// Nodes held as objects in a slot table: a pointer's cache slot is the slot number plus one, its
/// sector a made-up address (slot times node sectors) that keeps pointers well formed.
/// </summary>
internal sealed class InMemoryNodeStore : NodeStore
{
    private readonly List<BtreeNode?> _slots = [];
    private readonly Stack<int> _free = new();

    /// <summary>A store for nodes of <paramref name="codec"/>, read through keys per <paramref name="options"/>.</summary>
    public InMemoryNodeStore(NodeCodec codec, KeyCodecOptions? options = null)
    {
        Codec = codec;
        CodecOptions = options ?? KeyCodecOptions.Default;
    }

    /// <inheritdoc />
    public override NodeCodec Codec { get; }

    /// <inheritdoc />
    public override KeyCodecOptions CodecOptions { get; }

    /// <inheritdoc />
    public override int NodeCount => _slots.Count - _free.Count;

    /// <inheritdoc />
    public override BtreeNode? TryGetCached(ulong cacheSlot, ulong seq)
    {
        var slot = cacheSlot - 1;
        if (slot >= (ulong)_slots.Count) return null;
        var node = _slots[(int)slot];
        return node is not null && node.Seq == seq ? node : null;
    }

    /// <inheritdoc />
    public override BtreeNode Load(in BtreePointer pointer, NodeExpectation expected) =>
        TryGetCached(pointer.CacheSlot, pointer.Seq)
        ?? throw new InvalidOperationException($"No node with seq {pointer.Seq:x16} at slot {pointer.CacheSlot} (level {expected.Level}, {expected.RangeText}): the pointer is stale.");

    /// <inheritdoc />
    public override BtreePointer Add(BtreeNode node)
    {
        if (node.Handle >= 0) throw new InvalidOperationException($"The node already has slot {node.Handle}.");
        int slot;
        if (_free.Count > 0) _slots[slot = _free.Pop()] = node;
        else
        {
            slot = _slots.Count;
            _slots.Add(node);
        }
        node.Handle = slot;
        return PointerFor(node);
    }

    /// <inheritdoc />
    public override BtreePointer Update(BtreeNode node)
    {
        if (node.Handle < 0 || !ReferenceEquals(_slots[node.Handle], node)) throw new InvalidOperationException("The node is not in this store.");
        return PointerFor(node);
    }

    /// <inheritdoc />
    public override void Free(BtreeNode node)
    {
        if (node.Handle < 0 || !ReferenceEquals(_slots[node.Handle], node)) throw new InvalidOperationException("The node is not in this store.");
        _slots[node.Handle] = null;
        _free.Push(node.Handle);
        node.Handle = -1;
        node.Release();
    }

    private BtreePointer PointerFor(BtreeNode node) =>
        new((ulong)node.Handle + 1, node.Seq, (ushort)node.WrittenSectors, 0, node.Header.MinKey, (ulong)node.Handle * (ulong)Codec.Geometry.NodeSectors);
}
