using Packtree.Keys;
using Packtree.Nodes;
using Packtree.Trees;

namespace Packtree;

/// <summary>
/// A position in a tree that moves both ways: <c>Seek</c> (first key at or after), <c>SeekForPrev</c> (last key at
/// or before), <see cref="Next"/>, <see cref="Prev"/>; keys are positions or bytes, as the tree's are.
/// </summary>
/// <remarks>
/// A cursor reads keys in runs (8 at first, doubling up to 256 while it keeps moving the same way),
/// each run copied out under one short read lock, so it never holds the store's lock between calls
/// and writers are not kept waiting by a slow reader. Each run shows the tree as it was when it was
/// read; the next run continues just after the last key returned, so keys come in strict order with
/// no repeats even while others write. Use a cursor from one thread at a time; reuse it freely.
/// </remarks>
public sealed class Cursor
{
    private const int FirstRun = 8;
    private const int LongestRun = 256;

    private readonly Tree _tree;
    private readonly int _width; // key fields per key
    private readonly int _longestRunBytes; // the values a run holds, unless its first alone is longer: four nodes' worth
    private readonly bool _positions; // the tree's keys are positions (three fields)
    private readonly BtreeNode.NodeIterator _iterator = new();
    private ulong[] _keys; // the run's keys, _width fields each
    private int[] _valueStarts = new int[LongestRun + 1];
    private readonly int[] _offsets = new int[LongestRun]; // byte offsets in the leaf of the keys just read forward
    private byte[] _values = new byte[16 * 1024];
    private byte[]? _keyBytes; // the current byte key, decoded on demand
    private int _keyBytesIndex = -1;
    private int _keyBytesLength;
    private int _count;
    private int _index;
    private bool _forward;
    private bool _more;
    private int _runLength = FirstRun;
    private readonly ulong[] _scratch; // the key being read (a field: a stackalloc would slow the whole loop)
    private readonly ulong[] _low; // the range's ends, inclusive, as key fields
    private readonly ulong[] _high;
    private bool _emptyRange;
    private BtreeNode? _resumeLeaf; // where the last run stopped, valid while the leaf keeps its generation
    private long _resumeGeneration;
    private bool _resumeForward;
    private BufferMerge? _merge; // a second run, the run merged with the tree's write buffer is built in (made on first use)

    internal Cursor(Tree tree)
    {
        _tree = tree;
        _width = tree.KeyFieldCount;
        _positions = tree.Btree.Schema.IsPositions;
        _longestRunBytes = 4 * tree.Store.Options.NodeBytes;
        _keys = new ulong[LongestRun * _width];
        (_low, _high, _scratch) = (new ulong[_width], new ulong[_width], new ulong[_width]);
        SetRange(ScanRange.All);
    }

    /// <summary>The tree the cursor walks.</summary>
    public Tree Tree => _tree;

    /// <summary>Whether the cursor is on a key.</summary>
    public bool IsValid => _index < _count;

    /// <summary>The current key, in a tree of positions.</summary>
    /// <exception cref="InvalidOperationException">The cursor is not on a key, or the tree's keys are not positions.</exception>
    public Bpos Key
    {
        get
        {
            if (!_positions || !IsValid) throw NotPosition();
            var at = _index * BkeyFields.PositionCount;
            return new Bpos(_keys[at], _keys[at + 1], (uint)_keys[at + 2]);
        }
    }

    /// <summary>The current key's bytes, in a tree of byte keys: valid until the cursor moves; nothing is allocated per key.</summary>
    /// <exception cref="InvalidOperationException">The cursor is not on a key, or the tree's keys are not byte strings.</exception>
    public ReadOnlySpan<byte> KeyBytes
    {
        get
        {
            if (!_tree.KeyKind.IsBytes) throw new InvalidOperationException($"Tree '{_tree.Name}' holds {_tree.KeyKind} keys: read Key.");
            if (!IsValid) throw NotOnKey();
            if (_keyBytesIndex != _index)
            {
                _keyBytes ??= new byte[_tree.KeyKind.MaxBytes];
                _keyBytesLength = _tree.KeyBytes(CurrentFields, _keyBytes);
                _keyBytesIndex = _index;
            }
            return _keyBytes.AsSpan(0, _keyBytesLength);
        }
    }

    /// <summary>The current value, valid until the cursor moves.</summary>
    /// <exception cref="InvalidOperationException">The cursor is not on a key.</exception>
    /// <remarks>A value kept out of line is read with its key, when the cursor reads its run of keys.</remarks>
    /// <exception cref="CorruptStoreException">A value kept out of line is damaged.</exception>
    public ReadOnlySpan<byte> Value => IsValid ? CurrentValue : throw NotOnKey();

    /// <summary>The current position, unchecked: for an enumerator that knows the cursor is on a key of a tree of positions.</summary>
    internal Bpos CurrentPosition
    {
        get
        {
            var at = _index * BkeyFields.PositionCount;
            return new Bpos(_keys[at], _keys[at + 1], (uint)_keys[at + 2]);
        }
    }

    /// <summary>The current value, unchecked: for an enumerator that knows the cursor is on a key.</summary>
    internal ReadOnlySpan<byte> CurrentValue => _values.AsSpan(_valueStarts[_index], _valueStarts[_index + 1] - _valueStarts[_index]);

    /// <summary>The current key's fields (the cursor is on a key).</summary>
    internal ReadOnlySpan<ulong> CurrentFields => _keys.AsSpan(_index * _width, _width);

    /// <summary>Limits the cursor to <paramref name="range"/> of positions (all keys by default); the cursor is left on no key.</summary>
    /// <exception cref="ArgumentException">The tree's keys are not positions.</exception>
    public void SetRange(KeyRange range) => SetRange(ScanRange.Of(range).For(_tree));

    /// <summary>Limits the cursor to <paramref name="range"/> of byte keys; the cursor is left on no key.</summary>
    /// <exception cref="ArgumentException">The tree's keys are not byte strings.</exception>
    public void SetRange(BytesRange range) => SetRange(ScanRange.Of(range).For(_tree));

    internal void SetRange(ScanRange range)
    {
        _emptyRange = !range.TryFill(_tree, _low, _high);
        _count = _index = 0;
        _resumeLeaf = null;
    }

    /// <summary>Moves to the first key at or after <paramref name="key"/> (within the range); false when there is none.</summary>
    /// <exception cref="ArgumentException">The tree's keys are not positions.</exception>
    public bool Seek(Bpos key)
    {
        Span<ulong> fields = stackalloc ulong[BkeyFields.PositionCount];
        _tree.PositionKey(key, fields);
        return Seek(fields);
    }

    /// <summary>Moves to the first key at or after <paramref name="key"/> (within the range); false when there is none.</summary>
    /// <exception cref="ArgumentException">The tree's keys are not byte strings.</exception>
    /// <exception cref="KeyTooLongException">The key is longer than the tree's keys.</exception>
    public bool Seek(ReadOnlySpan<byte> key)
    {
        Span<ulong> fields = stackalloc ulong[_width];
        _tree.BytesKey(key, fields);
        return Seek(fields);
    }

    /// <summary>Moves to the last key at or before <paramref name="key"/> (within the range); false when there is none.</summary>
    /// <exception cref="ArgumentException">The tree's keys are not positions.</exception>
    public bool SeekForPrev(Bpos key)
    {
        Span<ulong> fields = stackalloc ulong[BkeyFields.PositionCount];
        _tree.PositionKey(key, fields);
        return SeekForPrev(fields);
    }

    /// <summary>Moves to the last key at or before <paramref name="key"/> (within the range); false when there is none.</summary>
    /// <exception cref="ArgumentException">The tree's keys are not byte strings.</exception>
    /// <exception cref="KeyTooLongException">The key is longer than the tree's keys.</exception>
    public bool SeekForPrev(ReadOnlySpan<byte> key)
    {
        Span<ulong> fields = stackalloc ulong[_width];
        _tree.BytesKey(key, fields);
        return SeekForPrev(fields);
    }

    private bool Seek(ReadOnlySpan<ulong> key)
    {
        _runLength = FirstRun;
        _resumeLeaf = null;
        Fill(KeyFields.Compare(key, _low) < 0 ? _low : key, forward: true);
        return IsValid;
    }

    private bool SeekForPrev(ReadOnlySpan<ulong> key)
    {
        _runLength = FirstRun;
        _resumeLeaf = null;
        Fill(KeyFields.Compare(key, _high) > 0 ? _high : key, forward: false);
        return IsValid;
    }

    /// <summary>Moves to the first key of the range.</summary>
    public bool SeekToFirst() => Seek(_low.AsSpan());

    /// <summary>Moves to the last key of the range.</summary>
    public bool SeekToLast() => SeekForPrev(_high.AsSpan());

    /// <summary>Moves to the next key; false (and on no key) at the end.</summary>
    public bool Next()
    {
        if (!IsValid) return false;
        if (_forward && ++_index < _count) return true; // the usual step: within the run, nothing else to do
        return NextRun();
    }

    private bool NextRun()
    {
        var schema = _tree.Btree.Schema;
        Span<ulong> next = stackalloc ulong[_width];
        if (_forward)
        {
            _keys.AsSpan((_count - 1) * _width, _width).CopyTo(next);
            if (!_more || !KeyFields.TrySuccessor(schema, next)) return false;
            Grow();
            Fill(next, forward: true);
            return IsValid;
        }
        CurrentFields.CopyTo(next);
        _runLength = FirstRun;
        _resumeLeaf = null;
        if (KeyFields.Compare(next, _high) >= 0 || !KeyFields.TrySuccessor(schema, next)) return Stop();
        Fill(next, forward: true);
        return IsValid;
    }

    /// <summary>Moves to the previous key; false (and on no key) at the start.</summary>
    public bool Prev()
    {
        if (!IsValid) return false;
        if (!_forward && ++_index < _count) return true; // the usual step: within the run
        return PreviousRun();
    }

    private bool PreviousRun()
    {
        var schema = _tree.Btree.Schema;
        Span<ulong> previous = stackalloc ulong[_width];
        if (!_forward)
        {
            _keys.AsSpan((_count - 1) * _width, _width).CopyTo(previous);
            if (!_more || !KeyFields.TryPredecessor(schema, previous)) return false;
            Grow();
            Fill(previous, forward: false);
            return IsValid;
        }
        CurrentFields.CopyTo(previous);
        _runLength = FirstRun;
        _resumeLeaf = null;
        if (KeyFields.Compare(previous, _low) <= 0 || !KeyFields.TryPredecessor(schema, previous)) return Stop();
        Fill(previous, forward: false);
        return IsValid;
    }

    /// <summary>Scans <paramref name="range"/> of positions with this cursor: no allocation at all.</summary>
    /// <exception cref="ArgumentException">The tree's keys are not positions.</exception>
    public ScanEnumerable Scan(KeyRange range, bool reverse = false) => new(this, ScanRange.Of(range).For(_tree), reverse);

    /// <summary>Scans <paramref name="range"/> of byte keys with this cursor: no allocation per key.</summary>
    /// <exception cref="ArgumentException">The tree's keys are not byte strings.</exception>
    public ScanEnumerable Scan(BytesRange range) => Scan(range, reverse: false);

    /// <summary>As <see cref="Scan(BytesRange)"/>, descending when <paramref name="reverse"/>.</summary>
    /// <exception cref="ArgumentException">The tree's keys are not byte strings.</exception>
    public ScanEnumerable Scan(BytesRange range, bool reverse) => new(this, ScanRange.Of(range).For(_tree), reverse);

    private bool Stop()
    {
        _count = _index = 0;
        return false;
    }

    private void Grow() => _runLength = Math.Min(_runLength * 2, LongestRun);

    /// <summary>Reads the next run of keys from <paramref name="from"/> (inclusive) in one direction, under one read lock.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)] // a scan's first runs must not wait for tiering
    private void Fill(ReadOnlySpan<ulong> from, bool forward)
    {
        _count = _index = 0;
        _keyBytesIndex = -1;
        _forward = forward;
        _more = false;
        if (_emptyRange || KeyFields.Compare(from, _low) < 0 || KeyFields.Compare(from, _high) > 0) return;
        var store = _tree.Store;
        store.EnterRead();
        try
        {
            ReadFromTree(from, forward);
            if (_tree.Buffer is { Count: > 0 } buffer) MergeBuffer(buffer, from, forward);
        }
        finally
        {
            store.ExitRead();
        }
        StoreMetrics.ScanChunks.Add(1);
    }

    /// <summary>Reads the next run of keys from the btree alone (a read lock held).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)] // a scan's first runs must not wait for tiering
    private void ReadFromTree(ReadOnlySpan<ulong> from, bool forward)
    {
        _count = _index = 0;
        _more = false;
        var btree = _tree.Btree;
        var schema = btree.Schema;
        BtreeNode leaf;
        if (_resumeLeaf is { } resume && resume.Generation == _resumeGeneration && _resumeForward == forward && resume.Handle >= 0)
        {
            leaf = resume; // the last run stopped here and nothing moved: the iterator is on the next key already
        }
        else
        {
            leaf = btree.SeekLeaf(from, forward, _iterator);
        }
        _resumeLeaf = null;
        var bound = forward ? _high : _low;
        var bounded = forward ? !KeyFields.IsMax(schema, bound) : bound.AsSpan().IndexOfAnyExcept(0UL) >= 0;
        var used = 0;
        while (true)
        {
            var at = _iterator.CurrentOffset;
            if (at < 0)
            {
                // This leaf is done: on to its neighbour, unless the range ends here.
                if (btree.NextLeaf(leaf, forward, bound, _iterator) is not { } next) break;
                leaf = next;
                continue;
            }
            if (forward)
            {
                if (!FillForward(leaf, bounded, ref used)) break;
                continue;
            }
            if (FillBackward(leaf, bounded, ref used) is { } more)
            {
                if (!more) break;
                continue;
            }
            // Read straight into the run's slot for it (the scratch key once the run is full: that key is not kept).
            var key = _count < LongestRun ? _keys.AsSpan(_count * _width, _width) : _scratch.AsSpan();
            leaf.KeyAt(at, key);
            if (bounded && KeyFields.Compare(key, bound) < 0) break;
            if (_count == _runLength)
            {
                _more = true;
                ResumeAt(leaf, forward);
                break;
            }
            if (!TakeValue(leaf, at, ref used))
            {
                ResumeAt(leaf, forward); // the iterator is on the key that did not fit
                break;
            }
            _iterator.Step(forward);
        }
    }

    /// <summary>
    /// Merges the tree's write buffer into the run just read (a read lock held): the buffer's entries between
    /// <paramref name="from"/> and where the run ends replace, add or (deletions) remove keys, and the run is cut at
    /// its length. A run whose every key the buffer deleted goes on past them.
    /// </summary>
    private void MergeBuffer(WriteBuffer buffer, ReadOnlySpan<ulong> from, bool forward)
    {
        var merge = _merge ??= new BufferMerge(_width);
        from.CopyTo(merge.From);
        while (true)
        {
            // The tree's keys are all read up to the run's last key when more follow, else up to the range's end.
            if (_more) _keys.AsSpan((_count - 1) * _width, _width).CopyTo(merge.End);
            else (forward ? _high : _low).CopyTo(merge.End);
            // A run cut short ends before the tree's iterator: the next must search again. Otherwise the next run may
            // resume there, all the buffer's puts up to it being in this run (deletions met again remove nothing).
            if (MergeRun(buffer, merge, forward)) _resumeLeaf = null;
            if (_count > 0 || !_more) return;
            if (!(forward ? KeyFields.TrySuccessor(_tree.Btree.Schema, merge.End) : KeyFields.TryPredecessor(_tree.Btree.Schema, merge.End)))
            {
                _more = false;
                return;
            }
            merge.End.CopyTo(merge.From);
            _resumeLeaf = null;
            ReadFromTree(merge.From, forward);
        }
    }

    /// <summary>
    /// One merge of the run with the buffer's entries from <c>merge.From</c> to <c>merge.End</c>, into the second run,
    /// which then becomes the run; true when it was cut at the run's length before both were used up.
    /// </summary>
    private bool MergeRun(WriteBuffer buffer, BufferMerge merge, bool forward)
    {
        var direction = forward ? 1 : -1;
        var entry = forward ? buffer.AtOrAfter(merge.From) : buffer.AtOrBefore(merge.From);
        if (entry is null || KeyFields.Compare(entry.Key, merge.End) * direction > 0) return false; // nothing buffered here: the run stands
        var (keys, starts) = (merge.Keys, merge.Starts);
        int taken = 0, count = 0, used = 0;
        var cut = false;
        starts[0] = 0;
        while (true)
        {
            var fromBuffer = entry is not null && KeyFields.Compare(entry.Key, merge.End) * direction <= 0;
            // The tree's keys before the next buffered one go over as one block.
            var blockEnd = taken;
            while (blockEnd < _count && blockEnd - taken < _runLength - count &&
                   (!fromBuffer || KeyFields.Compare(_keys.AsSpan(blockEnd * _width, _width), entry!.Key) * direction < 0)) blockEnd++;
            if (blockEnd > taken)
            {
                var block = blockEnd - taken;
                _keys.AsSpan(taken * _width, block * _width).CopyTo(keys.AsSpan(count * _width));
                var (first, end) = (_valueStarts[taken], _valueStarts[blockEnd]);
                merge.Reserve(used + end - first);
                _values.AsSpan(first, end - first).CopyTo(merge.Values.AsSpan(used));
                for (var i = 1; i <= block; i++) starts[count + i] = used + _valueStarts[taken + i] - first;
                (count, used, taken) = (count + block, used + end - first, blockEnd);
            }
            if (!fromBuffer && taken == _count) break;
            if (count == _runLength)
            {
                _more = cut = true; // the rest comes in the next run, which starts after the last key kept
                break;
            }
            var buffered = entry!;
            entry = forward ? buffered.Next[0] : buffered.Previous;
            if (taken < _count && KeyFields.Equal(_keys.AsSpan(taken * _width, _width), buffered.Key)) taken++; // the buffer's update is newer than the tree's key
            if (buffered.Value is null) continue; // deleted
            buffered.Key.CopyTo(keys.AsSpan(count * _width));
            merge.Reserve(used + buffered.Value.Length);
            buffered.Value.CopyTo(merge.Values.AsSpan(used));
            used += buffered.Value.Length;
            starts[++count] = used;
        }
        (_keys, merge.Keys) = (merge.Keys, _keys);
        (_valueStarts, merge.Starts) = (merge.Starts, _valueStarts);
        (_values, merge.Values) = (merge.Values, _values);
        _count = count;
        _index = 0;
        return cut;
    }

    /// <summary>The second run a merge fills, swapped with the cursor's run when done.</summary>
    private sealed class BufferMerge(int width)
    {
        public ulong[] Keys = new ulong[LongestRun * width];
        public int[] Starts = new int[LongestRun + 1];
        public byte[] Values = new byte[16 * 1024];
        public readonly ulong[] From = new ulong[width];
        public readonly ulong[] End = new ulong[width];

        public void Reserve(int bytes)
        {
            if (bytes > Values.Length) Array.Resize(ref Values, Math.Max(bytes, 2 * Values.Length));
        }
    }

    /// <summary>
    /// Reads the leaf's next keys forward in one call to the node (its key code reads them a stretch at a time) and takes
    /// them up to the range's end; false when the run is complete (full, out of range or out of value room).
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)] // a scan's first runs must not wait for tiering
    private bool FillForward(BtreeNode leaf, bool bounded, ref int used)
    {
        var wanted = _runLength - _count;
        if (wanted == 0) return RunFull(leaf, forward: true);
        var first = _count;
        var read = leaf.ReadForward(_iterator, _keys.AsSpan(first * _width, wanted * _width), _offsets.AsSpan(0, wanted));
        // Keys come in order: when the last is in range, all are.
        var inRange = read;
        if (bounded && read > 0 && KeyFields.Compare(_keys.AsSpan((first + read - 1) * _width, _width), _high) > 0)
        {
            inRange = 0;
            while (inRange < read && KeyFields.Compare(_keys.AsSpan((first + inRange) * _width, _width), _high) <= 0) inRange++;
        }
        // Values straight from the leaf's bytes: each key's header gives its length, layout and padding.
        var buffer = leaf.RawBuffer;
        var packedBytes = leaf.Format.KeyBytes;
        var unpackedBytes = leaf.Header.Schema.UnpackedFormat.KeyBytes;
        for (var i = 0; i < inRange; i++)
        {
            var at = _offsets[i];
            var start = at + (BsetKeys.IsPacked(buffer, at) ? packedBytes : unpackedBytes);
            var value = buffer.Slice(start, BsetKeys.Length(buffer, at) - (start - at) - TreeValues.PaddingOf(buffer[at + 2]));
            if (!Append(value, ref used, buffer[at + 2] == TreeValues.ReferenceType))
            {
                // Keys read past the one that did not fit are not kept: back to it within this leaf, so the next run need not descend again.
                leaf.SeekAtOrAfter(_keys.AsSpan(_count * _width, _width), _iterator);
                ResumeAt(leaf, true);
                return false;
            }
        }
        return inRange == read;
    }

    /// <summary>
    /// Reads the leaf's next keys backward in one call to the node, where it has one bset, and takes them down to the
    /// range's start: false when the run is complete, null when the leaf has several bsets (step key by key there).
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)] // a scan's first runs must not wait for tiering
    private bool? FillBackward(BtreeNode leaf, bool bounded, ref int used)
    {
        var wanted = _runLength - _count;
        if (wanted == 0) return RunFull(leaf, forward: false);
        var first = _count;
        var read = leaf.ReadBackward(_iterator, _keys.AsSpan(first * _width, wanted * _width), _offsets.AsSpan(0, wanted));
        if (read < 0) return null;
        // Keys come in descending order: when the last is in range, all are.
        var inRange = read;
        if (bounded && read > 0 && KeyFields.Compare(_keys.AsSpan((first + read - 1) * _width, _width), _low) < 0)
        {
            inRange = 0;
            while (inRange < read && KeyFields.Compare(_keys.AsSpan((first + inRange) * _width, _width), _low) >= 0) inRange++;
        }
        for (var i = 0; i < inRange; i++)
        {
            var at = _offsets[i];
            if (!TakeValue(leaf, at, ref used))
            {
                // Keys read past the one that did not fit are not kept: back to it within this leaf, so the next run need not descend again.
                leaf.SeekAtOrBefore(_keys.AsSpan(_count * _width, _width), _iterator);
                ResumeAt(leaf, false);
                return false;
            }
        }
        return inRange == read;
    }

    /// <summary>The run is full with more to come: the next resumes in <paramref name="leaf"/>, where the iterator stands; false.</summary>
    private bool RunFull(BtreeNode leaf, bool forward)
    {
        _more = true;
        ResumeAt(leaf, forward);
        return false;
    }

    /// <summary>The next run may continue in <paramref name="leaf"/> from where the iterator stands, while the leaf does not change.</summary>
    private void ResumeAt(BtreeNode leaf, bool forward) => (_resumeLeaf, _resumeGeneration, _resumeForward) = (leaf, leaf.Generation, forward);

    /// <summary>Copies the value of the key at byte <paramref name="at"/> of the leaf into the run; false when the run has no room left for it.</summary>
    private bool TakeValue(BtreeNode leaf, int at, ref int used) => Append(Btree.ValueOf(leaf, at), ref used, leaf.TypeAt(at) == TreeValues.ReferenceType);

    /// <summary>
    /// Appends the next key's value to the run (its key fields are in place already); false when it does not fit and
    /// the run has keys: the run ends here, with more to come. The run's first value always fits (the buffer grows).
    /// </summary>
    /// <remarks>A value kept out of line is read here, under the run's read lock, so that the run stays what the tree held.</remarks>
    private bool Append(ReadOnlySpan<byte> value, ref int used, bool reference)
    {
        var length = reference ? (int)ValueReference.Read(value).Length : value.Length;
        if (used + length > _values.Length && !TryGrowValues(used, length))
        {
            _more = true;
            return false;
        }
        if (reference) _tree.ReadLarge(ValueReference.Read(value), _keys.AsSpan(_count * _width, _width), _values.AsSpan(used, length));
        else value.CopyTo(_values.AsSpan(used));
        _valueStarts[_count] = used;
        used += length;
        _count++;
        _valueStarts[_count] = used;
        return true;
    }

    /// <summary>
    /// Makes room for a value of <paramref name="length"/> bytes after the run's <paramref name="used"/>: the buffer doubles
    /// up to four nodes' worth (so long values come many to a run), or takes the run's first value whole;
    /// false when the run has keys and would pass that size.
    /// </summary>
    private bool TryGrowValues(int used, int length)
    {
        var needed = (long)used + length;
        if (_count > 0 && needed > _longestRunBytes) return false;
        var grown = new byte[Math.Max(needed, Math.Min(2L * _values.Length, _longestRunBytes))];
        _values.AsSpan(0, used).CopyTo(grown);
        _values = grown;
        return true;
    }

    /// <summary>Why <see cref="Key"/> has no position: the cursor is on no key, or the tree's keys are not positions.</summary>
    private InvalidOperationException NotPosition() =>
        _positions ? NotOnKey() : new($"Tree '{_tree.Name}' holds {_tree.KeyKind} keys: read KeyBytes.");

    private static InvalidOperationException NotOnKey() => new("The cursor is not on a key: seek first, and check IsValid or the result of Next and Prev.");
}
