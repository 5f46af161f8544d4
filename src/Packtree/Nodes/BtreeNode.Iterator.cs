using Packtree.Keys;

namespace Packtree.Nodes;

// The node iterator: keys of all bsets in order (key, deleted first, older bset first). Searches take a key's key
// fields (any schema); the Bpos overloads are the same searches for position keys.
internal sealed partial class BtreeNode
{
    /// <summary>Every live bcachefs key in order, with its value (positions only).</summary>
    public IEnumerable<(Bkey Key, ReadOnlyMemory<byte> Value)> LiveKeys()
    {
        var iterator = SeekAtOrAfter(Bpos.Min);
        while (iterator.Peek() is { } at)
        {
            yield return BkeyAt(at);
            iterator.Advance();
        }
    }

    /// <summary>
    /// Unpacks the live keys in order into <paramref name="keys"/> (values are not copied); returns how
    /// many. A node of one bset is unpacked by the codec's run kernel and filtered, others through the iterator.
    /// </summary>
    public int UnpackLive(Span<Bkey> keys)
    {
        if (_bsets.Count == 1)
        {
            var bset = _bsets[0];
            var count = Keys.UnpackRun(_buffer.AsSpan(bset.KeysStart, bset.KeysEnd - bset.KeysStart), keys);
            var live = 0;
            for (var i = 0; i < count; i++)
            {
                if (keys[i].Type != (byte)BkeyType.Deleted) keys[live++] = keys[i];
            }
            return live;
        }
        var n = 0;
        var iterator = SeekAtOrAfter(Bpos.Min);
        while (n < keys.Length && iterator.Peek() is { } at)
        {
            keys[n++] = BkeyAt(at).Key;
            iterator.Advance();
        }
        return n;
    }

    /// <summary>The live bcachefs key at <paramref name="position"/>, if the node holds one.</summary>
    public bool TryGet(Bpos position, out Bkey key, out ReadOnlyMemory<byte> value)
    {
        var at = FindLive(position);
        if (at < 0)
        {
            key = default;
            value = default;
            return false;
        }
        // Straight into the caller's key: a key copied out of a returned tuple stalls on store forwarding.
        var length = BsetKeys.Length(_buffer, at);
        if (BsetKeys.IsPacked(_buffer, at))
        {
            Keys.Unpack(_buffer.AsSpan(at, length), out key);
            value = _buffer.AsMemory(at + Format.KeyBytes, length - Format.KeyBytes);
        }
        else
        {
            key = Bkey.Read(_buffer.AsSpan(at));
            value = _buffer.AsMemory(at + Bkey.ByteCount, length - Bkey.ByteCount);
        }
        return true;
    }

    /// <summary>Whether the node holds a live key at <paramref name="position"/>.</summary>
    public bool Contains(Bpos position) => FindLive(position) >= 0;

    /// <summary>Whether the node holds a live key at <paramref name="key"/>.</summary>
    public bool Contains(ReadOnlySpan<ulong> key) => FindLive(key) >= 0;

    /// <summary>As <see cref="FindLive(ReadOnlySpan{ulong})"/>, for a position.</summary>
    public int FindLive(Bpos position)
    {
        Span<ulong> key = stackalloc ulong[BkeyFields.PositionCount];
        KeyFields.FromPosition(position, key);
        return FindLive(key);
    }

    /// <summary>Byte offset of the live key at <paramref name="key"/>, or -1.</summary>
    /// <remarks>
    /// Searches each bset with its aux structure and no iterator: the node holds at most one live key per
    /// key, and each bset's search already passes over deleted keys at it.
    /// </remarks>
    public int FindLive(ReadOnlySpan<ulong> key)
    {
        Span<byte> packed = stackalloc byte[ReadOnlyAuxTree.SearchKeyBytes(Format)];
        packed.Clear();
        var result = Format.PackSearchLossy(key, packed);
        for (var i = _bsets.Count - 1; i >= 0; i--)
        {
            var at = SearchBset(_bsets[i], key, packed, result);
            if (at >= _bsets[i].KeysEnd) continue;
            var match = result == PackPositionResult.Exact && BsetKeys.IsPacked(_buffer, at)
                ? Format.ComparePacked(_buffer.AsSpan(at), packed) == 0
                : BsetKeys.CompareToKey(Format, _buffer, at, key) == 0;
            if (match) return at;
        }
        return -1;
    }

    /// <summary>The first key of <paramref name="bset"/> at or after the search key in iterator order (deleted keys at it passed over).</summary>
    private int SearchBset(BsetState bset, ReadOnlySpan<ulong> key, ReadOnlySpan<byte> packed, PackPositionResult result)
    {
        if (bset.ReadOnly is { } tree) return tree.Search(_buffer, key, packed, result);
        var exact = result == PackPositionResult.Exact;
        var from = result == PackPositionResult.Fail ? bset.KeysStart : bset.Writable!.Table.StartFor(key);
        return BsetKeys.ScanForward(Format, _buffer, from, bset.KeysEnd, key, packed, exact);
    }

    /// <summary>An iterator at the first key at or after <paramref name="position"/> (a deleted key at it counts as before).</summary>
    public NodeIterator SeekAtOrAfter(Bpos position) => SeekAtOrAfter(position, new NodeIterator(this));

    /// <summary>An iterator at the first key at or after <paramref name="key"/> (a deleted key at it counts as before).</summary>
    public NodeIterator SeekAtOrAfter(ReadOnlySpan<ulong> key) => SeekAtOrAfter(key, new NodeIterator(this));

    /// <summary>As <see cref="SeekAtOrAfter(Bpos)"/>, repositioning <paramref name="iterator"/> (of any node) instead of allocating one.</summary>
    public NodeIterator SeekAtOrAfter(Bpos position, NodeIterator iterator)
    {
        Span<ulong> key = stackalloc ulong[BkeyFields.PositionCount];
        KeyFields.FromPosition(position, key);
        return SeekAtOrAfter(key, iterator);
    }

    /// <summary>As <see cref="SeekAtOrAfter(ReadOnlySpan{ulong})"/>, repositioning <paramref name="iterator"/> (of any node) instead of allocating one.</summary>
    public NodeIterator SeekAtOrAfter(ReadOnlySpan<ulong> key, NodeIterator iterator)
    {
        iterator.Reset(this);
        Span<byte> packed = stackalloc byte[ReadOnlyAuxTree.SearchKeyBytes(Format)];
        packed.Clear();
        var result = Format.PackSearchLossy(key, packed);
        foreach (var bset in _bsets) iterator.Add(SearchBset(bset, key, packed, result), bset.KeysEnd);
        return iterator;
    }

    /// <summary>An iterator at the last live key at or before <paramref name="position"/>; empty when there is none.</summary>
    public NodeIterator SeekAtOrBefore(Bpos position) => SeekAtOrBefore(position, new NodeIterator(this));

    /// <summary>As <see cref="SeekAtOrBefore(Bpos)"/>, repositioning <paramref name="iterator"/> instead of allocating one.</summary>
    public NodeIterator SeekAtOrBefore(Bpos position, NodeIterator iterator)
    {
        Span<ulong> key = stackalloc ulong[BkeyFields.PositionCount];
        KeyFields.FromPosition(position, key);
        return SeekAtOrBefore(key, iterator);
    }

    /// <summary>An iterator at the last live key at or before <paramref name="key"/>, repositioning <paramref name="iterator"/>; empty when there is none.</summary>
    public NodeIterator SeekAtOrBefore(ReadOnlySpan<ulong> key, NodeIterator iterator)
    {
        SeekAtOrAfter(key, iterator);
        if (iterator.Peek() is { } at && BsetKeys.CompareToKey(Format, _buffer, at, key) == 0) return iterator;
        if (!iterator.MovePrevious()) iterator.Clear(); // nothing at or before the key
        return iterator;
    }

    /// <summary>iter_cmp: key, then deleted before live, then buffer address (older bsets first).</summary>
    private int IteratorOrder(int a, int b)
    {
        var order = BsetKeys.CompareKeys(Format, _buffer, a, b);
        if (order != 0) return order;
        var deletedA = BsetKeys.IsDeleted(_buffer, a);
        if (deletedA != BsetKeys.IsDeleted(_buffer, b)) return deletedA ? -1 : 1;
        return a.CompareTo(b);
    }

    /// <summary>The greatest key of <paramref name="bset"/> before byte <paramref name="before"/>, or -1; deleted keys are passed over.</summary>
    private int LastLiveBefore(BsetState bset, int before)
    {
        // Start from a key known to be no later than the answer: a cacheline earlier, or the first key.
        var from = bset.ReadOnly is { } tree ? tree.KeyBeforeCachelineOf(before) : bset.KeysStart;
        while (true)
        {
            var last = -1;
            for (var at = from; at < before; at += BsetKeys.Length(_buffer, at))
            {
                if (!BsetKeys.IsDeleted(_buffer, at)) last = at;
            }
            if (last >= 0 || from == bset.KeysStart) return last;
            before = from; // only deleted keys in that window: look further back
            from = bset.ReadOnly!.KeyBeforeCachelineOf(before);
        }
    }

    /// <summary>
    /// A position in a node: up to one (current, end) pair per bset, kept sorted so the first pair holds
    /// the current key. Invalid once the node is modified.
    /// </summary>
    public sealed class NodeIterator
    {
        private BtreeNode _node;
        private readonly int[] _at = new int[MaxBsets];
        private readonly int[] _end = new int[MaxBsets];
        private int _count;

        internal NodeIterator(BtreeNode node) => _node = node;

        /// <summary>An iterator to be positioned by a node's seek, reused across nodes and seeks.</summary>
        public NodeIterator() => _node = null!;

        /// <summary>The node the iterator walks.</summary>
        public BtreeNode Node => _node;

        /// <summary>Byte offset of the current live key in the node's buffer, or -1 at the end.</summary>
        public int CurrentOffset => Peek() ?? -1;

        internal void Reset(BtreeNode node)
        {
            _node = node;
            _count = 0;
        }

        /// <summary>Whether the iterator is past the last key.</summary>
        public bool AtEnd => Peek() is null;

        /// <summary>The current live key, its value and position, or null at the end.</summary>
        public (Bkey Key, ReadOnlyMemory<byte> Value)? Current => Peek() is { } at ? _node.BkeyAt(at) : null;

        internal void Add(int at, int end)
        {
            if (at >= end) return;
            _at[_count] = at;
            _end[_count] = end;
            _count++;
            for (var i = _count - 1; i > 0 && _node.IteratorOrder(_at[i], _at[i - 1]) < 0; i--) Swap(i, i - 1);
        }

        internal void Clear() => _count = 0;

        /// <summary>The current key, deleted or not, or null.</summary>
        internal int? PeekAll() => _count == 0 ? null : _at[0];

        /// <summary>The current live key: deleted keys are skipped first.</summary>
        internal int? Peek()
        {
            while (_count > 0 && BsetKeys.IsDeleted(_node._buffer, _at[0])) Advance();
            return PeekAll();
        }

        /// <summary>Moves past the current key.</summary>
        public void Advance()
        {
            if (_count == 0) return;
            MoveCurrentTo(_at[0] + BsetKeys.Length(_node._buffer, _at[0]));
        }

        /// <summary>Where the current bset's keys stop coming first: its end when it is the only bset left, else the current key (keys interleave).</summary>
        internal int StretchEnd(int at) => _count == 1 ? _end[0] : at;

        /// <summary>Moves the current bset's pair to byte <paramref name="at"/> of it (at most its end), keys passed over having been read.</summary>
        internal void MoveCurrentTo(int at)
        {
            _at[0] = at;
            if (at >= _end[0])
            {
                for (var i = 1; i < _count; i++)
                {
                    _at[i - 1] = _at[i];
                    _end[i - 1] = _end[i];
                }
                _count--;
                return;
            }
            for (var i = 0; i + 1 < _count && _node.IteratorOrder(_at[i], _at[i + 1]) > 0; i++) Swap(i, i + 1);
        }

        /// <summary>Puts the one pair of a node of one bset on byte <paramref name="at"/> of it (a key read backward to).</summary>
        internal void MoveOnlyPairTo(int at)
        {
            System.Diagnostics.Debug.Assert(_count == 1, "One pair, in a node of one bset.");
            _at[0] = at;
        }

        /// <summary>Moves one key forward, or back; at the start, a step back leaves the iterator on no key.</summary>
        public void Step(bool forward)
        {
            if (forward) Advance();
            else if (!MovePrevious()) Clear();
        }

        /// <summary>Moves to the previous live key; false (and unchanged) when there is none.</summary>
        public bool MovePrevious()
        {
            var node = _node;
            var best = -1;
            BsetState? bestBset = null;
            foreach (var bset in node._bsets)
            {
                var index = SlotIn(bset);
                var before = index >= 0 ? _at[index] : bset.KeysEnd;
                var candidate = node.LastLiveBefore(bset, before);
                if (candidate >= 0 && (best < 0 || node.IteratorOrder(candidate, best) > 0))
                {
                    best = candidate;
                    bestBset = bset;
                }
            }
            if (best < 0) return false;
            var slot = SlotIn(bestBset!);
            if (slot < 0)
            {
                slot = _count++;
                _end[slot] = bestBset!.KeysEnd;
            }
            _at[slot] = best;
            for (var i = slot; i > 0; i--) Swap(i, i - 1); // the previous key comes before every other pair
            return true;
        }

        /// <summary>The pair whose current key lies in <paramref name="bset"/>, or -1.</summary>
        private int SlotIn(BsetState bset)
        {
            for (var i = 0; i < _count; i++)
            {
                if (_at[i] >= bset.KeysStart && _at[i] < bset.KeysEnd) return i;
            }
            return -1;
        }

        private void Swap(int i, int j)
        {
            (_at[i], _at[j]) = (_at[j], _at[i]);
            (_end[i], _end[j]) = (_end[j], _end[i]);
        }
    }
}
