namespace Packtree;

/// <summary>The keys of a range, for <c>foreach</c>: the enumerator is a struct and allocates nothing per key.</summary>
public readonly struct ScanEnumerable
{
    private readonly Cursor _cursor;
    private readonly ScanRange _range;
    private readonly bool _reverse;

    internal ScanEnumerable(Cursor cursor, ScanRange range, bool reverse)
    {
        _cursor = cursor;
        _range = range;
        _reverse = reverse;
    }

    /// <summary>Starts the scan.</summary>
    public Enumerator GetEnumerator() => new(_cursor, _range, _reverse);

    /// <summary>Walks a cursor through the range.</summary>
    public struct Enumerator
    {
        private readonly Cursor _cursor;
        private readonly bool _reverse;
        private readonly bool _bytes;
        private bool _started;

        internal Enumerator(Cursor cursor, ScanRange range, bool reverse)
        {
            _cursor = cursor;
            _reverse = reverse;
            _bytes = cursor.Tree.KeyKind.IsBytes;
            _cursor.SetRange(range);
        }

        /// <summary>The current key and value.</summary>
        public readonly KeyValue Current => _bytes ? new(default, _cursor.KeyBytes, _cursor.Value, bytes: true) : new(_cursor.CurrentPosition, default, _cursor.CurrentValue, bytes: false);

        /// <summary>Moves to the next key of the range.</summary>
        public bool MoveNext()
        {
            if (_started) return _reverse ? _cursor.Prev() : _cursor.Next();
            _started = true;
            return _reverse ? _cursor.SeekToLast() : _cursor.SeekToFirst();
        }
    }
}
