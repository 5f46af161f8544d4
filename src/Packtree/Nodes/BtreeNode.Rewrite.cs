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
        var format = ChooseFormat(new[] { live }, Header.MinKey, Header.MaxKey, Format);
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
    /// bytes, up to and including the pivot (<paramref name="atEnd"/>: all but the last, for keys appended past them);
    /// each side gets the format computed for its keys and range.
    /// </summary>
    /// <exception cref="InvalidOperationException">The node holds fewer than two live keys.</exception>
    public (BtreeNode Left, BtreeNode Right) Split(bool atEnd = false)
    {
        var live = LiveEntries();
        if (live.Count < 2) throw new InvalidOperationException($"A node with {live.Count} live keys cannot be split.");
        var total = live.EncodedBytes(Format);
        var target = atEnd ? total : total * 3 / 5;
        var used = 0L;
        var leftCount = 0;
        while (leftCount < live.Count - 1 && (leftCount == 0 || used < target)) used += live.EncodedBytes(Format, leftCount++);
        var pivot = live.Fields(leftCount - 1)[..Header.Schema.KeyFieldCount].ToArray();
        var rightMin = pivot.ToArray();
        KeyFields.TrySuccessor(Header.Schema, rightMin); // a key follows the pivot, so it is not the greatest
        var nodeSeq = Header.NodeSeq + 1;
        var left = Build(_codec, _codecOptions, Header.BtreeId, Header.Level, nodeSeq, Header.MinKey, pivot, _buffer, Format, live.Slice(0, leftCount));
        var right = Build(_codec, _codecOptions, Header.BtreeId, Header.Level, nodeSeq, rightMin, Header.MaxKey, _buffer, Format, live.Slice(leftCount, live.Count - leftCount));
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
            var schema = siblings[i].Header.Schema;
            var next = siblings[i - 1].Header.MaxKey.ToArray();
            if (!schema.Equals(siblings[i - 1].Header.Schema) || !KeyFields.TrySuccessor(schema, next) || !KeyFields.Equal(next, siblings[i].Header.MinKey))
                throw new ArgumentException($"Node {i} starts at {KeyFields.Text(schema, siblings[i].Header.MinKey)}, not just after node {i - 1}'s end {KeyFields.Text(schema, siblings[i - 1].Header.MaxKey)}.", nameof(siblings));
        }
        var first = siblings[0];
        var sources = siblings.Select(s => (Node: s, Live: s.LiveEntries())).ToList();
        var format = ChooseFormat(sources.Select(s => s.Live), first.Header.MinKey, siblings[^1].Header.MaxKey, first.Format);
        if (first.Header.Bytes + sources.Sum(s => s.Live.EncodedBytes(format)) + 8 > first._codec.Geometry.NodeBytes) return null;
        var nodeSeq = siblings.Max(s => s.Header.NodeSeq) + 1;
        var header = new NodeHeader(first._codec.Magic, NodeHeader.MakeFlags(first.Header.BtreeId, first.Header.Level, nodeSeq), first.Header.MinKey, siblings[^1].Header.MaxKey, format);
        var merged = Create(first._codec, header, NewSeq(), first._codecOptions);
        merged._bsets.Clear();
        var at = merged.Header.Bytes;
        foreach (var (node, live) in sources) at = merged.Append(at, node._buffer, node.Format, live);
        merged.StartWritableBset(merged.Header.Bytes, at);
        merged.LiveBytes = at - merged.Header.Bytes;
        merged.DebugVerify("a merge");
        return merged;
    }

    /// <summary>A new, unwritten node over [<paramref name="min"/>, <paramref name="max"/>] holding the <paramref name="live"/> keys of <paramref name="source"/>.</summary>
    private static BtreeNode Build(NodeCodec codec, KeyCodecOptions options, uint btreeId, int level, uint nodeSeq, ulong[] min, ulong[] max, byte[] source, BkeyFormat sourceFormat, LiveKeys live)
    {
        var format = ChooseFormat(new[] { live }, min, max, sourceFormat);
        var node = Create(codec, new NodeHeader(codec.Magic, NodeHeader.MakeFlags(btreeId, level, nodeSeq), min, max, format), NewSeq(), options);
        node._bsets.Clear();
        node.Fill(source, sourceFormat, live);
        return node;
    }

    /// <summary>
    /// The smallest of: the format computed from the keys and the node's range (as bcachefs computes it), the one from the
    /// keys alone (a key inserted later outside it is kept unpacked; not for a level's last node), and <paramref name="fallback"/>.
    /// </summary>
    private static BkeyFormat ChooseFormat(IEnumerable<LiveKeys> keys, ulong[] min, ulong[] max, BkeyFormat fallback)
    {
        var withRange = new BkeyFormatBuilder(fallback.Schema).AddKeyFields(min).AddKeyFields(max);
        var alone = new BkeyFormatBuilder(fallback.Schema);
        var any = false;
        foreach (var part in keys)
        {
            for (var i = 0; i < part.Count; i++)
            {
                withRange.AddFields(part.Fields(i));
                alone.AddFields(part.Fields(i));
                any = true;
            }
        }
        var best = fallback;
        var bestBytes = keys.Sum(k => k.EncodedBytes(fallback));
        // Not in a level's last node: keys appended past the tree's last key would all go unpacked.
        var last = KeyFields.IsMax(fallback.Schema, max);
        foreach (var candidate in any && !last ? [withRange.Build(), alone.Build()] : new[] { withRange.Build() })
        {
            var bytes = keys.Sum(k => k.EncodedBytes(candidate));
            if (bytes < bestBytes || (bytes == bestBytes && ReferenceEquals(best, fallback))) (best, bestBytes) = (candidate, bytes);
        }
        return best;
    }

    /// <summary>Every live key, its fields unpacked, with where it lies in this node's buffer.</summary>
    private LiveKeys LiveEntries()
    {
        var live = new LiveKeys(Format.FieldCount);
        var iterator = SeekAtOrAfter(KeyFields.Min(Header.Schema));
        Span<ulong> fields = stackalloc ulong[Format.FieldCount];
        while (iterator.Peek() is { } at)
        {
            BsetKeys.LayoutOf(Format, _buffer, at).UnpackFields(_buffer.AsSpan(at), fields);
            live.Add(at, fields, (BsetKeys.Length(_buffer, at) - BsetKeys.KeyBytes(Format, _buffer, at)) / 8);
            iterator.Advance();
        }
        return live;
    }

    /// <summary>Makes the keys, repacked from <paramref name="source"/>, this node's single writable bset.</summary>
    private void Fill(byte[] source, BkeyFormat sourceFormat, LiveKeys live)
    {
        var end = Append(Header.Bytes, source, sourceFormat, live);
        StartWritableBset(Header.Bytes, end);
        LiveBytes = end - Header.Bytes;
    }

    /// <summary>
    /// Appends keys at <paramref name="at"/>: each repacked straight from its source bytes into this
    /// node's format with its value (bcachefs's repack through transform), or stored unpacked where it
    /// does not fit; needs_whiteout cleared. Returns the end of what was written.
    /// </summary>
    private int Append(int at, byte[] source, BkeyFormat sourceFormat, LiveKeys live)
    {
        var unpacked = Format.Schema.UnpackedFormat;
        for (var i = 0; i < live.Count; i++)
        {
            var offset = live.Offset(i);
            var length = source[offset] * 8;
            var inputFormat = BsetKeys.LayoutOf(sourceFormat, source, offset);
            if (_buffer.Length - 8 - at < live.EncodedBytes(Format, i))
                throw new InvalidOperationException($"{live.Count} keys do not fit a {_buffer.Length}-byte node.");
            if (!Format.TryTransform(inputFormat, source.AsSpan(offset, length), _buffer.AsSpan(at), out var written))
            {
                // Does not fit the new format: stored unpacked (every key fits the unpacked format).
                unpacked.TryTransform(inputFormat, source.AsSpan(offset, length), _buffer.AsSpan(at), out written);
                _buffer[at + KeyHeader.FormatByteOffset] = Bkey.FormatCurrent;
            }
            _buffer[at + KeyHeader.FormatByteOffset] &= KeyHeader.FormatMask;
            at += written;
        }
        return at;
    }

    /// <summary>A random nonzero identity for a node's on-disk writes.</summary>
    public static ulong NewSeq() => (ulong)Random.Shared.NextInt64(1, long.MaxValue);
}
