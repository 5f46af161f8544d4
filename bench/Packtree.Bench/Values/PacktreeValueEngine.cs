namespace Packtree.Bench.Values;

/// <summary>
/// Packtree: a byte-key tree of 16-byte keys on a store file, the journal written per commit and flushed every
/// 100 ms (as in the peers suite), optionally with its values compressed. The two streaming calls are here alone.
/// </summary>
public sealed class PacktreeValueEngine : IValueEngine
{
    private readonly Store _store;
    private readonly Tree _tree;

    public PacktreeValueEngine(string folder, bool compress, int? maxInlineValueBytes = null)
    {
        _store = Store.Open(Path.Combine(folder, "store.packtree"), new StoreOptions { Durability = Packtree.Durability.Buffered });
        _tree = _store.GetOrCreateTree("values", KeyKind.Bytes(16),
            new TreeOptions { Compression = compress ? ValueCompression.Zstd : ValueCompression.None, MaxInlineValueBytes = maxInlineValueBytes });
        CacheBytes = _store.Options.CacheBytes;
        Durability = $"journal written per commit, flushed every 100 ms; {(compress ? "zstd (level 3, 64 KiB pieces)" : "no compression")}{(maxInlineValueBytes is { } limit ? $"; values over {limit} bytes out of line" : "")}";
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

    /// <summary>Puts a value from a stream, a buffer at a time.</summary>
    public void PutStream(byte[] key, Stream value) => _tree.Put(key.AsSpan(), value);

    /// <summary>A read-only stream over a stored value.</summary>
    public Stream OpenRead(byte[] key) => _tree.OpenRead(key.AsSpan());

    public void Dispose() => _store.Dispose();
}
