using Packtree.Keys;

namespace Packtree.Tests.Trees;

/// <summary>The reference a tree is checked against: a sorted set of keys and their values.</summary>
internal sealed class OrderedModel
{
    private readonly SortedSet<Bpos> _keys = [];
    private readonly Dictionary<Bpos, byte[]> _values = [];

    public int Count => _keys.Count;

    /// <summary>Puts a value; true when it replaced one.</summary>
    public bool Put(Bpos key, byte[] value)
    {
        var replaced = _values.ContainsKey(key);
        _values[key] = value;
        _keys.Add(key);
        return replaced;
    }

    /// <summary>Removes a key; true when it was there.</summary>
    public bool Remove(Bpos key) => _values.Remove(key) && _keys.Remove(key);

    public byte[]? Get(Bpos key) => _values.GetValueOrDefault(key);

    /// <summary>Every key and value in order.</summary>
    public IEnumerable<(Bpos Key, byte[] Value)> Entries() => _keys.Select(k => (k, _values[k]));

    /// <summary>The keys in <paramref name="range"/>, ascending.</summary>
    public List<Bpos> KeysIn(KeyRange range)
    {
        var low = range.From ?? Bpos.Min;
        var high = range.To ?? Bpos.Max;
        if (low > high) return [];
        return [.. _keys.GetViewBetween(low, high).Where(k => In(range, k))];
    }

    /// <summary>Up to <paramref name="limit"/> keys from <paramref name="from"/> on (inclusive), ascending or descending.</summary>
    public List<Bpos> KeysFrom(Bpos from, bool forward, int limit) =>
        forward ? [.. _keys.GetViewBetween(from, Bpos.Max).Take(limit)] : [.. _keys.GetViewBetween(Bpos.Min, from).Reverse().Take(limit)];

    /// <summary>Whether <paramref name="key"/> lies in <paramref name="range"/>, read from the range's own words (not the library's).</summary>
    public static bool In(KeyRange range, Bpos key) =>
        (range.From is not { } from || (range.FromInclusive ? key >= from : key > from)) &&
        (range.To is not { } to || (range.ToInclusive ? key <= to : key < to));

    /// <summary>An observation of a key and its value.</summary>
    public string Entry(Bpos key) => $"{key}={ModelGen.Describe(_values[key])}";

    /// <summary>An observation of keys and their values, in the order given.</summary>
    public EntryList List(IEnumerable<Bpos> keys)
    {
        var list = new EntryList();
        foreach (var key in keys) list.Add(key, _values[key]);
        return list;
    }

    /// <summary>
    /// Compares a tree's entries, in order, with the model's; null when they are the same, else the first
    /// difference: an extra key, a missing key or another value.
    /// </summary>
    public string? Difference(IEnumerable<(Bpos Key, byte[] Value)> actual)
    {
        using var expected = Entries().GetEnumerator();
        var index = 0;
        foreach (var (key, value) in actual)
        {
            if (!expected.MoveNext()) return $"entry {index}: the tree has {key}={ModelGen.Describe(value)} after the model's last key";
            var (k, v) = expected.Current;
            if (k != key) return $"entry {index}: the tree has {key}={ModelGen.Describe(value)}, the model {k}={ModelGen.Describe(v)}";
            if (!v.AsSpan().SequenceEqual(value)) return $"entry {index}, {key}: the tree's value is {ModelGen.Describe(value)}, the model's {ModelGen.Describe(v)}";
            index++;
        }
        return expected.MoveNext() ? $"entry {index}: the tree ends, the model has {expected.Current.Key}={ModelGen.Describe(expected.Current.Value)} and {Count - index - 1} more" : null;
    }
}

/// <summary>
/// What a model test's runs reached, gathered from all of CsCheck's threads: a test asserts that the runs
/// did grow deep trees and did merge, so that a passing run is not one that never got there.
/// </summary>
internal sealed class ModelCoverage
{
    private int _maxLevels;
    private long _massDeletes;
    private long _maxKeys;
    private long _evictions;
    private long _reopens;

    public int MaxLevels => Volatile.Read(ref _maxLevels);

    public long MassDeletes => Interlocked.Read(ref _massDeletes);

    public long MaxKeys => Interlocked.Read(ref _maxKeys);

    public long Evictions => Interlocked.Read(ref _evictions);

    public long Reopens => Interlocked.Read(ref _reopens);

    /// <summary>Whether the runs are the test's own (not a replayed seed, nor another count or time asked for): only then must they reach everything.</summary>
    public static bool Expected =>
        string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable("CsCheck_Seed")) &&
        string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable("CsCheck_Iter")) &&
        string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable("CsCheck_Time"));

    public void Shape(int levels, long keys)
    {
        for (var seen = MaxLevels; levels > seen; seen = MaxLevels)
            if (Interlocked.CompareExchange(ref _maxLevels, levels, seen) == seen) break;
        for (var seen = MaxKeys; keys > seen; seen = MaxKeys)
            if (Interlocked.CompareExchange(ref _maxKeys, keys, seen) == seen) break;
    }

    public void MassDeleted() => Interlocked.Increment(ref _massDeletes);

    public void Evicted(long nodes) => Interlocked.Add(ref _evictions, nodes);

    public void Reopened() => Interlocked.Increment(ref _reopens);

    public override string ToString() =>
        $"deepest tree {MaxLevels} levels, largest {MaxKeys} keys, {MassDeletes} mass deletes of large trees, {Reopens} reopens, {Evictions} nodes evicted";
}
