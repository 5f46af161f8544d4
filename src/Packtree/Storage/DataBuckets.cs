namespace Packtree.Storage;

/// <summary>
/// Out-of-line value data in buckets of the store file (the buckets nodes use; docs/FORMAT.md): data is
/// appended to one open bucket at a time, each piece at a sector boundary, and a bucket is given back
/// when no live data is left in it. What is live is counted per bucket from the values tree: at open
/// from a walk of it, then as commits add and drop extents. Writes run outside the store's write lock
/// (several large values may be written at once): a piece's place is taken under a lock, its bytes
/// written after.
/// </summary>
internal sealed class DataBuckets
{
    /// <summary>Data pieces start at multiples of this (bcachefs's sector).</summary>
    public const int SectorBytes = 512;

    private readonly object _lock = new();
    private readonly StorageDevice _device;
    private readonly BucketAllocator _buckets;
    private readonly long _areaOffset;
    private readonly int _bucketBytes;
    private readonly Dictionary<long, long> _liveSectors = [];
    private readonly Dictionary<long, long> _pendingSectors = []; // written, their commit not yet applied
    private HashSet<long>? _emptiedInReplay; // while replaying: buckets a replayed commit emptied, which a later one may fill again (it was the open bucket then)
    private long _open = -1;
    private int _openFill;
    private long _liveTotal;
    private long _freedSinceCheckpoint; // buckets given back since the last checkpoint, waiting for two
    private int _liveBuckets; // _liveSectors.Count, readable without the lock

    /// <summary>Data in <paramref name="device"/>'s buckets of <paramref name="bucketBytes"/> from <paramref name="areaOffset"/>, allocated by <paramref name="buckets"/>.</summary>
    public DataBuckets(StorageDevice device, BucketAllocator buckets, long areaOffset, int bucketBytes)
    {
        _device = device;
        _buckets = buckets;
        _areaOffset = areaOffset;
        _bucketBytes = bucketBytes;
    }

    /// <summary>Whether live data is counted (false once a read-only store could not walk its values tree: nothing is allocated then).</summary>
    public bool IsCounting { get; private set; } = true;

    /// <summary>Stops counting live data, for a read-only store whose values tree could not be walked.</summary>
    public void StopCounting()
    {
        lock (_lock) IsCounting = false;
    }

    /// <summary>The most bytes one piece holds: a bucket.</summary>
    public int BucketBytes => _bucketBytes;

    /// <summary>Bytes of live data (whole sectors).</summary>
    public long LiveBytes
    {
        get
        {
            lock (_lock) return _liveTotal * SectorBytes;
        }
    }

    /// <summary>Buckets holding live data or being filled.</summary>
    public int BucketCount
    {
        get
        {
            lock (_lock) return _liveSectors.Keys.Union(_pendingSectors.Keys).Append(_open).Where(b => b >= 0).Distinct().Count();
        }
    }

    /// <summary>The bucket a sector lies in.</summary>
    public long BucketOf(ulong sector) => ((long)sector * SectorBytes - _areaOffset) / _bucketBytes;

    /// <summary>
    /// Writes the longest start of <paramref name="data"/> that fits the open bucket (a new one when it is
    /// full) and returns the first sector it was written at; <paramref name="taken"/> is how many bytes.
    /// Nothing counts as live until a commit claims it.
    /// </summary>
    /// <exception cref="IOException">The write failed.</exception>
    public ulong Append(ReadOnlySpan<byte> data, out int taken)
    {
        var at = Reserve(data.Length, whole: false, out taken);
        _device.Write(at, data[..taken]);
        return (ulong)(at / SectorBytes);
    }

    /// <summary>Writes <paramref name="data"/> (at most a bucket) as one piece, in a new bucket when the open one has no room for it whole.</summary>
    /// <exception cref="IOException">The write failed.</exception>
    public ulong AppendWhole(ReadOnlySpan<byte> data)
    {
        if (data.Length > _bucketBytes) throw new ArgumentException($"A piece of {data.Length} bytes does not fit a bucket of {_bucketBytes}.", nameof(data));
        var at = Reserve(data.Length, whole: true, out _);
        _device.Write(at, data);
        return (ulong)(at / SectorBytes);
    }

    /// <summary>Takes room for (the start of) a piece in the open bucket, pending its commit; returns its file offset.</summary>
    private long Reserve(int length, bool whole, out int taken)
    {
        lock (_lock)
        {
            if (_open < 0 || _openFill >= _bucketBytes || (whole && _bucketBytes - _openFill < length)) OpenNext();
            taken = Math.Min(length, _bucketBytes - _openFill);
            var at = _areaOffset + _open * _bucketBytes + _openFill;
            _openFill += (taken + SectorBytes - 1) / SectorBytes * SectorBytes;
            _pendingSectors[_open] = _pendingSectors.GetValueOrDefault(_open) + Sectors(taken);
            return at;
        }
    }

    /// <summary>
    /// Whether the buckets holding data take more than <paramref name="ratio"/> times the live data (plus a few buckets):
    /// values were dropped out of buckets that still hold others, and moving those out would give space back.
    /// </summary>
    public bool IsFragmented(double ratio)
    {
        if (Volatile.Read(ref _liveBuckets) <= 4) return false; // every commit asks: a store of few or no large values answers without the lock
        lock (_lock) return (double)_liveSectors.Count * _bucketBytes > ratio * _liveTotal * SectorBytes + 4.0 * _bucketBytes;
    }

    /// <summary>
    /// Buckets worth emptying: not being filled, nothing awaiting a commit, under half live; emptiest first, as many as
    /// bring the buckets down to <paramref name="ratio"/> times the live data (plus a few), at most <paramref name="count"/>.
    /// Emptying down to less than the ratio that starts it makes rounds rare, each walking the values tree once.
    /// </summary>
    public List<long> SparseBuckets(double ratio, int count)
    {
        lock (_lock)
        {
            var bucketSectors = _bucketBytes / SectorBytes;
            var excess = _liveSectors.Count * (double)bucketSectors - (ratio * _liveTotal + 4.0 * bucketSectors);
            var victims = new List<long>();
            foreach (var (bucket, live) in _liveSectors.Where(b => b.Key != _open && !_pendingSectors.ContainsKey(b.Key) && b.Value < bucketSectors / 2).OrderBy(b => b.Value))
            {
                if (excess <= 0 || victims.Count == count) break;
                victims.Add(bucket);
                excess -= bucketSectors - live; // the bucket goes; its live sectors land in the open one
            }
            return victims;
        }
    }

    /// <summary>Reads the bytes of a piece at <paramref name="sector"/> into <paramref name="destination"/>.</summary>
    public void Read(ulong sector, Span<byte> destination) => _device.Read((long)sector * SectorBytes, destination);

    /// <summary>Why a piece of <paramref name="bytes"/> at <paramref name="sector"/> cannot be one (outside the bucket area, or across a bucket's end); null when it can.</summary>
    public string? PlaceProblem(ulong sector, long bytes)
    {
        if (bytes <= 0 || bytes > _bucketBytes) return $"{bytes} bytes of data (a piece holds 1 to {_bucketBytes})";
        var offset = (decimal)sector * SectorBytes;
        if (offset < _areaOffset) return $"data at sector {sector}, before the bucket area at byte {_areaOffset}";
        var within = (long)((offset - _areaOffset) % _bucketBytes);
        if (within + bytes > _bucketBytes) return $"data at sector {sector} of {bytes} bytes, running past the end of its bucket";
        return null;
    }

    /// <summary>Counts the pieces the values tree points to when the store opens, before anything is written.</summary>
    public void Adopt(IEnumerable<(ulong Sector, int Bytes)> pieces)
    {
        lock (_lock)
        {
            foreach (var (sector, bytes) in pieces) AddLive(BucketOf(sector), Sectors(bytes));
        }
    }

    /// <summary>
    /// A commit made a piece live: one this store wrote (<paramref name="written"/>: it was pending), or a replayed
    /// commit's, whose bucket may be one the walk at open did not see: it is claimed from the allocator. False when it
    /// cannot be (the bucket holds nodes).
    /// </summary>
    public bool Claim(ulong sector, int bytes, bool written)
    {
        lock (_lock)
        {
            if (!IsCounting) return true;
            var bucket = BucketOf(sector);
            if (written) Unpend(bucket, Sectors(bytes));
            else if (!_liveSectors.ContainsKey(bucket) && !_pendingSectors.ContainsKey(bucket) && bucket != _open && _emptiedInReplay?.Contains(bucket) != true && !_buckets.TryClaim(bucket)) return false;
            AddLive(bucket, Sectors(bytes));
            return true;
        }
    }

    /// <summary>Bytes of data buckets given back since the last checkpoint: they are reused (or their space given back to the file system) two checkpoints on.</summary>
    public long FreedSinceCheckpointBytes
    {
        get
        {
            lock (_lock) return _freedSinceCheckpoint * _bucketBytes;
        }
    }

    /// <summary>A checkpoint is durable: the buckets given back before it are counted as waiting no more.</summary>
    public void CheckpointDone()
    {
        lock (_lock) _freedSinceCheckpoint = 0;
    }

    /// <summary>A piece written for a commit that did not happen: its space is dead.</summary>
    public void Abandon(ulong sector, int bytes)
    {
        lock (_lock)
        {
            var bucket = BucketOf(sector);
            Unpend(bucket, Sectors(bytes));
            ReleaseIfEmpty(bucket);
        }
    }

    /// <summary>A commit dropped a piece (its value was overwritten or deleted); an emptied bucket goes back to the allocator.</summary>
    public void Drop(ulong sector, int bytes)
    {
        lock (_lock)
        {
            if (!IsCounting) return;
            var bucket = BucketOf(sector);
            if (!_liveSectors.TryGetValue(bucket, out var live)) throw new InvalidOperationException($"Data bucket {bucket} holds no live data, yet a piece of it is dropped.");
            live -= Sectors(bytes);
            _liveTotal -= Sectors(bytes);
            if (live > 0)
            {
                _liveSectors[bucket] = live;
                return;
            }
            _liveSectors.Remove(bucket);
            Volatile.Write(ref _liveBuckets, _liveSectors.Count);
            ReleaseIfEmpty(bucket);
        }
    }

    /// <summary>Live sectors per bucket, as counted since the store opened (for checks against a walk of the values tree).</summary>
    public Dictionary<long, long> LiveSectorsByBucket()
    {
        lock (_lock) return new(_liveSectors);
    }

    private void OpenNext()
    {
        var filled = _open;
        _open = _buckets.Allocate();
        _openFill = 0;
        if (filled >= 0) ReleaseIfEmpty(filled); // all of it dropped, or never committed
    }

    /// <summary>Replay starts: emptied buckets are kept until it ends, as the bucket being filled when the commits were made was.</summary>
    public void BeginReplay()
    {
        lock (_lock) _emptiedInReplay = [];
    }

    /// <summary>Replay ended: buckets it emptied and did not fill again are given back.</summary>
    public void EndReplay()
    {
        lock (_lock)
        {
            var emptied = _emptiedInReplay;
            _emptiedInReplay = null;
            foreach (var bucket in emptied ?? []) ReleaseIfEmpty(bucket);
        }
    }

    /// <summary>Gives a bucket back once nothing in it is live or awaiting its commit, and it is not being filled.</summary>
    private void ReleaseIfEmpty(long bucket)
    {
        if (bucket == _open || _liveSectors.ContainsKey(bucket) || _pendingSectors.ContainsKey(bucket)) return;
        if (_emptiedInReplay is { } emptied) emptied.Add(bucket);
        else
        {
            _buckets.Release(bucket, Discard);
            _freedSinceCheckpoint++;
        }
    }

    private void Unpend(long bucket, long sectors)
    {
        var pending = _pendingSectors.GetValueOrDefault(bucket) - sectors;
        if (pending < 0) throw new InvalidOperationException($"Data bucket {bucket}: more data claimed than was written.");
        if (pending == 0) _pendingSectors.Remove(bucket);
        else _pendingSectors[bucket] = pending;
    }

    private void AddLive(long bucket, long sectors)
    {
        _liveSectors[bucket] = _liveSectors.GetValueOrDefault(bucket) + sectors;
        _liveTotal += sectors;
        Volatile.Write(ref _liveBuckets, _liveSectors.Count);
    }

    private void Discard(long bucket) => _device.Discard(_areaOffset + bucket * _bucketBytes, _bucketBytes);

    private static long Sectors(long bytes) => (bytes + SectorBytes - 1) / SectorBytes;
}
