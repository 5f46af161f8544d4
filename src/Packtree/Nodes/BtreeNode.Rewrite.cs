using Packtree.Codegen;
using Packtree.Keys;

namespace Packtree.Nodes;

// New nodes from old ones (§5.5–§5.8): rewrite (compaction), split and merge, each repacking the
// live keys into the format computed for them.
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
        var live = LiveCopy();
        var format = ChooseFormat(live, Header.MinKey, Header.MaxKey, Format);
        Header = Header with { Format = format, Flags = NodeHeader.MakeFlags(Header.BtreeId, Header.Level, Header.NodeSeq + 1) };
        Seq = NewSeq();
        _buffer = new byte[_buffer.Length];
        _bsets.Clear();
        _whiteouts.Clear();
        WhiteoutBytes = 0;
        WrittenSectors = 0;
        StartWritableBset(NodeHeader.ByteCount);
        Fill(live);
    }

    /// <summary>
    /// Splits the node in two new nodes (§5.7): the left takes live keys until three fifths of the live
    /// bytes, up to and including the pivot; each side gets the format computed for its keys and range.
    /// </summary>
    /// <exception cref="InvalidOperationException">The node holds fewer than two live keys.</exception>
    public (BtreeNode Left, BtreeNode Right) Split()
    {
        var live = LiveCopy();
        if (live.Count < 2) throw new InvalidOperationException($"A node with {live.Count} live keys cannot be split.");
        var total = live.Sum(k => EncodedBytes(Format, k));
        var target = total * 3 / 5;
        var used = 0L;
        var leftCount = 0;
        while (leftCount < live.Count - 1 && (leftCount == 0 || used < target)) used += EncodedBytes(Format, live[leftCount++]);
        var pivot = live[leftCount - 1].Key.Position;
        var nodeSeq = Header.NodeSeq + 1;
        var left = Build(_codec, _codecOptions, Header.BtreeId, Header.Level, nodeSeq, Header.MinKey, pivot, live[..leftCount], Format);
        var right = Build(_codec, _codecOptions, Header.BtreeId, Header.Level, nodeSeq, pivot.Successor(), Header.MaxKey, live[leftCount..], Format);
        return (left, right);
    }

    /// <summary>
    /// Merges adjacent siblings (in key order, each starting just after the previous one ends) into one
    /// new node with the format computed over all their keys (§5.8); null when they do not fit one node.
    /// </summary>
    public static BtreeNode? Merge(IReadOnlyList<BtreeNode> siblings)
    {
        if (siblings.Count < 2) throw new ArgumentException("A merge takes at least two nodes.", nameof(siblings));
        for (var i = 1; i < siblings.Count; i++)
        {
            if (siblings[i - 1].Header.MaxKey == Bpos.Max || siblings[i - 1].Header.MaxKey.Successor() != siblings[i].Header.MinKey)
                throw new ArgumentException($"Node {i} starts at {siblings[i].Header.MinKey}, not just after node {i - 1}'s end {siblings[i - 1].Header.MaxKey}.", nameof(siblings));
        }
        var first = siblings[0];
        var live = siblings.SelectMany(s => s.LiveCopy()).ToList();
        var format = ChooseFormat(live, first.Header.MinKey, siblings[^1].Header.MaxKey, first.Format);
        if (NodeHeader.ByteCount + live.Sum(k => EncodedBytes(format, k)) + 8 > first._codec.Geometry.NodeBytes) return null;
        var nodeSeq = siblings.Max(s => s.Header.NodeSeq) + 1;
        return Build(first._codec, first._codecOptions, first.Header.BtreeId, first.Header.Level, nodeSeq, first.Header.MinKey, siblings[^1].Header.MaxKey, live, format);
    }

    /// <summary>A new, unwritten node over [<paramref name="min"/>, <paramref name="max"/>] holding <paramref name="keys"/> (sorted, live).</summary>
    private static BtreeNode Build(NodeCodec codec, KeyCodecOptions options, uint btreeId, int level, uint nodeSeq, Bpos min, Bpos max, List<(Bkey Key, byte[] Value)> keys, BkeyFormat fallback)
    {
        var format = ChooseFormat(keys, min, max, fallback);
        var node = Create(codec, new NodeHeader(codec.Magic, NodeHeader.MakeFlags(btreeId, level, nodeSeq), min, max, format), NewSeq(), options);
        node.Fill(keys);
        return node;
    }

    /// <summary>The format computed from the keys and range, unless <paramref name="fallback"/> packs them smaller.</summary>
    private static BkeyFormat ChooseFormat(List<(Bkey Key, byte[] Value)> keys, Bpos min, Bpos max, BkeyFormat fallback)
    {
        var builder = new BkeyFormatBuilder().AddPosition(min).AddPosition(max);
        foreach (var (key, _) in keys) builder.AddKey(key);
        var computed = builder.Build();
        return keys.Sum(k => EncodedBytes(computed, k)) <= keys.Sum(k => EncodedBytes(fallback, k)) ? computed : fallback;
    }

    private static long EncodedBytes(BkeyFormat format, (Bkey Key, byte[] Value) key) =>
        (format.CanPack(key.Key) ? format.KeyBytes : Bkey.ByteCount) + key.Value.Length;

    private List<(Bkey Key, byte[] Value)> LiveCopy() => [.. LiveKeys().Select(k => (k.Key, k.Value.ToArray()))];

    /// <summary>Appends sorted live keys to the (empty) writable bset.</summary>
    private void Fill(List<(Bkey Key, byte[] Value)> keys)
    {
        var writable = _bsets[^1].Writable!;
        foreach (var (key, value) in keys)
        {
            var plain = key;
            plain.NeedsWhiteout = false;
            if (!writable.TryInsert(writable.KeysEnd, Encode(plain, value), 0))
                throw new InvalidOperationException($"{keys.Count} keys do not fit a {_buffer.Length}-byte node.");
        }
    }

    /// <summary>A random nonzero identity for a node's on-disk writes.</summary>
    public static ulong NewSeq() => (ulong)Random.Shared.NextInt64(1, long.MaxValue);
}
