using System.Diagnostics;
using Packtree.Keys;

namespace Packtree.Nodes;

/// <summary>
/// bcachefs's read-write aux table for the last, growing bset of a node: a sorted array of samples
/// (key offset and the key's fields, kept beside it so that a binary search stays in the table's own
/// memory), about one per 64 bytes of keys. A search binary-searches the samples for the last one below
/// the search key and scans forward from it. Inserts and deletes update
/// the samples in place (docs/DESIGN.md §4.5) instead of rebuilding them.
/// </summary>
internal sealed class ReadWriteAuxTable
{
    /// <summary>Bytes of keys between samples, at least.</summary>
    public const int Spacing = 64;

    private readonly BkeyFormat _format;
    private readonly List<Entry> _entries = [];
    private readonly List<ulong> _keys = []; // entry i's key fields at i * _width
    private readonly int _width;
    private readonly int _capacity;
    private readonly int _keysStart;

    private ReadWriteAuxTable(BkeyFormat format, int keysStart, int capacity)
    {
        _format = format;
        _width = format.Schema.KeyFieldCount;
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
        table.Insert(buffer, 0, keysStart, keysEnd); // entry 0's key is never consulted
        for (var at = keysStart; at < keysEnd && table._entries.Count < table._capacity; at += BsetKeys.Length(buffer, at))
        {
            if (at - table._entries[^1].Offset > Spacing) table.Insert(buffer, table._entries.Count, at, keysEnd);
        }
        return table;
    }

    /// <summary>Where to start scanning for <paramref name="search"/>: the key of the last sample below it (entry 0 counts as below everything).</summary>
    public int StartFor(ReadOnlySpan<ulong> search)
    {
        var keys = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_keys);
        int low = 0, high = _entries.Count;
        while (high - low > 1)
        {
            var probe = (low + high) / 2;
            if (KeyFields.Compare(keys.Slice(probe * _width, _width), search) < 0) low = probe;
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
                BsetKeys.ReadKey(_format, buffer, where, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_keys).Slice(index * _width, _width));
                index++; // the sample stays on the key now at its offset
            }
            else
            {
                RemoveAt(_entries.Count - 1); // the bset's last key was removed
                MaybeAdd(buffer, _entries.Count, keysEnd);
                return;
            }
        }
        if (index < _entries.Count && _entries[index].Offset + shift == _entries[index - 1].Offset) RemoveAt(index);
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
                Insert(buffer, index, at, keysEnd);
                return;
            }
        }
    }

    /// <summary>A sample of the key at <paramref name="at"/> (or of nothing yet, at the end of an empty bset) as entry <paramref name="index"/>.</summary>
    private void Insert(ReadOnlySpan<byte> buffer, int index, int at, int keysEnd)
    {
        _entries.Insert(index, new Entry(at));
        Span<ulong> key = stackalloc ulong[_width];
        if (at < keysEnd) BsetKeys.ReadKey(_format, buffer, at, key);
        else key.Clear();
        _keys.InsertRange(index * _width, (ReadOnlySpan<ulong>)key);
    }

    private void RemoveAt(int index)
    {
        _entries.RemoveAt(index);
        _keys.RemoveRange(index * _width, _width);
    }

    /// <summary>Checks the invariants: entry 0 at the first key, offsets strictly increasing on key boundaries, sampled keys current.</summary>
    internal void Verify(ReadOnlySpan<byte> buffer, int keysEnd)
    {
        if (_entries[0].Offset != _keysStart) throw new InvalidOperationException($"entry 0 is at {_entries[0].Offset}, the bset starts at {_keysStart}");
        Span<ulong> key = stackalloc ulong[_width];
        var next = 1;
        for (var at = _keysStart; at < keysEnd && next < _entries.Count; at += BsetKeys.Length(buffer, at))
        {
            if (_entries[next].Offset < at) throw new InvalidOperationException($"entry {next} at {_entries[next].Offset} is not on a key boundary");
            if (_entries[next].Offset != at) continue;
            BsetKeys.ReadKey(_format, buffer, at, key);
            if (!KeyFields.Equal(key, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_keys).Slice(next * _width, _width)))
                throw new InvalidOperationException($"entry {next} holds a stale key");
            next++;
        }
        if (next != _entries.Count) throw new InvalidOperationException($"entries from {next} lie past the bset's keys");
    }

    private readonly record struct Entry(int Offset);
}
