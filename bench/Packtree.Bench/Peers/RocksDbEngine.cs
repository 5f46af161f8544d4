using RocksDbSharp;

namespace Packtree.Bench.Peers;

/// <summary>RocksDB through the RocksDB package: a put per commit with the write-ahead log on, synced only for fillsync.</summary>
public sealed class RocksDbEngine : IPeerEngine
{
    private readonly RocksDb _db;
    private readonly WriteOptions _write;
    private readonly bool _owner;

    /// <summary>Opens the store in <paramref name="folder"/> with the default options, or as <paramref name="tune"/> changes them.</summary>
    public RocksDbEngine(string folder, bool sync, Func<DbOptions, DbOptions>? tune = null)
    {
        var options = new DbOptions().SetCreateIfMissing(true);
        _db = RocksDb.Open(tune is null ? options : tune(options), folder);
        _write = new WriteOptions().SetSync(sync);
        _owner = true;
        Durability = sync ? "WAL synced (fsync) per commit" : "WAL written per commit, not synced (the default)";
    }

    private RocksDbEngine(RocksDbEngine shared)
    {
        _db = shared._db;
        _write = shared._write;
        Durability = shared.Durability;
    }

    public bool SupportsScans => true;

    public bool SupportsSyncCommits => true;

    public string Durability { get; }

    public long Checksum { get; private set; }

    public void Put(in BenchKey key, ReadOnlySpan<byte> value) => _db.Put(key.Bytes, value, null, _write);

    public bool Get(in BenchKey key, Span<byte> value)
    {
        var found = _db.Get(key.Bytes.AsSpan(), null, null);
        if (found is null) return false;
        found.CopyTo(value);
        return true;
    }

    public int Scan(in BenchKey from, int count)
    {
        using var iterator = _db.NewIterator();
        var n = 0;
        for (iterator.Seek(from.Bytes); iterator.Valid() && n < count; iterator.Next())
        {
            Checksum += iterator.Value()[0];
            n++;
        }
        return n;
    }

    public long ScanAll(bool reverse)
    {
        using var iterator = _db.NewIterator();
        long n = 0;
        if (reverse) iterator.SeekToLast();
        else iterator.SeekToFirst();
        for (; iterator.Valid(); _ = reverse ? iterator.Prev() : iterator.Next())
        {
            Checksum += iterator.Value()[0];
            n++;
        }
        return n;
    }

    public IPeerEngine ForThread() => new RocksDbEngine(this);

    public void Flush() => _db.Flush(new FlushOptions().SetWaitForFlush(true));

    public void Dispose()
    {
        if (_owner) _db.Dispose();
    }
}
