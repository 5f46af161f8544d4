using Packtree.Keys;
using Packtree.Nodes;

namespace Packtree.Trees;

// Updates (docs/DESIGN.md §6.5, with §5.3, §5.5, §5.6): insert into the node covering the key; a
// full node is compacted into one bset in a new format when that leaves room, else split, its parent
// gaining a pointer — which may split the parent in turn, up to a new root.
internal sealed partial class Btree
{
    /// <summary>Puts <paramref name="value"/> at <paramref name="position"/>, replacing any value there; true when a value was replaced.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is larger than <see cref="MaxValueBytes"/>.</exception>
    public bool Put(Bpos position, ReadOnlySpan<byte> value)
    {
        Span<ulong> key = stackalloc ulong[BkeyFields.PositionCount];
        KeyFields.FromPosition(position, key);
        return Put(key, value);
    }

    /// <summary>Puts <paramref name="value"/> at <paramref name="key"/> (its key fields), replacing any value there; true when a value was replaced.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is larger than <see cref="MaxValueBytes"/>.</exception>
    public bool Put(ReadOnlySpan<ulong> key, ReadOnlySpan<byte> value)
    {
        if (value.Length > MaxValueBytes)
            throw new ArgumentOutOfRangeException(nameof(value), value.Length, $"A value may have at most {MaxValueBytes} bytes; this one has {value.Length}.");
        return Put(key, TreeValues.TypeFor(value.Length), value);
    }

    /// <summary>Puts a reference to a value kept out of line at <paramref name="key"/>, replacing any value there; true when a value was replaced.</summary>
    public bool PutReference(ReadOnlySpan<ulong> key, ReadOnlySpan<byte> reference) => Put(key, TreeValues.ReferenceType, reference);

    private bool Put(ReadOnlySpan<ulong> key, byte type, ReadOnlySpan<byte> value)
    {
        _store.BeginOperation();
        // Scratch space of the tree's own (one writer at a time: the store's write lock): a stack buffer of the
        // schema's size would slow every put.
        var fields = _putFields;
        key[..Schema.KeyFieldCount].CopyTo(fields); // the fields after the key fields (positions: size, version) stay 0
        var words = (value.Length + 7) / 8 * 8;
        scoped ReadOnlySpan<byte> stored = value;
        if (words != value.Length)
        {
            var padded = _putValue.AsSpan(0, words);
            value.CopyTo(padded);
            padded[value.Length..].Clear();
            stored = padded;
        }
        var replaced = InsertAt(0, fields, type, stored);
        if (!replaced) Count++;
        Version++;
        return replaced;
    }

    /// <summary>Deletes the value at <paramref name="position"/>; false when there was none.</summary>
    public bool Delete(Bpos position)
    {
        Span<ulong> key = stackalloc ulong[BkeyFields.PositionCount];
        KeyFields.FromPosition(position, key);
        return Delete(key);
    }

    /// <summary>Deletes the value at <paramref name="key"/>; false when there was none.</summary>
    public bool Delete(ReadOnlySpan<ulong> key)
    {
        _store.BeginOperation();
        var existed = DeleteAt(0, key);
        if (!existed) return false;
        Count--;
        Version++;
        MergeIfUnderfull(key);
        return true;
    }

    /// <summary>Inserts a key (all its fields) into the node at <paramref name="level"/> covering it, making room as needed; true when it replaced a live key.</summary>
    private bool InsertAt(int level, ReadOnlySpan<ulong> fields, byte type, ReadOnlySpan<byte> value)
    {
        for (var attempt = 0; ; attempt++)
        {
            var node = NodeFor(fields[..Schema.KeyFieldCount], level);
            if (node.Insert(fields, type, value, JournalSeq, out var replaced) == InsertResult.Done) return replaced;
            if (attempt == 32) throw Broken(node, $"no room for a key of {value.Length} value bytes after {attempt} splits");
            MakeRoom(node, value.Length + UnpackedKeyBytes, fields[..Schema.KeyFieldCount], compacted: attempt > 0);
        }
    }

    /// <summary>Points the node at <paramref name="level"/> covering <paramref name="maxKey"/> to a child ending there (replacing any pointer at it).</summary>
    private void InsertPointer(int level, ReadOnlySpan<ulong> maxKey, in BtreePointer pointer) =>
        InsertAt(level, BtreePointer.KeyFor(Schema, maxKey), (byte)BkeyType.BtreePtrV2, pointer.ToBytes(Schema));

    /// <summary>Deletes the key at <paramref name="key"/> from the node at <paramref name="level"/> covering it; true when it was live.</summary>
    private bool DeleteAt(int level, ReadOnlySpan<ulong> key)
    {
        for (var attempt = 0; ; attempt++)
        {
            var node = NodeFor(key, level);
            if (node.Delete(key, JournalSeq, out var existed) == InsertResult.Done) return existed;
            if (attempt == 32) throw Broken(node, $"no room for a whiteout after {attempt} splits");
            MakeRoom(node, UnpackedKeyBytes);
        }
    }

    /// <summary>
    /// Makes room in a full node for a key of about <paramref name="incoming"/> bytes: split when the
    /// live keys pass three quarters of the node or a compacted node would leave no block for the key
    /// (docs/DESIGN.md §5.6 (a), (b)); otherwise compact into one bset in the format computed for the keys (§5.5).
    /// A key appended past every key of the tree's last node (<paramref name="key"/>, when known) splits it only when it
    /// is full (or a compaction, <paramref name="compacted"/>, left no room), and at its end: keys inserted in order leave
    /// full nodes behind them, as B+trees do for appends.
    /// </summary>
    private void MakeRoom(BtreeNode node, int incoming, ReadOnlySpan<ulong> key = default, bool compacted = false)
    {
        var geometry = _store.Codec.Geometry;
        var live = node.LiveBytes;
        var mustSplit = geometry.SectorsFor(NodeHeader.BytesFor(Schema) + live + 8) + geometry.SectorsFor(NodeCodec.EntryHeaderBytes + incoming + 8) > geometry.NodeSectors;
        var appending = !key.IsEmpty && IsAppend(node, key);
        if (mustSplit || (appending ? compacted : live > NodeKeyBytes * 3 / 4)) Split(node, appending);
        else Compact(node);
    }

    /// <summary>Whether <paramref name="key"/> goes past every live key of <paramref name="node"/>, the last node of its level.</summary>
    private bool IsAppend(BtreeNode node, ReadOnlySpan<ulong> key)
    {
        if (!KeyFields.IsMax(Schema, node.Header.MaxKey)) return false;
        var last = node.SeekAtOrBefore(node.Header.MaxKey, new BtreeNode.NodeIterator());
        if (last.Peek() is not { } at) return false;
        Span<ulong> fields = stackalloc ulong[Schema.KeyFieldCount];
        node.KeyAt(at, fields);
        return KeyFields.Compare(key, fields) > 0;
    }

    private void Compact(BtreeNode node)
    {
        node.Rewrite();
        TreeMetrics.Compactions.Add(1);
        var pointer = _store.Update(node);
        if (ReferenceEquals(node, _root)) RootPointer = pointer;
        else InsertPointer(node.Header.Level + 1, node.Header.MaxKey, pointer); // same key: replaces the old pointer
        DebugVerifyPlaced("a compaction", node);
    }

    private void Split(BtreeNode node, bool atEnd = false)
    {
        var level = node.Header.Level;
        var (left, right) = node.Split(atEnd);
        var leftPointer = _store.Add(left);
        var rightPointer = _store.Add(right);
        TreeMetrics.Splits.Add(1);
        if (ReferenceEquals(node, _root))
        {
            if (level + 1 >= MaxLevels) throw Broken(node, $"the tree would need more than {MaxLevels} levels; use larger nodes");
            var root = NewNode(level + 1, _min, _max, node.Header.NodeSeq + 1);
            if (root.Insert(BtreePointer.KeyFor(Schema, left.Header.MaxKey), (byte)BkeyType.BtreePtrV2, leftPointer.ToBytes(Schema), 0, out _) != InsertResult.Done ||
                root.Insert(BtreePointer.KeyFor(Schema, right.Header.MaxKey), (byte)BkeyType.BtreePtrV2, rightPointer.ToBytes(Schema), 0, out _) != InsertResult.Done)
                throw Broken(root, "a new root cannot hold two pointers");
            _root = root;
            RootPointer = _store.Add(root);
            TreeMetrics.NewRoots.Add(1);
        }
        else
        {
            // The left half's pointer first: until the right half's replaces the old pointer, the old
            // node still answers for keys after the pivot, so the tree is whole at every step.
            InsertPointer(level + 1, left.Header.MaxKey, leftPointer);
            InsertPointer(level + 1, right.Header.MaxKey, rightPointer);
        }
        _store.Free(node);
        DebugVerifyPlaced("a split", left, right);
    }
}
