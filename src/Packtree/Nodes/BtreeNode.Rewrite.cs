using Packtree.Keys;

namespace Packtree.Nodes;

// Compaction by rewrite (§5.5–§5.6): the live keys sorted into one bset in the best format for them.
public sealed partial class BtreeNode
{
    /// <summary>
    /// Sorts the live keys into one bset, repacked in the format computed from them and the node's
    /// range (or kept in the old format when that is smaller), dropping deleted keys and whiteouts. The
    /// result is a new node, as in bcachefs's "compact into new node": it gets a new seq and generation
    /// and has no bytes on disk, so its next write is a first write to a new place.
    /// </summary>
    public void Rewrite()
    {
        var live = LiveKeys().Select(k => (k.Key, Value: k.Value.ToArray())).ToList();
        var builder = new BkeyFormatBuilder().AddPosition(Header.MinKey).AddPosition(Header.MaxKey);
        foreach (var (key, _) in live) builder.AddKey(key);
        var computed = builder.Build();
        var format = PackedBytes(computed, live) <= PackedBytes(Format, live) ? computed : Format;

        Header = Header with { Format = format, Flags = NodeHeader.MakeFlags(Header.BtreeId, Header.Level, Header.NodeSeq + 1) };
        Seq = NewSeq();
        _buffer = new byte[_buffer.Length];
        _bsets.Clear();
        _whiteouts.Clear();
        WhiteoutBytes = 0;
        WrittenSectors = 0;
        StartWritableBset(NodeHeader.ByteCount);
        var writable = _bsets[^1].Writable!;
        foreach (var (key, value) in live)
        {
            if (!writable.TryInsert(writable.KeysEnd, Encode(key, value), 0))
                throw new InvalidOperationException("The live keys of a node did not fit a node of the same size.");
        }
    }

    /// <summary>A random nonzero identity for a node's on-disk writes.</summary>
    internal static ulong NewSeq() => (ulong)Random.Shared.NextInt64(1, long.MaxValue);

    private static long PackedBytes(BkeyFormat format, List<(Bkey Key, byte[] Value)> keys) =>
        keys.Sum(k => (long)(format.CanPack(k.Key) ? format.KeyBytes : Bkey.ByteCount) + k.Value.Length);
}
