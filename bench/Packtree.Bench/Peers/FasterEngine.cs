using System.Runtime.CompilerServices;
using FASTER.core;

namespace Packtree.Bench.Peers;

/// <summary>
/// FASTER (Microsoft.FASTER.Core): a hash index over a hybrid log on a file, point operations only —
/// it has no ordered scans. Durability comes from checkpoints, never per operation, so fillsync does not apply.
/// </summary>
public sealed class FasterEngine : IPeerEngine
{
    private readonly FasterKV<Key, Value> _store;
    private readonly IDevice? _log;
    private readonly ClientSession<Key, Value, Value, Value, Empty, IFunctions<Key, Value, Value, Value, Empty>> _session;
    private readonly bool _owner;

    public FasterEngine(string folder)
    {
        _log = Devices.CreateLogDevice(Path.Combine(folder, "hlog.log"));
        _store = new FasterKV<Key, Value>(1L << 20, new LogSettings { LogDevice = _log, MemorySizeBits = 30, PageSizeBits = 22 },
            new CheckpointSettings { CheckpointDir = Path.Combine(folder, "checkpoints") }, comparer: new KeyComparer());
        _session = _store.NewSession(new SimpleFunctions<Key, Value>());
        _owner = true;
    }

    private FasterEngine(FasterEngine shared)
    {
        _store = shared._store;
        _session = _store.NewSession(new SimpleFunctions<Key, Value>()); // a session per thread
    }

    public bool SupportsScans => false;

    public bool SupportsSyncCommits => false;

    public string Durability => "log written in the background; durable at checkpoints only";

    public void Put(in BenchKey key, ReadOnlySpan<byte> value)
    {
        var k = Key.From(key);
        var v = default(Value);
        value.CopyTo(v);
        _session.Upsert(ref k, ref v);
    }

    public bool Get(in BenchKey key, Span<byte> value)
    {
        var k = Key.From(key);
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

    public IPeerEngine ReaderForThread() => new FasterEngine(this);

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

    /// <summary>The position as a blittable key.</summary>
    public struct Key
    {
        public ulong Inode;
        public ulong Offset;
        public uint Snapshot;

        public static Key From(in BenchKey key) => new() { Inode = key.Position.Inode, Offset = key.Position.Offset, Snapshot = key.Position.Snapshot };
    }

    /// <summary>A 100-byte value, blittable.</summary>
    [InlineArray(100)]
    public struct Value
    {
        private byte _first;
    }

    private sealed class KeyComparer : IFasterEqualityComparer<Key>
    {
        public long GetHashCode64(ref Key key) => (long)Utility.GetHashCode((long)(key.Inode * 0x9E3779B97F4A7C15 ^ key.Offset * 0xC2B2AE3D27D4EB4F ^ key.Snapshot));

        public bool Equals(ref Key a, ref Key b) => a.Inode == b.Inode && a.Offset == b.Offset && a.Snapshot == b.Snapshot;
    }
}
