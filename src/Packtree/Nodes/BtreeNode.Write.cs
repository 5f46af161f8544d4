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
        var entries = new List<(Bpos Position, bool Deleted, bool Whiteout, int Order, int Offset, int Length)>();
        var order = 0;
        foreach (var bset in _bsets)
        {
            if (bset.Written) continue;
            journalSeq = Math.Max(journalSeq, bset.JournalSeq);
            for (var at = bset.KeysStart; at < bset.KeysEnd; at += BsetKeys.Length(_buffer, at))
                entries.Add((BsetKeys.Position(Format, _buffer, at), BsetKeys.IsDeleted(_buffer, at), false, order++, at, BsetKeys.Length(_buffer, at)));
        }
        foreach (var position in _whiteouts)
        {
            var key = WhiteoutKey(position);
            entries.Add((position, true, true, order++, whiteoutBytes.Count, key.Length));
            whiteoutBytes.AddRange(key);
        }
        entries.Sort((a, b) =>
            a.Position != b.Position ? a.Position.CompareTo(b.Position)
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

        // A deleted key that is not a whiteout is dropped, and so is any key followed by the same position.
        bool Kept(int i) => !(entries[i].Deleted && !entries[i].Whiteout) && !(i + 1 < entries.Count && entries[i + 1].Position == entries[i].Position);
    }

    /// <summary>A position-only deleted key: packed where the position fits the format, else unpacked.</summary>
    private byte[] WhiteoutKey(Bpos position)
    {
        var packed = new byte[Format.KeyBytes];
        if (Format.TryPackPosition(position, packed)) return packed;
        var unpacked = new byte[Bkey.ByteCount];
        new Bkey(position).Write(unpacked);
        return unpacked;
    }

    /// <summary>After a write: every bset sorted into one written bset of live keys, each marked needs_whiteout.</summary>
    private void SortAfterWrite(ulong journalSeq)
    {
        var buffer = NodeBuffers.Rent(_buffer.Length);
        var end = NodeHeader.ByteCount;
        var iterator = SeekAtOrAfter(Bpos.Min);
        while (iterator.Peek() is { } at)
        {
            var length = BsetKeys.Length(_buffer, at);
            _buffer.AsSpan(at, length).CopyTo(buffer.AsSpan(end));
            end += length;
            iterator.Advance();
        }
        SetNeedsWhiteout(buffer, NodeHeader.ByteCount, end);
        NodeBuffers.Return(_buffer);
        _buffer = buffer;
        _bsets.Clear();
        _whiteouts.Clear();
        WhiteoutBytes = 0;
        _bsets.Add(new BsetState(NodeHeader.ByteCount, end, written: true, BuildTree(NodeHeader.ByteCount, end), journalSeq));
    }
}
