using Packtree.Keys;
using Packtree.Nodes;
using Packtree.Trees;

namespace Packtree;

/// <summary>
/// A position in a tree that moves both ways: <see cref="Seek"/> (first key at or after),
/// <see cref="SeekForPrev"/> (last key at or before), <see cref="Next"/>, <see cref="Prev"/>.
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
    private readonly BtreeNode.NodeIterator _iterator = new();
    private readonly Bpos[] _keys = new Bpos[LongestRun];
    private readonly int[] _valueStarts = new int[LongestRun + 1];
    private byte[] _values = new byte[16 * 1024];
    private int _count;
    private int _index;
    private bool _forward;
    private bool _more;
    private int _runLength = FirstRun;
    private Bpos _low = Bpos.Min;
    private Bpos _high = Bpos.Max;
    private bool _emptyRange;
    private BtreeNode? _resumeLeaf; // where the last run stopped, valid while the leaf keeps its generation
    private long _resumeGeneration;
    private bool _resumeForward;

    internal Cursor(Tree tree) => _tree = tree;

    /// <summary>The tree the cursor walks.</summary>
    public Tree Tree => _tree;

    /// <summary>Whether the cursor is on a key.</summary>
    public bool IsValid => _index < _count;

    /// <summary>The current key.</summary>
    /// <exception cref="InvalidOperationException">The cursor is not on a key.</exception>
    public Bpos Key => IsValid ? _keys[_index] : throw NotOnKey();

    /// <summary>The current value, valid until the cursor moves.</summary>
    /// <exception cref="InvalidOperationException">The cursor is not on a key.</exception>
    public ReadOnlySpan<byte> Value => IsValid ? _values.AsSpan(_valueStarts[_index], _valueStarts[_index + 1] - _valueStarts[_index]) : throw NotOnKey();

    /// <summary>Limits the cursor to <paramref name="range"/> (all keys by default); the cursor is left on no key.</summary>
    public void SetRange(KeyRange range)
    {
        _emptyRange = !range.TryInclusiveBounds(out _low, out _high);
        _count = _index = 0;
        _resumeLeaf = null;
    }

    /// <summary>Moves to the first key at or after <paramref name="key"/> (within the range); false when there is none.</summary>
    public bool Seek(Bpos key)
    {
        _runLength = FirstRun;
        _resumeLeaf = null;
        Fill(key < _low ? _low : key, forward: true);
        return IsValid;
    }

    /// <summary>Moves to the last key at or before <paramref name="key"/> (within the range); false when there is none.</summary>
    public bool SeekForPrev(Bpos key)
    {
        _runLength = FirstRun;
        _resumeLeaf = null;
        Fill(key > _high ? _high : key, forward: false);
        return IsValid;
    }

    /// <summary>Moves to the first key of the range.</summary>
    public bool SeekToFirst() => Seek(_low);

    /// <summary>Moves to the last key of the range.</summary>
    public bool SeekToLast() => SeekForPrev(_high);

    /// <summary>Moves to the next key; false (and on no key) at the end.</summary>
    public bool Next()
    {
        if (!IsValid) return false;
        if (_forward)
        {
            if (++_index < _count) return true;
            if (!_more || _keys[_count - 1] == Bpos.Max) return false;
            Grow();
            Fill(_keys[_count - 1].Successor(), forward: true);
            return IsValid;
        }
        var current = _keys[_index];
        _runLength = FirstRun;
        _resumeLeaf = null;
        if (current >= _high) return Stop();
        Fill(current.Successor(), forward: true);
        return IsValid;
    }

    /// <summary>Moves to the previous key; false (and on no key) at the start.</summary>
    public bool Prev()
    {
        if (!IsValid) return false;
        if (!_forward)
        {
            if (++_index < _count) return true;
            if (!_more || _keys[_count - 1] == Bpos.Min) return false;
            Grow();
            Fill(_keys[_count - 1].Predecessor(), forward: false);
            return IsValid;
        }
        var current = _keys[_index];
        _runLength = FirstRun;
        _resumeLeaf = null;
        if (current <= _low) return Stop();
        Fill(current.Predecessor(), forward: false);
        return IsValid;
    }

    /// <summary>Scans <paramref name="range"/> with this cursor: no allocation at all.</summary>
    public ScanEnumerable Scan(KeyRange range, bool reverse = false) => new(this, range, reverse);

    private bool Stop()
    {
        _count = _index = 0;
        return false;
    }

    private void Grow() => _runLength = Math.Min(_runLength * 2, LongestRun);

    /// <summary>Reads the next run of keys from <paramref name="from"/> (inclusive) in one direction, under one read lock.</summary>
    private void Fill(Bpos from, bool forward)
    {
        _count = _index = 0;
        _forward = forward;
        _more = false;
        if (_emptyRange || from < _low || from > _high) return;
        var store = _tree.Store;
        var btree = _tree.Btree;
        store.EnterRead();
        try
        {
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
            var bounded = forward ? _high != Bpos.Max : _low != Bpos.Min;
            var used = 0;
            while (true)
            {
                var at = _iterator.CurrentOffset;
                if (at < 0)
                {
                    // This leaf is done: on to its neighbour, unless the range ends here.
                    if (btree.NextLeaf(leaf, forward, forward ? _high : _low, _iterator) is not { } next) break;
                    leaf = next;
                    continue;
                }
                var key = leaf.PositionAt(at);
                if (bounded && (forward ? key > _high : key < _low)) break;
                if (_count == _runLength)
                {
                    _more = true;
                    (_resumeLeaf, _resumeGeneration, _resumeForward) = (leaf, leaf.Generation, forward);
                    break;
                }
                var value = Btree.ValueOf(leaf, at);
                if (used + value.Length > _values.Length)
                {
                    if (_count > 0)
                    {
                        _more = true;
                        break;
                    }
                    Array.Resize(ref _values, value.Length);
                }
                value.CopyTo(_values.AsSpan(used));
                _keys[_count] = key;
                _valueStarts[_count] = used;
                used += value.Length;
                _count++;
                _valueStarts[_count] = used;
                _iterator.Step(forward);
            }
        }
        finally
        {
            store.ExitRead();
        }
        StoreMetrics.ScanChunks.Add(1);
    }

    private static InvalidOperationException NotOnKey() => new("The cursor is not on a key: seek first, and check IsValid or the result of Next and Prev.");
}
