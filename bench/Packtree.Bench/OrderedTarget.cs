using Packtree.Keys;

namespace Packtree.Bench;

/// <summary>An ordered map the tree workloads run against: Packtree's tree, or a baseline.</summary>
public interface IOrderedTarget
{
    /// <summary>The name in the report.</summary>
    string Name { get; }

    /// <summary>Stores a value.</summary>
    void Put(Bpos key, ReadOnlySpan<byte> value);

    /// <summary>Reads a value into <paramref name="buffer"/>; its length, or -1 when absent.</summary>
    int Get(Bpos key, Span<byte> buffer);

    /// <summary>Deletes a key.</summary>
    bool Delete(Bpos key);

    /// <summary>Visits every key in order; returns a checksum of what it saw.</summary>
    ulong ScanAll();
}

/// <summary>A Packtree tree in an in-memory store.</summary>
public sealed class PacktreeTarget(Tree tree) : IOrderedTarget
{
    public string Name => "packtree";

    public void Put(Bpos key, ReadOnlySpan<byte> value) => tree.Put(key, value);

    public int Get(Bpos key, Span<byte> buffer) => tree.TryGet(key, buffer, out var length) ? length : -1;

    public bool Delete(Bpos key) => tree.Delete(key);

    public ulong ScanAll()
    {
        ulong sum = 0;
        foreach (var entry in tree.Scan()) sum += entry.Key.Offset + (ulong)entry.Value.Length;
        return sum;
    }
}

/// <summary>The in-memory baseline: <see cref="SortedDictionary{TKey, TValue}"/> of positions to arrays, each value its own array.</summary>
public sealed class SortedDictionaryTarget : IOrderedTarget
{
    private readonly SortedDictionary<Bpos, byte[]> _map = [];

    public string Name => "sorted_dictionary";

    public void Put(Bpos key, ReadOnlySpan<byte> value) => _map[key] = value.ToArray();

    public int Get(Bpos key, Span<byte> buffer)
    {
        if (!_map.TryGetValue(key, out var value)) return -1;
        value.CopyTo(buffer);
        return value.Length;
    }

    public bool Delete(Bpos key) => _map.Remove(key);

    public ulong ScanAll()
    {
        ulong sum = 0;
        foreach (var (key, value) in _map) sum += key.Offset + (ulong)value.Length;
        return sum;
    }
}
