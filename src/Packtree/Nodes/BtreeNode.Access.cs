using System.Buffers.Binary;
using System.Diagnostics;
using Packtree.Keys;

namespace Packtree.Nodes;

// Reading single keys in place by byte offset, for the tree above: no iterator, no copy.
internal sealed partial class BtreeNode
{
    /// <summary>A slot the layer that owns the node may use to find it again (its cache entry, say); the node ignores it.</summary>
    public int Handle { get; set; } = -1;

    /// <summary>Where the owning store keeps the node on its device, in sectors; 0 while it has no place yet.</summary>
    public ulong Address { get; set; }

    /// <summary>When the node was last used, in the owning store's clock (for cache eviction).</summary>
    public long LastUsed { get; set; }

    /// <summary>
    /// Overwrites word <paramref name="word"/> of the value at byte <paramref name="at"/> in place, without
    /// making the node dirty: only for hints that readers check and disk copies may lack (a pointer's
    /// cache slot). An aligned 8-byte store, so a concurrent reader sees the old word or the new one.
    /// </summary>
    public void SetValueWordHint(int at, int word, ulong value)
    {
        var keyBytes = BsetKeys.KeyBytes(Format, _buffer, at);
        Debug.Assert(word >= 0 && keyBytes + 8 * word + 8 <= BsetKeys.Length(_buffer, at), "The word must lie in the key's value, not in the next key.");
        BinaryPrimitives.WriteUInt64LittleEndian(_buffer.AsSpan(at + keyBytes + 8 * word, 8), value);
    }

    /// <summary>Whether the next write fits the node's log (an upper bound on its size: every unwritten byte and whiteout).</summary>
    public bool NextWriteFits()
    {
        var bytes = _bsets.Where(b => !b.Written).Sum(b => b.KeysEnd - b.KeysStart) + WhiteoutBytes;
        var header = WrittenSectors == 0 ? Header.Bytes : NodeCodec.EntryHeaderBytes;
        return WrittenSectors + _codec.Geometry.SectorsFor(header + bytes) <= _codec.Geometry.NodeSectors;
    }

    /// <summary>As <see cref="FindAtOrAfter(ReadOnlySpan{ulong})"/>, for a position.</summary>
    public int FindAtOrAfter(Bpos position)
    {
        Span<ulong> key = stackalloc ulong[BkeyFields.PositionCount];
        KeyFields.FromPosition(position, key);
        return FindAtOrAfter(key);
    }

    /// <summary>Byte offset of the first live key at or after <paramref name="key"/>, or -1 when there is none.</summary>
    /// <remarks>Allocation-free: each bset is searched with its aux structure, deleted keys passed over, and the least key wins (live keys are unique across bsets).</remarks>
    public int FindAtOrAfter(ReadOnlySpan<ulong> key)
    {
        Span<byte> packed = stackalloc byte[ReadOnlyAuxTree.SearchKeyBytes(Format)];
        packed.Clear();
        var result = Format.PackSearchLossy(key, packed);
        var best = -1;
        foreach (var bset in _bsets)
        {
            var at = SearchBset(bset, key, packed, result);
            while (at < bset.KeysEnd && BsetKeys.IsDeleted(_buffer, at)) at += BsetKeys.Length(_buffer, at);
            if (at >= bset.KeysEnd) continue;
            if (best < 0 || IteratorOrder(at, best) < 0) best = at;
        }
        return best;
    }

    /// <summary>The type of the key at byte <paramref name="at"/>.</summary>
    public byte TypeAt(int at) => _buffer[at + 2];

    /// <summary>The value of the key at byte <paramref name="at"/>: whole words, valid until the node changes.</summary>
    public ReadOnlySpan<byte> ValueAt(int at)
    {
        var keyBytes = BsetKeys.KeyBytes(Format, _buffer, at);
        return _buffer.AsSpan(at + keyBytes, BsetKeys.Length(_buffer, at) - keyBytes);
    }

    /// <summary>Word <paramref name="word"/> of the value of the key at byte <paramref name="at"/>, little-endian.</summary>
    public ulong ValueWordAt(int at, int word)
    {
        var keyBytes = BsetKeys.KeyBytes(Format, _buffer, at);
        Debug.Assert(word >= 0 && keyBytes + 8 * word + 8 <= BsetKeys.Length(_buffer, at), "The word must lie in the key's value.");
        return BinaryPrimitives.ReadUInt64LittleEndian(_buffer.AsSpan(at + keyBytes + 8 * word, 8));
    }
}
