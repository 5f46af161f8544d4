using System.Diagnostics;
using Packtree.Keys;

namespace Packtree.Nodes;

/// <summary>
/// bcachefs's read-write aux table for the last, growing bset of a node: a sorted array of samples
/// (key offsets), about one per 64 bytes of keys. A search binary-searches the samples, comparing the
/// sampled keys in place, for the last one below the search key and scans forward from it. Inserts and deletes update
/// the samples in place (docs/DESIGN.md §4.5) instead of rebuilding them.
/// </summary>
internal sealed class ReadWriteAuxTable
{
    /// <summary>Bytes of keys between samples, at least.</summary>
    public const int Spacing = 64;

    private readonly BkeyFormat _format;
    private readonly List<Entry> _entries = [];
    private readonly int _capacity;
    private readonly int _keysStart;

    private ReadWriteAuxTable(BkeyFormat format, int keysStart, int capacity)
    {
        _format = format;
        _keysStart = keysStart;
        _capacity = Math.Max(capacity, 1);
    }

    /// <summary>Samples held; entry 0 is always the bset's first key.</summary>
    public int Count => _entries.Count;

    /// <summary>Byte offsets of the sampled keys, in order.</summary>
    public IEnumerable<int> Offsets => _entries.Select(e => e.Offset);

    /// <summary>Builds the table over the keys <paramref name="buffer"/>[<paramref name="keysStart"/>..<paramref name="keysEnd"/>).</summary>
    public static ReadWriteAuxTable Build(BkeyFormat format, ReadOnlySpan<byte> buffer, int keysStart, int keysEnd, int capacity = int.MaxValue)
    {
        var table = new ReadWriteAuxTable(format, keysStart, capacity);
        table._entries.Add(new Entry(keysStart)); // its key is never consulted
        for (var at = keysStart; at < keysEnd && table._entries.Count < table._capacity; at += BsetKeys.Length(buffer, at))
        {
            if (at - table._entries[^1].Offset > Spacing) table._entries.Add(new Entry(at));
        }
        return table;
    }

    /// <summary>
    /// Where to start scanning for <paramref name="search"/>: the key of the last sample below it (entry 0 counts as
    /// below everything). With an exact packed search key (<paramref name="exact"/>) packed samples compare packed.
    /// </summary>
    public int StartFor(ReadOnlySpan<byte> buffer, ReadOnlySpan<ulong> search, ReadOnlySpan<byte> packedSearch, bool exact)
    {
        int low = 0, high = _entries.Count;
        while (high - low > 1)
        {
            var probe = (low + high) / 2;
            var at = _entries[probe].Offset;
            var order = exact && BsetKeys.IsPacked(buffer, at)
                ? _format.ComparePacked(buffer[at..], packedSearch)
                : BsetKeys.CompareToKey(_format, buffer, at, search);
            if (order < 0) low = probe;
            else high = probe;
        }
        return _entries[low].Offset;
    }

    /// <summary>
    /// Updates the samples after <paramref name="removed"/> bytes at <paramref name="where"/> were replaced
    /// by <paramref name="inserted"/> bytes; <paramref name="keysEnd"/> is the bset's new end.
    /// </summary>
    public void Update(ReadOnlySpan<byte> buffer, int where, int removed, int inserted, int keysEnd)
    {
        Debug.Assert(where >= _keysStart && removed >= 0 && inserted >= 0 && where + inserted <= keysEnd && keysEnd <= buffer.Length, "The change must lie inside the bset.");
        var shift = inserted - removed;
        if (where > _entries[^1].Offset)
        {
            MaybeAdd(buffer, _entries.Count, keysEnd);
            return;
        }
        var index = FirstAtOrAfter(where);
        if (_entries[index].Offset == where)
        {
            if (index == 0)
            {
                index = 1; // the first entry is never moved or removed
            }
            else if (where < keysEnd)
            {
                index++; // the sample stays on the key now at its offset
            }
            else
            {
                _entries.RemoveAt(_entries.Count - 1); // the bset's last key was removed
                MaybeAdd(buffer, _entries.Count, keysEnd);
                return;
            }
        }
        if (index < _entries.Count && _entries[index].Offset + shift == _entries[index - 1].Offset) _entries.RemoveAt(index);
        for (var j = index; j < _entries.Count; j++) _entries[j] = _entries[j] with { Offset = _entries[j].Offset + shift };
        MaybeAdd(buffer, index, keysEnd);
    }

    /// <summary>Index of the first entry whose offset is at or after <paramref name="offset"/> (the entries are in offset order).</summary>
    private int FirstAtOrAfter(int offset)
    {
        int low = 0, high = _entries.Count;
        while (low < high)
        {
            var mid = (low + high) >>> 1;
            if (_entries[mid].Offset < offset) low = mid + 1;
            else high = mid;
        }
        return low;
    }

    /// <summary>Adds a sample between entries index-1 and index when they are more than 64 bytes apart.</summary>
    private void MaybeAdd(ReadOnlySpan<byte> buffer, int index, int keysEnd)
    {
        if (_entries.Count >= _capacity) return;
        var start = _entries[index - 1].Offset;
        var end = index == _entries.Count ? keysEnd : _entries[index].Offset;
        if (end - start <= Spacing) return;
        for (var at = start; at < end; at += BsetKeys.Length(buffer, at))
        {
            if (at - start >= Spacing)
            {
                _entries.Insert(index, new Entry(at));
                return;
            }
        }
    }

    /// <summary>Checks the invariants: entry 0 at the first key, offsets strictly increasing on key boundaries.</summary>
    internal void Verify(ReadOnlySpan<byte> buffer, int keysEnd)
    {
        if (_entries[0].Offset != _keysStart) throw new InvalidOperationException($"entry 0 is at {_entries[0].Offset}, the bset starts at {_keysStart}");
        var next = 1;
        for (var at = _keysStart; at < keysEnd && next < _entries.Count; at += BsetKeys.Length(buffer, at))
        {
            if (_entries[next].Offset < at) throw new InvalidOperationException($"entry {next} at {_entries[next].Offset} is not on a key boundary");
            if (_entries[next].Offset != at) continue;
            next++;
        }
        if (next != _entries.Count) throw new InvalidOperationException($"entries from {next} lie past the bset's keys");
    }

    private readonly record struct Entry(int Offset);
}
