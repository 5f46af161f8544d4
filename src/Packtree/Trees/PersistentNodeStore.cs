using Packtree.Codegen;
using Packtree.Nodes;
using Packtree.Storage;

namespace Packtree.Trees;

/// <summary>
/// Nodes in the store file, with a cache. A node is read through the codec with full validation (the
/// format's rules and the trees', <see cref="TreeKeyRules"/>) the first time a pointer leads to it, and
/// kept in a slot; pointers carry the slot as their cache hint.
/// Dirty nodes stay; clean nodes unused for longest are evicted when the cache passes its budget.
/// Node writes go to node-sized buckets: a node's later writes are appended in its bucket (as in
/// bcachefs); a rewritten, split or merged node goes to a new bucket.
/// </summary>
/// <remarks>Loads may run on many reader threads at once: the slot table is guarded by a lock and published by replacing its array.</remarks>
internal sealed class PersistentNodeStore : NodeStore
{
    private readonly StorageDevice _device;
    private readonly long _nodeAreaOffset;
    private readonly long _cacheBudget;
    private readonly object _lock = new();
    private readonly Stack<int> _freeSlots = new();
    private readonly Dictionary<ulong, int> _slotBySector = [];
    private readonly byte[] _scratch;
    private readonly TreeKeyRules _rules;
    private BtreeNode?[] _slots = new BtreeNode?[64];
    private int _slotCount;
    private long _clock;

    /// <summary>A store of nodes for <paramref name="codec"/> in <paramref name="device"/>, buckets from <paramref name="nodeAreaOffset"/>.</summary>
    public PersistentNodeStore(StorageDevice device, NodeCodec codec, KeyCodecOptions options, long nodeAreaOffset, long cacheBudgetBytes)
    {
        _device = device;
        Codec = codec;
        CodecOptions = options;
        _nodeAreaOffset = nodeAreaOffset;
        _cacheBudget = cacheBudgetBytes;
        _scratch = new byte[codec.Geometry.NodeBytes];
        _rules = new TreeKeyRules(codec.Geometry, nodeAreaOffset, () => device.Length);
    }

    /// <inheritdoc />
    public override NodeCodec Codec { get; }

    /// <inheritdoc />
    public override KeyCodecOptions CodecOptions { get; }

    /// <summary>Buckets of the file.</summary>
    public BucketAllocator Buckets { get; } = new();

    /// <inheritdoc />
    public override int NodeCount => _slotCount - _freeSlots.Count;

    /// <summary>Whether every node of the trees is held here (false: nodes are read from disk on demand).</summary>
    public override bool HoldsAllNodes => false;

    /// <summary>Nodes read from the device since the store opened.</summary>
    public long NodesRead { get; private set; }

    /// <summary>Nodes dropped from the cache since the store opened.</summary>
    public long NodesEvicted { get; private set; }

    /// <summary>Bytes of nodes the cache may hold; dirty nodes count too (the store writes them back beyond it).</summary>
    public long CacheBudget => _cacheBudget;

    /// <summary>Bytes of nodes in the cache.</summary>
    public long CachedBytes => (long)NodeCount * Codec.Geometry.NodeBytes;

    /// <summary>Starts an operation: nodes it touches are not evicted while it runs.</summary>
    public override void BeginOperation() => Interlocked.Increment(ref _clock);

    /// <inheritdoc />
    public override BtreeNode? TryGetCached(ulong cacheSlot, ulong seq)
    {
        var slots = Volatile.Read(ref _slots);
        var slot = cacheSlot - 1;
        if (slot >= (ulong)slots.Length) return null;
        var node = slots[slot];
        if (node is null || node.Seq != seq) return null;
        node.LastUsed = Volatile.Read(ref _clock);
        return node;
    }

    /// <inheritdoc />
    public override BtreeNode Load(in BtreePointer pointer, NodeExpectation expected)
    {
        lock (_lock)
        {
            if (_slotBySector.TryGetValue(pointer.Sector, out var existing) && _slots[existing] is { } cached && cached.Seq == pointer.Seq)
            {
                cached.LastUsed = _clock;
                return cached;
            }
            if (pointer.Sector == 0) throw new InvalidOperationException($"Btree {expected.BtreeId}: the pointer to the node at level {expected.Level}, {expected.RangeText}, names no place and the node is not in memory.");
            var offset = (long)pointer.Sector * NodeGeometry.SectorBytes;
            _device.Read(offset, _scratch);
            var node = BtreeNode.Read(Codec, _scratch, pointer.Seq, pointer.SectorsWritten, $"at byte {offset} of the store file", CodecOptions, expected, rules: _rules, fileOffset: offset);
            node.Address = pointer.Sector;
            node.LastUsed = _clock;
            Place(node);
            NodesRead++;
            EvictOverBudget();
            return node;
        }
    }

    /// <inheritdoc />
    public override BtreePointer Add(BtreeNode node)
    {
        lock (_lock)
        {
            node.LastUsed = _clock;
            Place(node);
            EvictOverBudget();
            return PointerFor(node);
        }
    }

    /// <inheritdoc />
    public override BtreePointer Update(BtreeNode node)
    {
        lock (_lock)
        {
            if (node.Handle < 0 || !ReferenceEquals(_slots[node.Handle], node)) throw new InvalidOperationException("The node is not in this store's cache.");
            if (node.WrittenSectors == 0 && node.Address != 0) MoveOut(node); // rewritten: its next write goes to a new bucket
            return PointerFor(node);
        }
    }

    /// <inheritdoc />
    public override void Free(BtreeNode node)
    {
        lock (_lock)
        {
            if (node.Address != 0) MoveOut(node);
            var cached = node.Handle >= 0 && ReferenceEquals(_slots[node.Handle], node);
            if (cached)
            {
                _slots[node.Handle] = null;
                _freeSlots.Push(node.Handle);
            }
            node.Handle = -1;
            // An evicted node may still be in a reader's hands (eviction happens under the read lock); its buffer is left to the GC.
            if (cached) node.Release();
        }
    }

    /// <summary>The pointer a parent holds for <paramref name="node"/>.</summary>
    public BtreePointer PointerFor(BtreeNode node) =>
        new((ulong)(node.Handle + 1), node.Seq, (ushort)node.WrittenSectors, 0, node.Header.MinKey, node.Address);

    /// <summary>Dirty nodes of btree <paramref name="btreeId"/> at <paramref name="level"/>, in key order.</summary>
    public List<BtreeNode> DirtyNodes(uint btreeId, int level)
    {
        lock (_lock)
        {
            var dirty = new List<BtreeNode>();
            for (var i = 0; i < _slotCount; i++)
            {
                if (_slots[i] is { } node && node.Header.BtreeId == btreeId && node.Header.Level == level && node.IsDirty) dirty.Add(node);
            }
            dirty.Sort((a, b) => Keys.KeyFields.Compare(a.Header.MinKey, b.Header.MinKey));
            return dirty;
        }
    }

    /// <summary>
    /// Writes what <paramref name="node"/> holds that is not on disk: appended in its bucket, or — for a
    /// new node, or one whose log is full (rewritten first) — as a first write to a new bucket. Returns
    /// the pointer its parent must now hold, or null when there was nothing to write.
    /// </summary>
    public BtreePointer? Write(BtreeNode node)
    {
        lock (_lock)
        {
            // A node's log keeps every version of its keys until it is rewritten; once it takes over twice
            // what its live keys need, or the next write does not fit, the node is compacted to a new bucket.
            var logBytes = (long)node.WrittenSectors * NodeGeometry.SectorBytes;
            if (node.Address != 0 && (!node.NextWriteFits() || logBytes > 2L * (node.LiveBytes + Codec.Geometry.BlockBytes + node.Header.Bytes))) Rehome(node);
            if (node.Address == 0)
            {
                var bucket = Buckets.Allocate();
                node.Address = (ulong)((_nodeAreaOffset + bucket * Codec.Geometry.NodeBytes) / NodeGeometry.SectorBytes);
                _slotBySector[node.Address] = node.Handle;
            }
            var before = node.WrittenSectors;
            var sectors = node.Write(_scratch);
            if (sectors == 0) return null;
            var start = before * NodeGeometry.SectorBytes;
            _device.Write((long)node.Address * NodeGeometry.SectorBytes + start, _scratch.AsSpan(start, sectors * NodeGeometry.SectorBytes));
            return PointerFor(node);
        }
    }

    /// <summary>A checkpoint is durable: buckets freed before it become free, their space given back to the file system.</summary>
    public void CheckpointDone() =>
        Buckets.CheckpointDone(bucket => _device.Discard(_nodeAreaOffset + bucket * Codec.Geometry.NodeBytes, Codec.Geometry.NodeBytes));

    /// <summary>The bucket number of a node address.</summary>
    public long BucketOf(ulong sector) => ((long)sector * NodeGeometry.SectorBytes - _nodeAreaOffset) / Codec.Geometry.NodeBytes;

    private void MoveOut(BtreeNode node)
    {
        _slotBySector.Remove(node.Address);
        Buckets.Release(BucketOf(node.Address));
        node.Address = 0;
    }

    private void Place(BtreeNode node)
    {
        if (node.Handle >= 0) throw new InvalidOperationException($"The node already has slot {node.Handle}.");
        int slot;
        if (_freeSlots.Count > 0) slot = _freeSlots.Pop();
        else
        {
            if (_slotCount == _slots.Length)
            {
                var grown = new BtreeNode?[_slots.Length * 2];
                _slots.CopyTo(grown, 0);
                Volatile.Write(ref _slots, grown); // readers keep the old array or see the new one whole
            }
            slot = _slotCount++;
        }
        _slots[slot] = node;
        node.Handle = slot;
        if (node.Address != 0) _slotBySector[node.Address] = slot;
    }

    /// <summary>
    /// Takes <paramref name="node"/> off the disk: its bucket is released and its next write is a first
    /// write to a new bucket (for a root left empty, which needs no node on disk).
    /// </summary>
    public void Unplace(BtreeNode node)
    {
        lock (_lock)
        {
            if (node.Address != 0) Rehome(node);
        }
    }

    /// <summary>Rewrites <paramref name="node"/> and gives up its bucket: its next write is a first write to a new one.</summary>
    private void Rehome(BtreeNode node)
    {
        node.Rewrite();
        MoveOut(node);
    }

    /// <summary>Drops clean nodes unused for longest until the cache is a tenth under budget; never a node of the running operation.</summary>
    public void EvictIfOverBudget()
    {
        lock (_lock) EvictOverBudget();
    }

    private void EvictOverBudget()
    {
        if (CachedBytes <= _cacheBudget) return;
        var target = _cacheBudget - _cacheBudget / 10;
        var candidates = new List<(long LastUsed, int Level, int Slot)>();
        var now = _clock;
        for (var i = 0; i < _slotCount; i++)
        {
            // Never a root (the only nodes covering every position): the tree holds it across operations.
            if (_slots[i] is { } node && node.LastUsed < now && !node.IsDirty && node.Address != 0 && !(node.Header.MinKey.AsSpan().IndexOfAnyExcept(0UL) < 0 && Keys.KeyFields.IsMax(node.Header.Schema, node.Header.MaxKey)))
                candidates.Add((node.LastUsed, node.Header.Level, i));
        }
        // Leaves first, then by age: interior nodes are few and every descent needs them.
        candidates.Sort((a, b) => a.Level != b.Level ? a.Level.CompareTo(b.Level) : a.LastUsed.CompareTo(b.LastUsed));
        foreach (var (_, _, slot) in candidates)
        {
            if (CachedBytes <= target) break;
            var node = _slots[slot]!;
            _slots[slot] = null;
            _freeSlots.Push(slot);
            _slotBySector.Remove(node.Address);
            node.Handle = -1;
            NodesEvicted++;
        }
    }
}
