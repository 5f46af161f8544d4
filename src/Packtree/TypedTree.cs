namespace Packtree;

/// <summary>
/// A tree of typed keys: <typeparamref name="TKey"/> values (a number, a Guid, a time, a string, or a tuple of them, as
/// its <see cref="KeyShape{TKey}"/> says) ordered as .NET compares them, mapped to byte values. From
/// <see cref="Store.GetOrCreateTree{TKey}(string, KeyShape{TKey})"/>; thread-safe as <see cref="Packtree.Tree"/> is.
/// </summary>
/// <typeparam name="TKey">The key type.</typeparam>
public sealed class Tree<TKey>
{
    internal Tree(Tree tree, KeyShape<TKey> shape)
    {
        Untyped = tree;
        Shape = shape;
    }

    /// <summary>The tree itself, untyped (its name, store, kind of keys, untyped scans).</summary>
    public Tree Untyped { get; }

    /// <summary>The keys' shape.</summary>
    public KeyShape<TKey> Shape { get; }

    /// <summary>The tree's name in its store.</summary>
    public string Name => Untyped.Name;

    /// <summary>Number of keys.</summary>
    public long Count => Untyped.Count;

    /// <summary>The largest value the tree takes.</summary>
    public int MaxValueBytes => Untyped.MaxValueBytes;

    /// <summary>Stores <paramref name="value"/> at <paramref name="key"/>, replacing any value there; one commit.</summary>
    /// <exception cref="ValueTooLargeException">The value is larger than <see cref="MaxValueBytes"/>.</exception>
    /// <exception cref="ArgumentException">A component of the key is too long or not valid text (the message names the tree, the component and its limit).</exception>
    public void Put(TKey key, ReadOnlySpan<byte> value)
    {
        Untyped.CheckValue(value.Length);
        Span<ulong> fields = stackalloc ulong[Untyped.KeyFieldCount];
        Encode(key, fields);
        Untyped.PutByFields(fields, value);
    }

    /// <summary>Stores the rest of <paramref name="value"/> at <paramref name="key"/>, a buffer at a time (<see cref="Tree.Put(Keys.Bpos, Stream)"/>); one commit.</summary>
    /// <exception cref="ValueTooLargeException">The stream holds more than <see cref="MaxValueBytes"/>; nothing is stored.</exception>
    /// <exception cref="ArgumentException">A component of the key is too long or not valid text.</exception>
    public void Put(TKey key, Stream value)
    {
        Span<ulong> fields = stackalloc ulong[Untyped.KeyFieldCount];
        Encode(key, fields);
        Untyped.PutByFields(fields, value);
    }

    /// <summary>A read-only, seekable stream over the value at <paramref name="key"/> (<see cref="Tree.OpenRead(Keys.Bpos)"/>).</summary>
    /// <exception cref="KeyNotFoundException">The tree has no value at the key.</exception>
    /// <exception cref="ArgumentException">A component of the key is too long or not valid text.</exception>
    public Stream OpenRead(TKey key)
    {
        Span<ulong> fields = stackalloc ulong[Untyped.KeyFieldCount];
        Encode(key, fields);
        return Untyped.OpenReadByFields(fields);
    }

    /// <summary>Deletes the value at <paramref name="key"/>; false when there was none. One commit.</summary>
    public bool Delete(TKey key)
    {
        Span<ulong> fields = stackalloc ulong[Untyped.KeyFieldCount];
        Encode(key, fields);
        return Untyped.Store.Delete(Untyped, fields);
    }

    /// <summary>Copies the value at <paramref name="key"/> into <paramref name="destination"/> without allocating; false when there is none.</summary>
    /// <exception cref="ArgumentException">The value is longer than <paramref name="destination"/>.</exception>
    public bool TryGet(TKey key, Span<byte> destination, out int length)
    {
        Span<ulong> fields = stackalloc ulong[Untyped.KeyFieldCount];
        Encode(key, fields);
        return Untyped.TryGetByFields(fields, destination, out length);
    }

    /// <summary>The value at <paramref name="key"/> as a new array, or null when there is none.</summary>
    public byte[]? Get(TKey key)
    {
        Span<ulong> fields = stackalloc ulong[Untyped.KeyFieldCount];
        Encode(key, fields);
        return Untyped.GetByFields(fields);
    }

    /// <summary>Whether the tree has a value at <paramref name="key"/>.</summary>
    public bool Contains(TKey key)
    {
        Span<ulong> fields = stackalloc ulong[Untyped.KeyFieldCount];
        Encode(key, fields);
        return Untyped.ContainsByFields(fields);
    }

    /// <summary>Every key in order (descending when <paramref name="reverse"/>), with its value.</summary>
    public TypedScan<TKey> Scan(bool reverse = false) => new(this, ScanRange.All, reverse);

    /// <summary>The keys from <paramref name="from"/> to <paramref name="to"/>, both included, in order.</summary>
    public TypedScan<TKey> Scan(TKey from, TKey to) => Scan(from, to, reverse: false);

    /// <summary>The keys from <paramref name="from"/> to <paramref name="to"/>, both included, in order (descending when <paramref name="reverse"/>).</summary>
    public TypedScan<TKey> Scan(TKey from, TKey to, bool reverse)
    {
        var (low, high) = (new ulong[Untyped.KeyFieldCount], new ulong[Untyped.KeyFieldCount]);
        Encode(from, low);
        Encode(to, high);
        return new(this, ScanRange.Between(low, high), reverse);
    }

    /// <summary>
    /// Every key whose first <paramref name="components"/> components equal those of <paramref name="key"/> (its later
    /// components are ignored), in order: one call for a prefix scan, e.g. every event of one tenant.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The count is not 0 to the shape's components.</exception>
    public TypedScan<TKey> ScanPrefix(TKey key, int components, bool reverse = false) => Scan(key, components, key, components, reverse);

    /// <summary>
    /// The keys between two partial keys, both included: every key whose first <paramref name="fromComponents"/>
    /// components come at or after those of <paramref name="from"/>, and whose first <paramref name="toComponents"/>
    /// components come at or before those of <paramref name="to"/>, in order (descending when <paramref name="reverse"/>).
    /// Later components of each bound are ignored, so a bound of 0 components leaves its end open, and one of every
    /// component is the key itself: tenants 7 to 9 whole are <c>Scan((7L, ...), 1, (9L, ...), 1, false)</c>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A count is not 0 to the shape's components.</exception>
    public TypedScan<TKey> Scan(TKey from, int fromComponents, TKey to, int toComponents, bool reverse)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(fromComponents);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(fromComponents, Shape.Components);
        ArgumentOutOfRangeException.ThrowIfNegative(toComponents);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(toComponents, Shape.Components);
        var (low, high) = (new ulong[Untyped.KeyFieldCount], new ulong[Untyped.KeyFieldCount]);
        Encode(from, low);
        Encode(to, high);
        low.AsSpan(Shape.FieldsOf(fromComponents)).Clear(); // every later field at its least: the first key starting so
        high.AsSpan(Shape.FieldsOf(toComponents)).Fill(ulong.MaxValue); // every later field at its largest: the last key starting so
        return new(this, ScanRange.Between(low, high), reverse);
    }

    internal void Encode(TKey key, Span<ulong> fields)
    {
        try
        {
            Shape.Encode(key, fields);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"Tree '{Name}': {e.Message}", "key", e);
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"{Untyped} of {Shape} keys";
}
