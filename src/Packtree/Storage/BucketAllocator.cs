namespace Packtree.Storage;

/// <summary>
/// Node buckets of the store file: one node-sized bucket per node, numbered from the node area's
/// start. Free buckets are reused lowest first. A bucket freed since the last checkpoint stays reserved
/// for two more checkpoints: until the next one, the last checkpoint's trees may point to it, and until
/// the one after, the older superblock copy's trees may — that copy is the fallback when the newer one
/// is damaged, so nothing it reaches is overwritten while it is a copy.
/// </summary>
internal sealed class BucketAllocator
{
    private readonly SortedSet<long> _free = [];
    private readonly List<long> _freedSinceCheckpoint = [];
    private readonly List<long> _heldForOlderCopy = [];
    private readonly HashSet<long> _used = [];

    /// <summary>Buckets the file has (in use or free).</summary>
    public long BucketCount { get; private set; }

    /// <summary>Buckets in use by nodes.</summary>
    public int UsedCount => _used.Count;

    /// <summary>Buckets free for reuse now.</summary>
    public int FreeCount => _free.Count;

    /// <summary>Buckets freed since the last checkpoint, reused after the next.</summary>
    public int PendingCount => _freedSinceCheckpoint.Count + _heldForOlderCopy.Count;

    /// <summary>
    /// Starts from the buckets the trees use (found by walking them) and those only the older superblock
    /// copy's trees use (held until the next checkpoint); every other bucket of the file is free.
    /// </summary>
    /// <exception cref="CorruptStoreException">A bucket is used twice, or lies outside the file's <paramref name="bucketCount"/> buckets (<see cref="StorePart.Tree"/>).</exception>
    public void Reset(IEnumerable<long> used, IEnumerable<long> usedByOlderCopy, long bucketCount)
    {
        _free.Clear();
        _freedSinceCheckpoint.Clear();
        _heldForOlderCopy.Clear();
        _used.Clear();
        foreach (var bucket in used)
        {
            if (bucket < 0 || bucket >= bucketCount)
                throw new CorruptStoreException($"Node bucket {bucket} lies outside the store file's {bucketCount} buckets.", StorePart.Tree, null, $"a pointer names node bucket {bucket}, outside the file's {bucketCount}");
            if (!_used.Add(bucket)) throw new CorruptStoreException($"Node bucket {bucket} is used by two nodes.", StorePart.Tree, null, $"node bucket {bucket} is used by two nodes");
        }
        var held = new HashSet<long>(usedByOlderCopy.Where(b => !_used.Contains(b) && b >= 0 && b < bucketCount));
        _heldForOlderCopy.AddRange(held.Order());
        var highest = _used.Concat(held).DefaultIfEmpty(-1).Max();
        BucketCount = Math.Max(bucketCount, highest + 1);
        for (long b = 0; b < BucketCount; b++)
        {
            if (!_used.Contains(b) && !held.Contains(b)) _free.Add(b);
        }
    }

    /// <summary>A bucket for a new node write.</summary>
    public long Allocate()
    {
        long bucket;
        if (_free.Count > 0)
        {
            bucket = _free.Min;
            _free.Remove(bucket);
        }
        else
        {
            bucket = BucketCount++;
        }
        _used.Add(bucket);
        return bucket;
    }

    /// <summary>A bucket no node will use after the next checkpoint.</summary>
    public void Release(long bucket)
    {
        if (!_used.Remove(bucket)) throw new InvalidOperationException($"Node bucket {bucket} is released but not in use.");
        _freedSinceCheckpoint.Add(bucket);
    }

    /// <summary>
    /// A checkpoint is durable: buckets the older copy held are free now (that copy was just replaced;
    /// each is passed to <paramref name="discard"/> first), and those freed before this checkpoint are
    /// held for the copy that is now the older one.
    /// </summary>
    public void CheckpointDone(Action<long>? discard = null)
    {
        foreach (var bucket in _heldForOlderCopy)
        {
            discard?.Invoke(bucket);
            _free.Add(bucket);
        }
        _heldForOlderCopy.Clear();
        _heldForOlderCopy.AddRange(_freedSinceCheckpoint);
        _freedSinceCheckpoint.Clear();
    }
}
