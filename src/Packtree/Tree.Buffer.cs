using Packtree.Keys;
using Packtree.Trees;

namespace Packtree;

// The tree's write buffer (docs/DESIGN.md §6.6): updates wait there in key order and reach the btree in sorted
// batches; every read looks at the buffer before the btree.
public sealed partial class Tree
{
    private CountChange? _countChange; // what the buffer does to the count, for the buffer version it was computed at

    /// <summary>The updates not yet in the btree; null when the store buffers none (<see cref="StoreOptions.WriteBufferBytes"/> 0).</summary>
    internal WriteBuffer? Buffer { get; }

    /// <summary>Buffers one update (write lock held), applying the store's buffers once they pass their limit; for a deletion, true when a value was there.</summary>
    private bool AddToBuffer(WriteBuffer buffer, ulong seq, ReadOnlySpan<ulong> key, ReadOnlySpan<byte> value, bool delete)
    {
        var existed = delete && ContainsBuffered(buffer, key);
        var before = buffer.Bytes;
        buffer.Add(seq, key, value, delete);
        Store.BufferedBytesChanged(buffer.Bytes - before);
        if (Store.BufferedBytes > Store.Options.WriteBufferLimit) Store.ApplyWriteBuffers();
        return existed;
    }

    /// <summary>Applies every buffered update to the btree in key order, each with its own commit's number (write lock held).</summary>
    /// <remarks>Applying is idempotent: should it fail part way, the buffer keeps every entry and a later apply (or replay) redoes them.</remarks>
    internal void ApplyBuffer()
    {
        if (Buffer is not { Count: > 0 } buffer) return;
        var owns = Store.Large.MayOwn(Id);
        for (var entry = buffer.First; entry is not null; entry = entry.Next[0])
            ApplyToBtree(entry.Seq, entry.Key, entry.Value, entry.IsDeletion, reference: false, owns);
        Store.BufferedBytesChanged(-buffer.Bytes);
        buffer.Clear();
        TreeMetrics.BufferApplies.Add(1);
    }

    /// <summary>What the buffer holds at <paramref name="key"/>: false when nothing (read the btree); else <paramref name="value"/> is the value, or null for a deletion.</summary>
    internal bool TryFindBuffered(ReadOnlySpan<ulong> key, out byte[]? value)
    {
        if (Buffer is { Count: > 0 } buffer && buffer.Find(key) is { } entry)
        {
            value = entry.Value;
            return true;
        }
        value = null;
        return false;
    }

    /// <summary>Whether the tree has a value at <paramref name="key"/>, the buffer first (a lock held).</summary>
    private bool ContainsBuffered(WriteBuffer buffer, ReadOnlySpan<ulong> key) =>
        buffer.Find(key) is { } entry ? !entry.IsDeletion : Btree.TryFind(key, out _, out _);

    /// <summary>How the buffered updates change the btree's key count (a lock held): each buffered key is looked up in the btree, once per buffer version.</summary>
    private long BufferedCountChange()
    {
        if (Buffer is not { Count: > 0 } buffer) return 0;
        if (Volatile.Read(ref _countChange) is { } known && known.Version == buffer.Version) return known.Change;
        long change = 0;
        for (var entry = buffer.First; entry is not null; entry = entry.Next[0])
        {
            var inBtree = Btree.TryFind(entry.Key, out _, out _);
            if (entry.IsDeletion) change -= inBtree ? 1 : 0;
            else change += inBtree ? 0 : 1;
        }
        Volatile.Write(ref _countChange, new CountChange(buffer.Version, change));
        return change;
    }

    private sealed record CountChange(long Version, long Change);
}
