using Packtree.Keys;
using Packtree.Nodes;
using Packtree.Trees;

namespace Packtree;

/// <summary>
/// The keys of a range read in place under a <see cref="ReadScope"/>: values are spans into the nodes,
/// nothing is copied. From <c>ReadScope.Scan</c>; for <c>foreach</c>.
/// </summary>
public readonly ref struct InPlaceScan
{
    private readonly Tree _tree;
    private readonly ScanRange _range;
    private readonly bool _reverse;

    internal InPlaceScan(Tree tree, ScanRange range, bool reverse)
    {
        _tree = tree;
        _range = range;
        _reverse = reverse;
    }

    /// <summary>Starts the scan.</summary>
    public Enumerator GetEnumerator() => new(_tree, _range, _reverse);

    /// <summary>Walks the leaves of the range, one key at a time, in place.</summary>
    public ref struct Enumerator
    {
        private readonly Tree _tree;
        private readonly Btree _btree;
        private readonly bool _reverse;
        private readonly BtreeNode.NodeIterator _iterator = new();
        private readonly ulong[] _low;
        private readonly ulong[] _high;
        private readonly ulong[] _key;
        private readonly byte[]? _keyBytes; // the current byte key, decoded once per key
        private int _keyLength;
        private bool _done;
        private bool _started;
        private BtreeNode? _leaf;
        private int _at;

        internal Enumerator(Tree tree, ScanRange range, bool reverse)
        {
            _tree = tree;
            _btree = tree.Btree;
            _reverse = reverse;
            (_low, _high, _key) = (new ulong[tree.KeyFieldCount], new ulong[tree.KeyFieldCount], new ulong[tree.KeyFieldCount]);
            _done = !range.TryFill(tree, _low, _high);
            _keyBytes = tree.KeyKind.IsBytes ? new byte[tree.KeyKind.MaxBytes] : null;
        }

        /// <summary>The current key and its value, in place.</summary>
        public readonly KeyValue Current => _keyBytes is null
            ? new(KeyFields.ToPosition(_key), default, _tree.ValueInPlace(_leaf!, _at, _key), bytes: false)
            : new(default, _keyBytes.AsSpan(0, _keyLength), _tree.ValueInPlace(_leaf!, _at, _key), bytes: true);

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
                leaf!.KeyAt(at, _key);
                if (_reverse ? KeyFields.Compare(_key, _low) < 0 : KeyFields.Compare(_key, _high) > 0) return Stop();
                (_leaf, _at) = (leaf, at);
                if (_keyBytes is not null) _keyLength = _tree.KeyBytes(_key, _keyBytes);
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
