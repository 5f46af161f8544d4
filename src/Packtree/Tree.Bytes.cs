namespace Packtree;

// The tree's operations for byte keys (a tree created with KeyKind.Bytes): each encodes its key, refusing a key too
// long or a tree of positions before anything changes, then does what the position operation does.
public sealed partial class Tree
{
    /// <summary>Stores <paramref name="value"/> at the byte key <paramref name="key"/>, replacing any value there; one commit.</summary>
    /// <exception cref="ValueTooLargeException">The value is larger than <see cref="MaxValueBytes"/>.</exception>
    /// <exception cref="KeyTooLongException">The key is longer than the tree's keys.</exception>
    /// <exception cref="ArgumentException">The tree's keys are not byte strings.</exception>
    public void Put(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        CheckValue(value.Length);
        Span<ulong> fields = stackalloc ulong[KeyFieldCount];
        BytesKey(key, fields);
        PutByFields(fields, value);
    }

    /// <summary>Deletes the value at the byte key <paramref name="key"/>; false when there was none. One commit.</summary>
    /// <exception cref="KeyTooLongException">The key is longer than the tree's keys.</exception>
    /// <exception cref="ArgumentException">The tree's keys are not byte strings.</exception>
    public bool Delete(ReadOnlySpan<byte> key)
    {
        Span<ulong> fields = stackalloc ulong[KeyFieldCount];
        BytesKey(key, fields);
        return Store.Delete(this, fields);
    }

    /// <summary>
    /// Copies the value at the byte key <paramref name="key"/> into <paramref name="destination"/> without allocating;
    /// <paramref name="length"/> is its size.
    /// </summary>
    /// <returns>False when the tree has no value at the key.</returns>
    /// <exception cref="ArgumentException">The value is longer than <paramref name="destination"/>, or the tree's keys are not byte strings.</exception>
    /// <exception cref="KeyTooLongException">The key is longer than the tree's keys.</exception>
    public bool TryGet(ReadOnlySpan<byte> key, Span<byte> destination, out int length)
    {
        Span<ulong> fields = stackalloc ulong[KeyFieldCount];
        BytesKey(key, fields);
        return TryGetByFields(fields, destination, out length);
    }

    /// <summary>The value at the byte key <paramref name="key"/> as a new array, or null when there is none.</summary>
    /// <exception cref="KeyTooLongException">The key is longer than the tree's keys.</exception>
    /// <exception cref="ArgumentException">The tree's keys are not byte strings.</exception>
    public byte[]? Get(ReadOnlySpan<byte> key)
    {
        Span<ulong> fields = stackalloc ulong[KeyFieldCount];
        BytesKey(key, fields);
        return GetByFields(fields);
    }

    /// <summary>Whether the tree has a value at the byte key <paramref name="key"/>.</summary>
    /// <exception cref="KeyTooLongException">The key is longer than the tree's keys.</exception>
    /// <exception cref="ArgumentException">The tree's keys are not byte strings.</exception>
    public bool Contains(ReadOnlySpan<byte> key)
    {
        Span<ulong> fields = stackalloc ulong[KeyFieldCount];
        BytesKey(key, fields);
        return ContainsByFields(fields);
    }

    /// <summary>The byte keys in <paramref name="range"/> in order, with their values; each entry is valid until the next.</summary>
    /// <exception cref="ArgumentException">The tree's keys are not byte strings.</exception>
    public ScanEnumerable Scan(BytesRange range) => Scan(range, reverse: false);

    /// <summary>As <see cref="Scan(BytesRange)"/>, descending when <paramref name="reverse"/>.</summary>
    /// <exception cref="ArgumentException">The tree's keys are not byte strings.</exception>
    public ScanEnumerable Scan(BytesRange range, bool reverse) => new(CreateCursor(), ScanRange.Of(range).For(this), reverse);

    /// <summary>Every key that starts with <paramref name="prefix"/>, in order (descending when <paramref name="reverse"/>): one call for a prefix scan.</summary>
    /// <exception cref="ArgumentException">The tree's keys are not byte strings.</exception>
    public ScanEnumerable ScanPrefix(ReadOnlySpan<byte> prefix, bool reverse = false) => Scan(BytesRange.StartingWith(prefix), reverse);
}
