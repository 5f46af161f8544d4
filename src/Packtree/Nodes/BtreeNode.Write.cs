using Packtree.Keys;

namespace Packtree.Nodes;

// Writing a node (§3.12): the unwritten bsets and whiteouts become one appended write.
public sealed partial class BtreeNode
{
    /// <summary>
    /// Writes what is not yet on disk into <paramref name="disk"/>, the node's on-disk bytes: the first
    /// write of a new node, or a later write appended at the next block boundary. Afterwards the node's
    /// bsets are sorted into one written bset. Returns the sectors written (0 when there was nothing).
    /// </summary>
    public int Write(Span<byte> disk)
    {
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
        var entries = new List<(Bpos Position, bool Deleted, bool Whiteout, int Order, byte[] Bytes)>();
        var order = 0;
        foreach (var bset in _bsets.Where(b => !b.Written))
        {
            journalSeq = Math.Max(journalSeq, bset.JournalSeq);
            for (var at = bset.KeysStart; at < bset.KeysEnd; at += BsetKeys.Length(_buffer, at))
                entries.Add((BsetKeys.Position(Format, _buffer, at), BsetKeys.IsDeleted(_buffer, at), false, order++, _buffer.AsSpan(at, BsetKeys.Length(_buffer, at)).ToArray()));
        }
        foreach (var position in _whiteouts) entries.Add((position, true, true, order++, WhiteoutKey(position)));
        entries.Sort((a, b) =>
            a.Position != b.Position ? a.Position.CompareTo(b.Position)
            : a.Deleted != b.Deleted ? (a.Deleted ? -1 : 1)
            : a.Order.CompareTo(b.Order));
        var output = new List<byte>();
        for (var i = 0; i < entries.Count; i++)
        {
            var entry = entries[i];
            if (entry.Deleted && !entry.Whiteout) continue;
            if (i + 1 < entries.Count && entries[i + 1].Position == entry.Position) continue;
            output.AddRange(entry.Bytes);
        }
        return [.. output];
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
        var live = new List<byte>();
        var iterator = SeekAtOrAfter(Bpos.Min);
        while (iterator.Peek() is { } at)
        {
            live.AddRange(_buffer.AsSpan(at, BsetKeys.Length(_buffer, at)));
            iterator.Advance();
        }
        var buffer = new byte[_buffer.Length];
        live.CopyTo(buffer, NodeHeader.ByteCount);
        var end = NodeHeader.ByteCount + live.Count;
        SetNeedsWhiteout(buffer, NodeHeader.ByteCount, end);
        _buffer = buffer;
        _bsets.Clear();
        _whiteouts.Clear();
        WhiteoutBytes = 0;
        _bsets.Add(new BsetState(NodeHeader.ByteCount, end, written: true, BuildTree(NodeHeader.ByteCount, end), journalSeq));
    }
}
