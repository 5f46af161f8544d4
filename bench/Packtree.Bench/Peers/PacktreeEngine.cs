namespace Packtree.Bench.Peers;

/// <summary>
/// Packtree on a store file: buffered commits for fills (journaled, flushed every 100 ms; or kept in memory and journaled
/// in the background), flushed commits for fillsync. Position keys go to a tree of positions, byte keys to a byte-key tree of keys up to
/// <see cref="ByteKeys.MaxBytes"/> bytes. Key code per the strategy asked (Auto, unless measuring what it buys).
/// </summary>
public sealed class PacktreeEngine : IPeerEngine
{
    private readonly Store _store;
    private readonly Tree _tree;
    private readonly Cursor _cursor;
    private readonly bool _bytes;
    private readonly bool _owner;

    public PacktreeEngine(string folder, bool sync, bool byteKeys, Codegen.UnpackStrategy strategy = Codegen.UnpackStrategy.Auto, bool background = false, long? writeBufferBytes = null)
    {
        var fills = background ? Packtree.Durability.Background : Packtree.Durability.Buffered;
        var options = new StoreOptions { Durability = sync ? Packtree.Durability.Flush : fills, UnpackStrategy = strategy };
        if (writeBufferBytes is { } buffer) options = options with { WriteBufferBytes = buffer };
        _store = Store.Open(Path.Combine(folder, "store.packtree"), options);
        _bytes = byteKeys;
        _tree = byteKeys ? _store.GetOrCreateTree("bench", KeyKind.Bytes(ByteKeys.MaxBytes)) : _store.GetOrCreateTree("bench");
        _cursor = _tree.CreateCursor();
        _owner = true;
        Durability = sync ? "journal flushed (fsync) per commit"
            : background ? "commits acknowledged in memory, journal written and flushed in the background every 100 ms (Durability.Background)"
            : "journal written per commit, flushed every 100 ms";
    }

    private PacktreeEngine(PacktreeEngine shared)
    {
        _store = shared._store;
        _tree = shared._tree;
        _bytes = shared._bytes;
        _cursor = _tree.CreateCursor(); // a cursor per thread; the tree itself is shared
        Durability = shared.Durability;
    }

    public bool SupportsScans => true;

    public bool SupportsSyncCommits => true;

    public string Durability { get; }

    /// <summary>A byte of every value read, so that no read can be skipped.</summary>
    public long Checksum { get; private set; }

    public void Put(in BenchKey key, ReadOnlySpan<byte> value)
    {
        if (_bytes) _tree.Put(key.Bytes.AsSpan(), value);
        else _tree.Put(key.Position, value);
    }

    public bool Get(in BenchKey key, Span<byte> value) => _bytes ? _tree.TryGet(key.Bytes.AsSpan(), value, out _) : _tree.TryGet(key.Position, value, out _);

    public int Scan(in BenchKey from, int count)
    {
        var n = 0;
        for (var ok = _bytes ? _cursor.Seek(from.Bytes.AsSpan()) : _cursor.Seek(from.Position); ok && n < count; ok = _cursor.Next())
        {
            Checksum += _cursor.Value[0];
            n++;
        }
        return n;
    }

    public long ScanAll(bool reverse)
    {
        long n = 0;
        foreach (var entry in _bytes ? _cursor.Scan(BytesRange.All, reverse) : _cursor.Scan(KeyRange.All, reverse))
        {
            Checksum += entry.Value[0];
            n++;
        }
        return n;
    }

    /// <summary>For a byte-key tree, how its leaves store the keys (see <see cref="LeafKeySizes"/>); nothing for positions.</summary>
    public IEnumerable<PeerMetric> KeyFigures() => _bytes ? LeafKeySizes.Of(_tree).Figures() : [];

    public IPeerEngine ForThread() => new PacktreeEngine(this);

    public void Flush() => _store.Checkpoint();

    public void Dispose()
    {
        if (_owner) _store.Dispose();
    }
}
