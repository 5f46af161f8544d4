namespace Packtree.Storage;

/// <summary>
/// Node buckets of the store file: one node-sized bucket per node, numbered from the node area's
/// start. Free buckets are reused lowest first; a bucket freed since the last checkpoint stays
/// reserved until the next one, because the last checkpoint's trees may still point to it.
/// </summary>
public sealed class BucketAllocator
{
    private readonly SortedSet<long> _free = [];
    private readonly List<long> _freedSinceCheckpoint = [];
    private readonly HashSet<long> _used = [];

    /// <summary>Buckets the file has (in use or free).</summary>
    public long BucketCount { get; private set; }

    /// <summary>Buckets in use by nodes.</summary>
    public int UsedCount => _used.Count;

    /// <summary>Buckets free for reuse now.</summary>
    public int FreeCount => _free.Count;

    /// <summary>Buckets freed since the last checkpoint, reused after the next.</summary>
    public int PendingCount => _freedSinceCheckpoint.Count;

    /// <summary>Starts from the buckets the trees use (found by walking them); every other bucket below the highest is free.</summary>
    public void Reset(IEnumerable<long> used, long bucketCount)
    {
        _free.Clear();
        _freedSinceCheckpoint.Clear();
        _used.Clear();
        foreach (var bucket in used)
        {
            if (!_used.Add(bucket)) throw new InvalidDataException($"Node bucket {bucket} is used by two nodes.");
        }
        BucketCount = Math.Max(bucketCount, _used.Count == 0 ? 0 : _used.Max() + 1);
        for (long b = 0; b < BucketCount; b++)
        {
            if (!_used.Contains(b)) _free.Add(b);
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

    /// <summary>The checkpoint is durable: buckets freed before it can be reused; each is passed to <paramref name="discard"/> first.</summary>
    public void CheckpointDone(Action<long>? discard = null)
    {
        foreach (var bucket in _freedSinceCheckpoint)
        {
            discard?.Invoke(bucket);
            _free.Add(bucket);
        }
        _freedSinceCheckpoint.Clear();
    }
}
