using Packtree.Keys;

namespace Packtree.Trees;

/// <summary>
/// A tree's write buffer (docs/DESIGN.md §6.6): puts and deletions journaled but not yet in the btree, kept in key
/// order, newest winning, until they are applied to the btree in one sorted batch. A skip list: inserts and seeks in
/// O(log n) with no rebalancing, and a walk both ways along its bottom level.
/// </summary>
/// <remarks>Changed only under the store's write lock; read under its read lock (many readers at once, no writer).</remarks>
internal sealed class WriteBuffer
{
    private const int MaxLevel = 24; // a quarter of the entries reach each next level: 4^24 entries before the top level crowds
    private const int EntryOverheadBytes = 96; // the entry object, its key array's and value array's headers, its links

    private readonly Entry _head = new([], null, 0, new Entry?[MaxLevel]);
    private readonly Entry?[] _path = new Entry?[MaxLevel]; // the insert's predecessors per level (write lock held)
    private Entry? _last;
    private int _level = 1;
    private uint _random = 0x9E3779B9;

    // A Bloom filter of the keys held (two bits per key, about 16 bits of filter per key): most lookups of a key the
    // buffer does not hold, the usual case, end here instead of walking the list's levels through cache misses.
    private ulong[] _filter = new ulong[MinFilterWords];
    private const int MinFilterWords = 64;

    /// <summary>Entries held.</summary>
    public int Count { get; private set; }

    /// <summary>Memory the entries take, about: their keys, values and a fixed overhead each.</summary>
    public long Bytes { get; private set; }

    /// <summary>Bumped by every change: a count computed from the buffer is valid while it holds.</summary>
    public long Version { get; private set; }

    /// <summary>One buffered update: a put of <see cref="Value"/> (whole bytes, not padded) or, when it is null, a deletion.</summary>
    internal sealed class Entry(ulong[] key, byte[]? value, ulong seq, Entry?[] next)
    {
        public readonly ulong[] Key = key;
        public byte[]? Value = value;
        public ulong Seq = seq;
        public readonly Entry?[] Next = next;
        public Entry? Previous;

        public bool IsDeletion => Value is null;
    }

    /// <summary>Buffers a put (or, with <paramref name="delete"/>, a deletion) of commit <paramref name="seq"/>, replacing what the buffer held at the key.</summary>
    public void Add(ulong seq, ReadOnlySpan<ulong> key, ReadOnlySpan<byte> value, bool delete)
    {
        Version++;
        var node = _head;
        for (var level = _level - 1; level >= 0; level--)
        {
            while (node.Next[level] is { } next && KeyFields.Compare(next.Key, key) < 0) node = next;
            _path[level] = node;
        }
        if (node.Next[0] is { } same && KeyFields.Equal(same.Key, key))
        {
            Bytes += (delete ? 0 : value.Length) - (same.Value?.Length ?? 0);
            same.Value = delete ? null : value.ToArray();
            same.Seq = seq;
            return;
        }
        if (Count >= _filter.Length * 4) GrowFilter(); // past 16 filter bits per key
        AddToFilter(key);
        var height = RandomHeight();
        for (; _level < height; _level++) _path[_level] = _head;
        var entry = new Entry(key.ToArray(), delete ? null : value.ToArray(), seq, new Entry?[height]);
        for (var level = 0; level < height; level++)
        {
            entry.Next[level] = _path[level]!.Next[level];
            _path[level]!.Next[level] = entry;
        }
        entry.Previous = ReferenceEquals(node, _head) ? null : node;
        if (entry.Next[0] is { } after) after.Previous = entry;
        else _last = entry;
        Count++;
        Bytes += EntryOverheadBytes + 8 * key.Length + (delete ? 0 : value.Length);
    }

    /// <summary>The entry at <paramref name="key"/>, or null.</summary>
    public Entry? Find(ReadOnlySpan<ulong> key) =>
        MayHold(key) && AtOrAfter(key) is { } entry && KeyFields.Equal(entry.Key, key) ? entry : null;

    /// <summary>The first entry at or after <paramref name="key"/>, or null.</summary>
    public Entry? AtOrAfter(ReadOnlySpan<ulong> key)
    {
        var node = _head;
        for (var level = _level - 1; level >= 0; level--)
        {
            while (node.Next[level] is { } next && KeyFields.Compare(next.Key, key) < 0) node = next;
        }
        return node.Next[0];
    }

    /// <summary>The last entry at or before <paramref name="key"/>, or null.</summary>
    public Entry? AtOrBefore(ReadOnlySpan<ulong> key)
    {
        var node = _head;
        for (var level = _level - 1; level >= 0; level--)
        {
            while (node.Next[level] is { } next && KeyFields.Compare(next.Key, key) <= 0) node = next;
        }
        return ReferenceEquals(node, _head) ? null : node;
    }

    /// <summary>The first entry, or null.</summary>
    public Entry? First => _head.Next[0];

    /// <summary>The last entry, or null.</summary>
    public Entry? Last => _last;

    /// <summary>Empties the buffer (its entries stay readable by whoever holds them).</summary>
    public void Clear()
    {
        Array.Clear(_head.Next);
        if (_filter.Length == MinFilterWords) Array.Clear(_filter);
        else _filter = new ulong[MinFilterWords];
        _last = null;
        _level = 1;
        Count = 0;
        Bytes = 0;
        Version++;
    }

    /// <summary>Whether the buffer may hold <paramref name="key"/>: false means it does not.</summary>
    private bool MayHold(ReadOnlySpan<ulong> key)
    {
        var (first, second) = FilterBits(key, _filter.Length);
        return (_filter[first >> 6] & (1UL << first)) != 0 && (_filter[second >> 6] & (1UL << second)) != 0;
    }

    private void AddToFilter(ReadOnlySpan<ulong> key)
    {
        var (first, second) = FilterBits(key, _filter.Length);
        _filter[first >> 6] |= 1UL << first;
        _filter[second >> 6] |= 1UL << second;
    }

    /// <summary>Doubles the filter and enters every key again (a new array: readers hold the old one whole).</summary>
    private void GrowFilter()
    {
        var grown = new ulong[_filter.Length * 2];
        for (var entry = _head.Next[0]; entry is not null; entry = entry.Next[0])
        {
            var (first, second) = FilterBits(entry.Key, grown.Length);
            grown[first >> 6] |= 1UL << first;
            grown[second >> 6] |= 1UL << second;
        }
        _filter = grown;
    }

    /// <summary>The key's two bits in a filter of <paramref name="words"/> words (a power of two), from one 64-bit hash of its fields.</summary>
    private static (int First, int Second) FilterBits(ReadOnlySpan<ulong> key, int words)
    {
        var hash = 0x9E3779B97F4A7C15UL;
        foreach (var field in key)
        {
            hash = (hash ^ field) * 0xFF51AFD7ED558CCDUL;
            hash ^= hash >> 32;
        }
        hash *= 0xC4CEB9FE1A85EC53UL;
        var mask = words * 64 - 1;
        return ((int)(hash >> 40) & mask, (int)hash & mask);
    }

    private int RandomHeight()
    {
        // xorshift32: the heights need only be independent of the keys, not unpredictable.
        var height = 1;
        while (height < MaxLevel)
        {
            _random ^= _random << 13;
            _random ^= _random >> 17;
            _random ^= _random << 5;
            if ((_random & 3) != 0) break;
            height++;
        }
        return height;
    }
}
