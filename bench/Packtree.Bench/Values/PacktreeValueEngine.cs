namespace Packtree.Bench.Values;

/// <summary>
/// Packtree: a byte-key tree of 16-byte keys on a store file, the journal written per commit and flushed every
/// 100 ms (as in the peers suite), optionally with its values compressed. The two streaming calls are here alone.
/// </summary>
public sealed class PacktreeValueEngine : IValueEngine
{
    private readonly Store _store;
    private readonly Tree _tree;

    public PacktreeValueEngine(string folder, bool compress)
    {
        _store = Store.Open(Path.Combine(folder, "store.packtree"), new StoreOptions { Durability = Packtree.Durability.Buffered });
        _tree = CreateTree(_store, compress);
        CacheBytes = _store.Options.CacheBytes;
        Durability = $"journal written per commit, flushed every 100 ms; {(compress ? "zstd asked for (not yet in the store: stored as is)" : "no compression")}";
    }

    public string Durability { get; }

    /// <summary>The store's cache budget, which the streaming memory target is counted above.</summary>
    public long CacheBytes { get; }

    /// <summary>A byte of every value scanned, so that no read can be skipped.</summary>
    public long Checksum { get; private set; }

    public void Put(byte[] key, ReadOnlySpan<byte> value) => _tree.Put(key.AsSpan(), value);

    public bool Get(byte[] key, Span<byte> buffer) => _tree.TryGet(key.AsSpan(), buffer, out _);

    public long ScanAll()
    {
        long n = 0;
        foreach (var entry in _tree.Scan(BytesRange.All))
        {
            Checksum += entry.Value[0];
            n++;
        }
        return n;
    }

    public void Flush() => _store.Checkpoint();

    /// <summary>Once trees take large values: <c>_tree.Put(key, value)</c>.</summary>
    public void PutStream(byte[] key, Stream value) => throw new NotSupportedException("streaming arrives with large values");

    /// <summary>Once trees take large values: <c>_tree.OpenRead(key)</c>.</summary>
    public Stream OpenRead(byte[] key) => throw new NotSupportedException("streaming arrives with large values");

    public void Dispose() => _store.Dispose();

    /// <summary>
    /// The tree, compressed when <paramref name="compress"/>: once trees take options, with
    /// <c>new TreeOptions { Compression = ValueCompression.Zstd }</c>; until then the same tree either way.
    /// </summary>
    private static Tree CreateTree(Store store, bool compress)
    {
        _ = compress;
        return store.GetOrCreateTree("values", KeyKind.Bytes(16));
    }
}
