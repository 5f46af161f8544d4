namespace Packtree.Storage;

/// <summary>
/// Buckets of the store file: one node-sized bucket per node, or per piece of out-of-line value data,
/// numbered from the node area's start. Free buckets are reused lowest first. A bucket freed since the
/// last checkpoint stays reserved for two more checkpoints: until the next one, the last checkpoint's
/// trees may point to it, and until the one after, the older superblock copy's trees may — that copy is
/// the fallback when the newer one is damaged, so nothing it reaches is overwritten while it is a copy.
/// Value data is written outside the store's write lock, so every method takes a lock of its own.
/// </summary>
/// <param name="holdFreed">Whether freed buckets wait for two checkpoints (a file); false frees them at once (memory, where nothing checkpoints).</param>
internal sealed class BucketAllocator(bool holdFreed = true)
{
    private readonly object _lock = new();
    private readonly SortedSet<long> _free = [];
    private readonly List<long> _freedSinceCheckpoint = [];
    private readonly List<long> _heldForOlderCopy = [];
    private readonly HashSet<long> _heldForOlderData = []; // of those, the ones that copy reaches only as value data
    private readonly HashSet<long> _used = [];
    private long _bucketCount;

    /// <summary>Buckets the file has (in use or free).</summary>
    public long BucketCount
    {
        get
        {
            lock (_lock) return _bucketCount;
        }
    }

    /// <summary>Buckets in use by nodes and value data.</summary>
    public int UsedCount
    {
        get
        {
            lock (_lock) return _used.Count;
        }
    }

    /// <summary>Buckets free for reuse now.</summary>
    public int FreeCount
    {
        get
        {
            lock (_lock) return _free.Count;
        }
    }

    /// <summary>Buckets freed since the last checkpoint, reused after the next.</summary>
    public int PendingCount
    {
        get
        {
            lock (_lock) return _freedSinceCheckpoint.Count + _heldForOlderCopy.Count;
        }
    }

    /// <summary>
    /// Starts from the buckets the trees use (found by walking them: nodes, and the value data the values
    /// tree points to) and those only the older superblock copy's trees use (held until the next
    /// checkpoint); every other bucket of the file is free.
    /// </summary>
    /// <param name="used">Buckets the trees use.</param>
    /// <param name="usedByOlderCopy">Buckets the older copy's nodes use.</param>
    /// <param name="olderCopyData">Buckets the older copy's value data lies in.</param>
    /// <param name="bucketCount">Buckets the file has.</param>
    /// <exception cref="CorruptStoreException">A bucket is used twice, or lies outside the file's <paramref name="bucketCount"/> buckets (<see cref="StorePart.Tree"/>).</exception>
    public void Reset(IEnumerable<long> used, IEnumerable<long> usedByOlderCopy, IEnumerable<long> olderCopyData, long bucketCount)
    {
        lock (_lock)
        {
            _free.Clear();
            _freedSinceCheckpoint.Clear();
            _heldForOlderCopy.Clear();
            _heldForOlderData.Clear();
            _used.Clear();
            foreach (var bucket in used)
            {
                if (bucket < 0 || bucket >= bucketCount)
                    throw new CorruptStoreException($"Node bucket {bucket} lies outside the store file's {bucketCount} buckets.", StorePart.Tree, null, $"a pointer names node bucket {bucket}, outside the file's {bucketCount}");
                if (!_used.Add(bucket)) throw new CorruptStoreException($"Node bucket {bucket} is used by two nodes.", StorePart.Tree, null, $"node bucket {bucket} is used by two nodes");
            }
            var olderNodes = usedByOlderCopy.ToHashSet();
            var held = new HashSet<long>(olderNodes.Concat(olderCopyData).Where(b => !_used.Contains(b) && b >= 0 && b < bucketCount));
            _heldForOlderCopy.AddRange(held.Order());
            _heldForOlderData.UnionWith(held.Where(b => !olderNodes.Contains(b)));
            var highest = _used.Concat(held).DefaultIfEmpty(-1).Max();
            _bucketCount = Math.Max(bucketCount, highest + 1);
            for (long b = 0; b < _bucketCount; b++)
            {
                if (!_used.Contains(b) && !held.Contains(b)) _free.Add(b);
            }
        }
    }

    /// <summary>A bucket for a new node write or new value data.</summary>
    public long Allocate()
    {
        lock (_lock)
        {
            long bucket;
            if (_free.Count > 0)
            {
                bucket = _free.Min;
                _free.Remove(bucket);
            }
            else
            {
                bucket = _bucketCount++;
            }
            _used.Add(bucket);
            return bucket;
        }
    }

    /// <summary>
    /// Marks a bucket a replayed commit's value data lies in as used (the walk at open did not see it: only the
    /// journal points to it); false when it cannot be: it is in use already by something else, or holds nodes of
    /// the older superblock copy. A bucket the older copy reaches only as value data may be claimed: it was the open
    /// data bucket, whose new pieces go after the dead ones that copy reaches, and it waits for two checkpoints once
    /// its new pieces die too.
    /// </summary>
    public bool TryClaim(long bucket)
    {
        lock (_lock)
        {
            if (_heldForOlderData.Remove(bucket))
            {
                _heldForOlderCopy.Remove(bucket);
                _used.Add(bucket);
                return true;
            }
            if (bucket < 0 || _used.Contains(bucket) || _heldForOlderCopy.Contains(bucket) || _freedSinceCheckpoint.Contains(bucket)) return false;
            if (bucket >= _bucketCount)
            {
                for (var b = _bucketCount; b < bucket; b++) _free.Add(b);
                _bucketCount = bucket + 1;
            }
            else
            {
                _free.Remove(bucket);
            }
            _used.Add(bucket);
            return true;
        }
    }

    /// <summary>A bucket nothing will use after the next checkpoint (at once, when freed buckets are not held).</summary>
    public void Release(long bucket, Action<long>? discard = null)
    {
        lock (_lock)
        {
            if (!_used.Remove(bucket)) throw new InvalidOperationException($"Bucket {bucket} is released but not in use.");
            if (holdFreed) _freedSinceCheckpoint.Add(bucket);
            else
            {
                discard?.Invoke(bucket);
                _free.Add(bucket);
            }
        }
    }

    /// <summary>
    /// A checkpoint is durable: buckets the older copy held are free now (that copy was just replaced;
    /// each is passed to <paramref name="discard"/> first), and those freed before this checkpoint are
    /// held for the copy that is now the older one.
    /// </summary>
    public void CheckpointDone(Action<long>? discard = null)
    {
        lock (_lock)
        {
            foreach (var bucket in _heldForOlderCopy)
            {
                discard?.Invoke(bucket);
                _free.Add(bucket);
            }
            _heldForOlderCopy.Clear();
            _heldForOlderData.Clear(); // only replay claims from it, and replay is over
            _heldForOlderCopy.AddRange(_freedSinceCheckpoint);
            _freedSinceCheckpoint.Clear();
        }
    }
}
