using ZoneTree;
using ZoneTree.Comparers;
using ZoneTree.Options;
using ZoneTree.Serializers;

namespace Packtree.Bench.Peers;

/// <summary>ZoneTree (an LSM tree in C#) keyed on the 20-byte big-endian key: write-ahead log async and compressed for fills, synced for fillsync.</summary>
public sealed class ZoneTreeEngine : IPeerEngine
{
    private readonly IZoneTree<Memory<byte>, Memory<byte>> _tree;
    private readonly IMaintainer _maintainer;
    private readonly bool _owner;

    public ZoneTreeEngine(string folder, bool sync)
    {
        _tree = new ZoneTreeFactory<Memory<byte>, Memory<byte>>()
            .SetComparer(new BigEndianComparer())
            .SetKeySerializer(new ByteArraySerializer())
            .SetValueSerializer(new ByteArraySerializer())
            .SetDataDirectory(folder)
            .ConfigureWriteAheadLogOptions(options => options.WriteAheadLogMode = sync ? WriteAheadLogMode.Sync : WriteAheadLogMode.AsyncCompressed)
            .OpenOrCreate();
        _maintainer = _tree.CreateMaintainer();
        _owner = true;
        Durability = sync ? "WAL mode Sync: fsync per commit" : "WAL mode AsyncCompressed: written in the background";
    }

    private ZoneTreeEngine(ZoneTreeEngine shared)
    {
        _tree = shared._tree;
        _maintainer = shared._maintainer;
        Durability = shared.Durability;
    }

    public bool SupportsScans => true;

    public bool SupportsSyncCommits => true;

    public string Durability { get; }

    public long Checksum { get; private set; }

    public void Put(in BenchKey key, ReadOnlySpan<byte> value)
    {
        Memory<byte> k = key.Bytes;
        Memory<byte> v = value.ToArray();
        _tree.Upsert(in k, in v);
    }

    public bool Get(in BenchKey key, Span<byte> value)
    {
        Memory<byte> k = key.Bytes;
        if (!_tree.TryGet(in k, out var found)) return false;
        found.Span.CopyTo(value);
        return true;
    }

    public int Scan(in BenchKey from, int count)
    {
        using var iterator = _tree.CreateIterator();
        Memory<byte> k = from.Bytes;
        iterator.Seek(in k);
        var n = 0;
        while (n < count && iterator.Next())
        {
            Checksum += iterator.CurrentValue.Span[0];
            n++;
        }
        return n;
    }

    public long ScanAll(bool reverse)
    {
        using var iterator = reverse ? _tree.CreateReverseIterator() : _tree.CreateIterator();
        long n = 0;
        while (iterator.Next())
        {
            Checksum += iterator.CurrentValue.Span[0];
            n++;
        }
        return n;
    }

    public IPeerEngine ForThread() => new ZoneTreeEngine(this);

    public void Flush()
    {
        _maintainer.EvictToDisk();
        _maintainer.WaitForBackgroundThreads();
    }

    public void Dispose()
    {
        if (!_owner) return;
        _maintainer.WaitForBackgroundThreads();
        _maintainer.Dispose();
        _tree.Dispose();
    }

    /// <summary>Unsigned byte order, which for big-endian keys is the position order.</summary>
    private sealed class BigEndianComparer : IRefComparer<Memory<byte>>
    {
        public int Compare(in Memory<byte> x, in Memory<byte> y) => x.Span.SequenceCompareTo(y.Span);
    }
}
