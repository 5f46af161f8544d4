using Packtree.Codegen;
using Packtree.Keys;

namespace Packtree.Nodes;

// New nodes from old ones (docs/DESIGN.md §5.5–§5.7): rewrite (compaction), split and merge, each repacking the
// live keys into the format computed for them.
internal sealed partial class BtreeNode
{
    /// <summary>
    /// Sorts the live keys into one bset, repacked in the format computed from them and the node's
    /// range (or kept in the old format when that is smaller), dropping deleted keys and whiteouts. The
    /// result is a new node, as in bcachefs's "compact into new node": it gets a new seq and generation
    /// and has no bytes on disk, so its next write is a first write to a new place.
    /// </summary>
    public void Rewrite()
    {
        Generation++;
        var live = LiveEntries();
        var (sourceBuffer, sourceFormat) = (_buffer, Format);
        var format = ChooseFormat(live, Header.MinKey, Header.MaxKey, Format);
        Header = Header with { Format = format, Flags = NodeHeader.MakeFlags(Header.BtreeId, Header.Level, Header.NodeSeq + 1) };
        Seq = NewSeq();
        _buffer = NodeBuffers.Rent(_buffer.Length);
        _bsets.Clear();
        _whiteouts.Clear();
        WhiteoutBytes = 0;
        WrittenSectors = 0;
        Fill(sourceBuffer, sourceFormat, live);
        NodeBuffers.Return(sourceBuffer);
        DebugVerify("a rewrite");
    }

    /// <summary>
    /// Splits the node in two new nodes (docs/DESIGN.md §5.6): the left takes live keys until three fifths of the live
    /// bytes, up to and including the pivot; each side gets the format computed for its keys and range.
    /// </summary>
    /// <exception cref="InvalidOperationException">The node holds fewer than two live keys.</exception>
    public (BtreeNode Left, BtreeNode Right) Split()
    {
        var live = LiveEntries();
        if (live.Count < 2) throw new InvalidOperationException($"A node with {live.Count} live keys cannot be split.");
        var total = live.Sum(k => EncodedBytes(Format, k));
        var target = total * 3 / 5;
        var used = 0L;
        var leftCount = 0;
        while (leftCount < live.Count - 1 && (leftCount == 0 || used < target)) used += EncodedBytes(Format, live[leftCount++]);
        var pivot = live[leftCount - 1].Key.Position;
        var nodeSeq = Header.NodeSeq + 1;
        var left = Build(_codec, _codecOptions, Header.BtreeId, Header.Level, nodeSeq, Header.MinKey, pivot, _buffer, Format, live[..leftCount]);
        var right = Build(_codec, _codecOptions, Header.BtreeId, Header.Level, nodeSeq, pivot.Successor(), Header.MaxKey, _buffer, Format, live[leftCount..]);
        left.DebugVerify("a split");
        right.DebugVerify("a split");
        return (left, right);
    }

    /// <summary>
    /// Merges adjacent siblings (in key order, each starting just after the previous one ends) into one
    /// new node with the format computed over all their keys (docs/DESIGN.md §5.7); null when they do not fit one node.
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
        var sources = siblings.Select(s => (Node: s, Live: s.LiveEntries())).ToList();
        var all = sources.SelectMany(s => s.Live).ToList();
        var format = ChooseFormat(all, first.Header.MinKey, siblings[^1].Header.MaxKey, first.Format);
        if (NodeHeader.ByteCount + all.Sum(k => EncodedBytes(format, k)) + 8 > first._codec.Geometry.NodeBytes) return null;
        var nodeSeq = siblings.Max(s => s.Header.NodeSeq) + 1;
        var header = new NodeHeader(first._codec.Magic, NodeHeader.MakeFlags(first.Header.BtreeId, first.Header.Level, nodeSeq), first.Header.MinKey, siblings[^1].Header.MaxKey, format);
        var merged = Create(first._codec, header, NewSeq(), first._codecOptions);
        merged._bsets.Clear();
        var at = NodeHeader.ByteCount;
        foreach (var (node, live) in sources) at = merged.Append(at, node._buffer, node.Format, live);
        merged.StartWritableBset(NodeHeader.ByteCount, at);
        merged.LiveBytes = at - NodeHeader.ByteCount;
        merged.DebugVerify("a merge");
        return merged;
    }

    /// <summary>A new, unwritten node over [<paramref name="min"/>, <paramref name="max"/>] holding the <paramref name="live"/> keys of <paramref name="source"/>.</summary>
    private static BtreeNode Build(NodeCodec codec, KeyCodecOptions options, uint btreeId, int level, uint nodeSeq, Bpos min, Bpos max, byte[] source, BkeyFormat sourceFormat, List<LiveKey> live)
    {
        var format = ChooseFormat(live, min, max, sourceFormat);
        var node = Create(codec, new NodeHeader(codec.Magic, NodeHeader.MakeFlags(btreeId, level, nodeSeq), min, max, format), NewSeq(), options);
        node._bsets.Clear();
        node.Fill(source, sourceFormat, live);
        return node;
    }

    /// <summary>The format computed from the keys and range, unless <paramref name="fallback"/> packs them smaller.</summary>
    private static BkeyFormat ChooseFormat(List<LiveKey> keys, Bpos min, Bpos max, BkeyFormat fallback)
    {
        var builder = new BkeyFormatBuilder().AddPosition(min).AddPosition(max);
        foreach (var key in keys) builder.AddKey(key.Key);
        var computed = builder.Build();
        return keys.Sum(k => EncodedBytes(computed, k)) <= keys.Sum(k => EncodedBytes(fallback, k)) ? computed : fallback;
    }

    private static long EncodedBytes(BkeyFormat format, LiveKey key) => (format.CanPack(key.Key) ? format.KeyBytes : Bkey.ByteCount) + key.Key.ValueU64s * 8;

    /// <summary>Every live key, unpacked, with where it lies in this node's buffer.</summary>
    private List<LiveKey> LiveEntries()
    {
        var live = new List<LiveKey>();
        var iterator = SeekAtOrAfter(Bpos.Min);
        while (iterator.Peek() is { } at)
        {
            live.Add(new LiveKey(at, KeyAt(at).Key));
            iterator.Advance();
        }
        return live;
    }

    /// <summary>Makes the keys, repacked from <paramref name="source"/>, this node's single writable bset.</summary>
    private void Fill(byte[] source, BkeyFormat sourceFormat, List<LiveKey> live)
    {
        var end = Append(NodeHeader.ByteCount, source, sourceFormat, live);
        StartWritableBset(NodeHeader.ByteCount, end);
        LiveBytes = end - NodeHeader.ByteCount;
    }

    /// <summary>
    /// Appends keys at <paramref name="at"/>: each repacked straight from its source bytes into this
    /// node's format with its value (bcachefs's repack through transform), or stored unpacked where it
    /// does not fit; needs_whiteout cleared. Returns the end of what was written.
    /// </summary>
    private int Append(int at, byte[] source, BkeyFormat sourceFormat, List<LiveKey> live)
    {
        foreach (var entry in live)
        {
            var length = source[entry.Offset] * 8;
            var packed = BsetKeys.IsPacked(source, entry.Offset);
            var inputFormat = packed ? sourceFormat : BkeyFormat.Current;
            var valueBytes = length - inputFormat.KeyBytes;
            if (_buffer.Length - 8 - at < (Format.CanPack(entry.Key) ? Format.KeyBytes : Bkey.ByteCount) + valueBytes)
                throw new InvalidOperationException($"{live.Count} keys do not fit a {_buffer.Length}-byte node.");
            if (!Format.TryTransform(inputFormat, source.AsSpan(entry.Offset, length), _buffer.AsSpan(at), out var written))
            {
                var plain = entry.Key;
                plain.NeedsWhiteout = false;
                plain.Write(_buffer.AsSpan(at));
                source.AsSpan(entry.Offset + inputFormat.KeyBytes, valueBytes).CopyTo(_buffer.AsSpan(at + Bkey.ByteCount));
                written = Bkey.ByteCount + valueBytes;
            }
            _buffer[at + KeyHeader.FormatByteOffset] &= KeyHeader.FormatMask;
            at += written;
        }
        return at;
    }

    /// <summary>A live key of a node: where it lies and what it is.</summary>
    private readonly record struct LiveKey(int Offset, Bkey Key);

    /// <summary>A random nonzero identity for a node's on-disk writes.</summary>
    public static ulong NewSeq() => (ulong)Random.Shared.NextInt64(1, long.MaxValue);
}
