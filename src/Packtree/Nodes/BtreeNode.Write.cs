using Packtree.Keys;

namespace Packtree.Nodes;

// Writing a node (docs/DESIGN.md §3.8): the unwritten bsets and whiteouts become one appended write.
internal sealed partial class BtreeNode
{
    /// <summary>
    /// Writes what is not yet on disk into <paramref name="disk"/>, the node's on-disk bytes: the first
    /// write of a new node, or a later write appended at the next block boundary. Afterwards the node's
    /// bsets are sorted into one written bset. Returns the sectors written (0 when there was nothing).
    /// </summary>
    public int Write(Span<byte> disk)
    {
        Generation++;
        var keys = MergeUnwritten(out var journalSeq);
        int sectors;
        if (WrittenSectors == 0)
        {
            sectors = _codec.WriteFirst(disk, Header, Seq, journalSeq, keys);
        }
        else
        {
            if (keys.Length == 0) return 0;
            if (WrittenSectors + _codec.Geometry.SectorsFor(NodeCodec.EntryHeaderBytes + keys.Length) > _codec.Geometry.NodeSectors)
                throw new InvalidOperationException($"The node's log is full ({WrittenSectors} of {_codec.Geometry.NodeSectors} sectors): rewrite it to a new place first.");
            sectors = _codec.WriteEntry(disk, WrittenSectors, Seq, journalSeq, keys);
        }
        WrittenSectors += sectors;
        SortAfterWrite(journalSeq);
        DebugVerify("a write");
        return sectors;
    }

    /// <summary>
    /// Sectors the node's log has left; when a write would not fit, the tree rewrites the node
    /// (<see cref="Rewrite"/>) to a new place instead.
    /// </summary>
    public int FreeSectors => _codec.Geometry.NodeSectors - WrittenSectors;

    /// <summary>
    /// The keys of the next write: unwritten bsets and whiteouts merged by position (deleted first,
    /// then older first); a deleted key that is not a whiteout is dropped, and so is any key followed
    /// by the same position.
    /// </summary>
    private byte[] MergeUnwritten(out ulong journalSeq)
    {
        journalSeq = 0;
        // Entries point at their bytes: in the node buffer, or (whiteouts) in a side buffer of position-only keys.
        var whiteoutBytes = new List<byte>();
        // Each entry's key fields are at Order * K in one flat array.
        var width = Header.Schema.KeyFieldCount;
        var keys = new List<ulong>();
        var entries = new List<(bool Deleted, bool Whiteout, int Order, int Offset, int Length)>();
        var order = 0;
        Span<ulong> key = stackalloc ulong[width];
        foreach (var bset in _bsets)
        {
            if (bset.Written) continue;
            journalSeq = Math.Max(journalSeq, bset.JournalSeq);
            for (var at = bset.KeysStart; at < bset.KeysEnd; at += BsetKeys.Length(_buffer, at))
            {
                BsetKeys.ReadKey(Format, _buffer, at, key);
                foreach (var field in key) keys.Add(field);
                entries.Add((BsetKeys.IsDeleted(_buffer, at), false, order++, at, BsetKeys.Length(_buffer, at)));
            }
        }
        foreach (var whiteout in _whiteouts)
        {
            var bytes = WhiteoutKey(whiteout);
            keys.AddRange(whiteout);
            entries.Add((true, true, order++, whiteoutBytes.Count, bytes.Length));
            whiteoutBytes.AddRange(bytes);
        }
        var flat = keys.ToArray();
        entries.Sort((a, b) =>
            KeyFields.Compare(KeyOf(a.Order), KeyOf(b.Order)) is var byKey and not 0 ? byKey
            : a.Deleted != b.Deleted ? (a.Deleted ? -1 : 1)
            : a.Order.CompareTo(b.Order));
        var total = 0;
        for (var i = 0; i < entries.Count; i++)
        {
            if (Kept(i)) total += entries[i].Length;
        }
        var output = new byte[total];
        var whiteouts = whiteoutBytes.ToArray();
        var used = 0;
        for (var i = 0; i < entries.Count; i++)
        {
            if (!Kept(i)) continue;
            var entry = entries[i];
            (entry.Whiteout ? whiteouts.AsSpan(entry.Offset, entry.Length) : _buffer.AsSpan(entry.Offset, entry.Length)).CopyTo(output.AsSpan(used));
            used += entry.Length;
        }
        return output;

        ReadOnlySpan<ulong> KeyOf(int order) => flat.AsSpan(order * width, width);

        // A deleted key that is not a whiteout is dropped, and so is any key followed by the same key.
        bool Kept(int i) => !(entries[i].Deleted && !entries[i].Whiteout) &&
            !(i + 1 < entries.Count && KeyFields.Equal(KeyOf(entries[i + 1].Order), KeyOf(entries[i].Order)));
    }

    /// <summary>A deleted key holding only key fields: packed where it fits the format, else unpacked.</summary>
    private byte[] WhiteoutKey(ReadOnlySpan<ulong> key)
    {
        var packed = new byte[Format.KeyBytes];
        if (Format.TryPackSearch(key, packed)) return packed;
        var unpackedFormat = Header.Schema.UnpackedFormat;
        var unpacked = new byte[unpackedFormat.KeyBytes];
        unpackedFormat.TryPackSearch(key, unpacked);
        unpacked[KeyHeader.FormatByteOffset] = Bkey.FormatCurrent;
        return unpacked;
    }

    /// <summary>After a write: every bset sorted into one written bset of live keys, each marked needs_whiteout.</summary>
    private void SortAfterWrite(ulong journalSeq)
    {
        var buffer = NodeBuffers.Rent(_buffer.Length);
        var end = Header.Bytes;
        var iterator = SeekAtOrAfter(KeyFields.Min(Header.Schema));
        while (iterator.Peek() is { } at)
        {
            var length = BsetKeys.Length(_buffer, at);
            _buffer.AsSpan(at, length).CopyTo(buffer.AsSpan(end));
            end += length;
            iterator.Advance();
        }
        SetNeedsWhiteout(buffer, Header.Bytes, end);
        NodeBuffers.Return(_buffer);
        _buffer = buffer;
        _bsets.Clear();
        _whiteouts.Clear();
        WhiteoutBytes = 0;
        _bsets.Add(new BsetState(Header.Bytes, end, written: true, BuildTree(Header.Bytes, end), journalSeq));
    }
}
