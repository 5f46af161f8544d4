using Packtree.Keys;

namespace Packtree;

/// <summary>
/// Puts and deletes, across any trees of one store, applied together by <see cref="Store.Write"/>:
/// atomically (readers see all of them or none) and in the order they were added, so a later update
/// of a key wins. Values are copied in when added; the batch can be cleared and reused.
/// </summary>
public sealed class WriteBatch
{
    private readonly List<Update> _updates = [];
    private readonly List<ulong> _keys = []; // every update's key fields, back to back
    private byte[] _values = new byte[256];
    private int _valuesUsed;

    /// <summary>Number of updates in the batch.</summary>
    public int Count => _updates.Count;

    /// <summary>Adds a put of <paramref name="value"/> at <paramref name="key"/> in <paramref name="tree"/>.</summary>
    /// <exception cref="ValueTooLargeException">The value is larger than the tree takes.</exception>
    public WriteBatch Put(Tree tree, Bpos key, ReadOnlySpan<byte> value)
    {
        ArgumentNullException.ThrowIfNull(tree);
        tree.CheckValue(value.Length);
        Span<ulong> fields = stackalloc ulong[Keys.BkeyFields.PositionCount];
        tree.PositionKey(key, fields);
        return Add(tree, fields, value, delete: false);
    }

    /// <summary>Adds a put of <paramref name="value"/> at the byte key <paramref name="key"/> of <paramref name="tree"/>.</summary>
    /// <exception cref="ValueTooLargeException">The value is larger than the tree takes; the batch is unchanged.</exception>
    /// <exception cref="KeyTooLongException">The key is longer than the tree takes; the batch is unchanged.</exception>
    /// <exception cref="ArgumentException">The tree's keys are not byte strings; the batch is unchanged.</exception>
    public WriteBatch Put(Tree tree, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        ArgumentNullException.ThrowIfNull(tree);
        tree.CheckValue(value.Length);
        Span<ulong> fields = stackalloc ulong[tree.KeyFieldCount];
        tree.BytesKey(key, fields);
        return Add(tree, fields, value, delete: false);
    }

    /// <summary>Adds a deletion of the byte key <paramref name="key"/> of <paramref name="tree"/>.</summary>
    /// <exception cref="KeyTooLongException">The key is longer than the tree takes; the batch is unchanged.</exception>
    /// <exception cref="ArgumentException">The tree's keys are not byte strings; the batch is unchanged.</exception>
    public WriteBatch Delete(Tree tree, ReadOnlySpan<byte> key)
    {
        ArgumentNullException.ThrowIfNull(tree);
        Span<ulong> fields = stackalloc ulong[tree.KeyFieldCount];
        tree.BytesKey(key, fields);
        return Add(tree, fields, [], delete: true);
    }

    /// <summary>Adds a put of <paramref name="value"/> at <paramref name="key"/> of the typed tree <paramref name="tree"/>.</summary>
    /// <exception cref="ValueTooLargeException">The value is larger than the tree takes; the batch is unchanged.</exception>
    /// <exception cref="ArgumentException">A component of the key is too long or not valid text; the batch is unchanged.</exception>
    public WriteBatch Put<TKey>(Tree<TKey> tree, TKey key, ReadOnlySpan<byte> value)
    {
        ArgumentNullException.ThrowIfNull(tree);
        tree.Untyped.CheckValue(value.Length);
        Span<ulong> fields = stackalloc ulong[tree.Untyped.KeyFieldCount];
        tree.Encode(key, fields);
        return Add(tree.Untyped, fields, value, delete: false);
    }

    /// <summary>Adds a deletion of <paramref name="key"/> of the typed tree <paramref name="tree"/>.</summary>
    /// <exception cref="ArgumentException">A component of the key is too long or not valid text; the batch is unchanged.</exception>
    public WriteBatch Delete<TKey>(Tree<TKey> tree, TKey key)
    {
        ArgumentNullException.ThrowIfNull(tree);
        Span<ulong> fields = stackalloc ulong[tree.Untyped.KeyFieldCount];
        tree.Encode(key, fields);
        return Add(tree.Untyped, fields, [], delete: true);
    }

    private WriteBatch Add(Tree tree, ReadOnlySpan<ulong> key, ReadOnlySpan<byte> value, bool delete)
    {
        if (_valuesUsed + value.Length > _values.Length) Array.Resize(ref _values, Math.Max(_values.Length * 2, _valuesUsed + value.Length));
        value.CopyTo(_values.AsSpan(_valuesUsed));
        var keyAt = _keys.Count;
        foreach (var field in key) _keys.Add(field);
        _updates.Add(new Update(tree, keyAt, delete ? -1 : _valuesUsed, value.Length));
        _valuesUsed += value.Length;
        return this;
    }

    /// <summary>Adds a deletion of <paramref name="key"/> in <paramref name="tree"/>.</summary>
    public WriteBatch Delete(Tree tree, Bpos key)
    {
        ArgumentNullException.ThrowIfNull(tree);
        Span<ulong> fields = stackalloc ulong[Keys.BkeyFields.PositionCount];
        tree.PositionKey(key, fields);
        return Add(tree, fields, [], delete: true);
    }

    /// <summary>Empties the batch for reuse.</summary>
    public void Clear()
    {
        _updates.Clear();
        _keys.Clear();
        _valuesUsed = 0;
    }

    internal void CheckTrees(Store store)
    {
        foreach (var update in _updates)
        {
            if (!ReferenceEquals(update.Tree.Store, store))
                throw new ArgumentException($"The batch updates {update.Tree}, which belongs to another store.", "batch");
        }
    }

    /// <summary>
    /// Writes the data of the values kept out of line (before the commit takes the write lock); null when there are
    /// none. Indexed by update.
    /// </summary>
    internal Trees.PendingValue?[]? WriteLargeValues(Store store)
    {
        Trees.PendingValue?[]? pending = null;
        for (var i = 0; i < _updates.Count; i++)
        {
            var update = _updates[i];
            if (update.ValueAt < 0 || !update.Tree.IsLarge(update.ValueLength)) continue;
            pending ??= new Trees.PendingValue?[_updates.Count];
            pending[i] = store.Large.Write(_values.AsSpan(update.ValueAt, update.ValueLength), update.Tree.Id, update.Tree.Settings.Compression);
        }
        return pending;
    }

    /// <summary>The updates as journal records (values point into the batch's buffer; a value kept out of line is its extents and reference).</summary>
    internal List<Storage.JournalRecord> JournalRecords(Trees.PendingValue?[]? pending)
    {
        var records = new List<Storage.JournalRecord>(_updates.Count);
        for (var i = 0; i < _updates.Count; i++)
        {
            var u = _updates[i];
            var key = KeyOf(u).ToArray();
            if (pending?[i] is { } large)
            {
                records.AddRange(Trees.LargeValues.Records(large, u.Tree.Id, key, !u.Tree.Btree.Schema.IsPositions));
                continue;
            }
            records.Add(new(u.ValueAt < 0 ? Storage.JournalOp.Delete : Storage.JournalOp.Put, u.Tree.Id, key,
                !u.Tree.Btree.Schema.IsPositions, u.ValueAt < 0 ? ReadOnlyMemory<byte>.Empty : _values.AsMemory(u.ValueAt, u.ValueLength)));
        }
        return records;
    }

    private ReadOnlySpan<ulong> KeyOf(in Update update) => System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_keys).Slice(update.KeyAt, update.Tree.KeyFieldCount);

    /// <summary>Applies every update; the caller holds the store's write lock.</summary>
    internal void Apply(ulong commitSeq, Trees.PendingValue?[]? pending)
    {
        long puts = 0, deletes = 0;
        for (var i = 0; i < _updates.Count; i++)
        {
            var update = _updates[i];
            var delete = update.ValueAt < 0;
            if (pending?[i] is { } large) update.Tree.Store.ApplyLarge(commitSeq, update.Tree, KeyOf(update), large);
            else update.Tree.Apply(commitSeq, KeyOf(update), delete ? [] : _values.AsSpan(update.ValueAt, update.ValueLength), delete);
            if (delete) deletes++;
            else puts++;
        }
        StoreMetrics.Puts.Add(puts);
        StoreMetrics.Deletes.Add(deletes);
    }

    /// <summary>One update: its key's fields start at <paramref name="KeyAt"/> of the batch's key words; a deletion has <paramref name="ValueAt"/> -1.</summary>
    private readonly record struct Update(Tree Tree, int KeyAt, int ValueAt, int ValueLength);
}
