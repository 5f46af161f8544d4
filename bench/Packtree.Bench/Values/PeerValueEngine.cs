using Packtree.Bench.Peers;

namespace Packtree.Bench.Values;

/// <summary>
/// A peer engine of the peers suite (LMDB, RocksDB, SQLite) under the values workloads: the same engine code,
/// opened as a user storing blobs would; streaming through <paramref name="streams"/> where the engine has it, and
/// its own full scan through <paramref name="scan"/> where one byte of a value does not read the value.
/// </summary>
public sealed class PeerValueEngine(IPeerEngine engine, string layout, IValueStreams? streams = null, Func<long>? scan = null) : IValueEngine
{
    public string Durability { get; } = $"{engine.Durability}; {layout}";

    public void Put(byte[] key, ReadOnlySpan<byte> value) => engine.Put(BenchKey.OfBytes(key), value);

    public bool Get(byte[] key, Span<byte> buffer) => engine.Get(BenchKey.OfBytes(key), buffer);

    public long ScanAll() => scan is null ? engine.ScanAll(reverse: false) : scan();

    public void Flush() => engine.Flush();

    public void PutStream(byte[] key, Stream value) => (streams ?? throw new NotSupportedException("this engine has no streaming of values")).Put(key, value);

    public Stream OpenRead(byte[] key) => (streams ?? throw new NotSupportedException("this engine has no streaming of values")).OpenRead(key);

    public void Dispose() => engine.Dispose();
}
