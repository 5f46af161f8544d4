using Packtree.Keys;
using Packtree.Nodes;
using Packtree.Trees;

namespace Packtree;

/// <summary>
/// The keys of a range read in place under a <see cref="ReadScope"/>: values are spans into the nodes,
/// nothing is copied. From <see cref="ReadScope.Scan"/>; for <c>foreach</c>.
/// </summary>
public readonly ref struct InPlaceScan
{
    private readonly Btree _btree;
    private readonly KeyRange _range;
    private readonly bool _reverse;

    internal InPlaceScan(Btree btree, KeyRange range, bool reverse)
    {
        _btree = btree;
        _range = range;
        _reverse = reverse;
    }

    /// <summary>Starts the scan.</summary>
    public Enumerator GetEnumerator() => new(_btree, _range, _reverse);

    /// <summary>Walks the leaves of the range, one key at a time, in place.</summary>
    public ref struct Enumerator
    {
        private readonly Btree _btree;
        private readonly bool _reverse;
        private readonly BtreeNode.NodeIterator _iterator = new();
        private readonly Bpos _low;
        private readonly Bpos _high;
        private bool _done;
        private bool _started;
        private BtreeNode? _leaf;
        private int _at;
        private Bpos _key;

        internal Enumerator(Btree btree, KeyRange range, bool reverse)
        {
            _btree = btree;
            _reverse = reverse;
            _done = !range.TryInclusiveBounds(out _low, out _high);
        }

        /// <summary>The current key and its value, in place.</summary>
        public readonly KeyValue Current => new(_key, Btree.ValueOf(_leaf!, _at));

        /// <summary>Moves to the next key of the range.</summary>
        public bool MoveNext()
        {
            if (_done) return false;
            var leaf = _leaf;
            if (!_started)
            {
                _started = true;
                leaf = _btree.SeekLeaf(_reverse ? _high : _low, !_reverse, _iterator);
            }
            else _iterator.Step(!_reverse);

            while (true)
            {
                var at = _iterator.CurrentOffset;
                if (at < 0)
                {
                    if (_btree.NextLeaf(leaf!, !_reverse, _reverse ? _low : _high, _iterator) is not { } next) return Stop();
                    leaf = next;
                    continue;
                }
                var key = leaf!.PositionAt(at);
                if (_reverse ? key < _low : key > _high) return Stop();
                (_leaf, _at, _key) = (leaf, at, key);
                return true;
            }
        }

        private bool Stop()
        {
            _done = true;
            return false;
        }
    }
}
