using System.Runtime.CompilerServices;
using FASTER.core;

namespace Packtree.Bench.Peers;

/// <summary>
/// FASTER (Microsoft.FASTER.Core): a hash index over a hybrid log on a file, point operations only —
/// it has no ordered scans. Durability comes from checkpoints, never per operation, so fillsync does not apply.
/// Keys are blittable structs: the position itself for the position kinds, the bytes and their length for byte keys.
/// </summary>
public sealed class FasterEngine<TKey> : IPeerEngine where TKey : struct, IFasterKey<TKey>
{
    private readonly FasterKV<TKey, Value> _store;
    private readonly IDevice? _log;
    private readonly ClientSession<TKey, Value, Value, Value, Empty, IFunctions<TKey, Value, Value, Value, Empty>> _session;
    private readonly bool _owner;

    public FasterEngine(string folder)
    {
        _log = Devices.CreateLogDevice(Path.Combine(folder, "hlog.log"));
        _store = new FasterKV<TKey, Value>(1L << 20, new LogSettings { LogDevice = _log, MemorySizeBits = 30, PageSizeBits = 22 },
            new CheckpointSettings { CheckpointDir = Path.Combine(folder, "checkpoints") }, comparer: new KeyComparer());
        _session = _store.NewSession(new SimpleFunctions<TKey, Value>());
        _owner = true;
    }

    private FasterEngine(FasterEngine<TKey> shared)
    {
        _store = shared._store;
        _session = _store.NewSession(new SimpleFunctions<TKey, Value>()); // a session per thread
    }

    public bool SupportsScans => false;

    public bool SupportsSyncCommits => false;

    public string Durability => "log written in the background; durable at checkpoints only";

    public void Put(in BenchKey key, ReadOnlySpan<byte> value)
    {
        var k = TKey.From(key);
        var v = default(Value);
        value.CopyTo(v);
        _session.Upsert(ref k, ref v);
    }

    public bool Get(in BenchKey key, Span<byte> value)
    {
        var k = TKey.From(key);
        var output = default(Value);
        var status = _session.Read(ref k, ref output);
        if (status.IsPending)
        {
            _session.CompletePendingWithOutputs(out var outputs, wait: true);
            using (outputs)
            {
                if (!outputs.Next()) return false;
                status = outputs.Current.Status;
                output = outputs.Current.Output;
            }
        }
        if (!status.Found) return false;
        ((ReadOnlySpan<byte>)output).CopyTo(value);
        return true;
    }

    public int Scan(in BenchKey from, int count) => throw new NotSupportedException("FASTER has no ordered scans.");

    public long ScanAll(bool reverse) => throw new NotSupportedException("FASTER has no ordered scans.");

    public IPeerEngine ForThread() => new FasterEngine<TKey>(this);

    public void Flush()
    {
        _session.CompletePending(wait: true);
        _store.TakeFullCheckpointAsync(CheckpointType.FoldOver).AsTask().GetAwaiter().GetResult();
        _store.CompleteCheckpointAsync().AsTask().GetAwaiter().GetResult();
    }

    public void Dispose()
    {
        _session.Dispose();
        if (!_owner) return;
        _store.Dispose();
        _log?.Dispose();
    }

    /// <summary>A 100-byte value, blittable.</summary>
    [InlineArray(100)]
    public struct Value
    {
        private byte _first;
    }

    private sealed class KeyComparer : IFasterEqualityComparer<TKey>
    {
        public long GetHashCode64(ref TKey key) => key.Hash64();

        public bool Equals(ref TKey a, ref TKey b) => a.Same(in b);
    }
}
