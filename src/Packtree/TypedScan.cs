namespace Packtree;

/// <summary>The typed keys of a range, for <c>foreach</c>: each entry's value is valid until the next.</summary>
/// <typeparam name="TKey">The key type.</typeparam>
public readonly struct TypedScan<TKey>
{
    private readonly Tree<TKey> _tree;
    private readonly ScanRange _range;
    private readonly bool _reverse;

    internal TypedScan(Tree<TKey> tree, ScanRange range, bool reverse) => (_tree, _range, _reverse) = (tree, range, reverse);

    /// <summary>Starts the scan.</summary>
    public Enumerator GetEnumerator() => new(_tree, _range, _reverse);

    /// <summary>Walks a cursor through the range, decoding each key.</summary>
    public struct Enumerator
    {
        private readonly Tree<TKey> _tree;
        private readonly Cursor _cursor;
        private readonly bool _reverse;
        private bool _started;

        internal Enumerator(Tree<TKey> tree, ScanRange range, bool reverse)
        {
            _tree = tree;
            _cursor = tree.Untyped.CreateCursor();
            _cursor.SetRange(range);
            _reverse = reverse;
        }

        /// <summary>The current key and value.</summary>
        public readonly KeyValue<TKey> Current => new(_tree.Shape.Decode(_cursor.CurrentFields), _cursor.Value);

        /// <summary>Moves to the next key of the range.</summary>
        public bool MoveNext()
        {
            if (_started) return _reverse ? _cursor.Prev() : _cursor.Next();
            _started = true;
            return _reverse ? _cursor.SeekToLast() : _cursor.SeekToFirst();
        }
    }
}

/// <summary>A typed key and its value as a scan yields them; the value is valid until the scan moves on.</summary>
/// <typeparam name="TKey">The key type.</typeparam>
public readonly ref struct KeyValue<TKey>
{
    internal KeyValue(TKey key, ReadOnlySpan<byte> value)
    {
        Key = key;
        Value = value;
    }

    /// <summary>The key.</summary>
    public TKey Key { get; }

    /// <summary>The value's bytes.</summary>
    public ReadOnlySpan<byte> Value { get; }

    /// <summary>Deconstructs into key and value.</summary>
    public void Deconstruct(out TKey key, out ReadOnlySpan<byte> value)
    {
        key = Key;
        value = Value;
    }
}
