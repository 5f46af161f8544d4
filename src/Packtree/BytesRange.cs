namespace Packtree;

/// <summary>
/// A range of byte keys with inclusive or exclusive ends (either may be open), narrowed to the keys starting with
/// <see cref="Prefix"/> when one is given. Keys order as unsigned bytes, a proper prefix before its extensions.
/// </summary>
/// <param name="From">The lower end, or null for no lower end.</param>
/// <param name="To">The upper end, or null for no upper end.</param>
/// <param name="FromInclusive">Whether <paramref name="From"/> itself is in the range.</param>
/// <param name="ToInclusive">Whether <paramref name="To"/> itself is in the range.</param>
public readonly record struct BytesRange(byte[]? From = null, byte[]? To = null, bool FromInclusive = true, bool ToInclusive = true)
{
    /// <summary>Only keys that start with these bytes (the empty prefix: every key); null for no such limit.</summary>
    public byte[]? Prefix { get; init; }

    /// <summary>Every key.</summary>
    public static BytesRange All => default;

    /// <summary>[<paramref name="from"/>, <paramref name="to"/>]: both ends included.</summary>
    public static BytesRange Closed(ReadOnlySpan<byte> from, ReadOnlySpan<byte> to) => new(from.ToArray(), to.ToArray());

    /// <summary>[<paramref name="from"/>, <paramref name="to"/>): the end excluded.</summary>
    public static BytesRange HalfOpen(ReadOnlySpan<byte> from, ReadOnlySpan<byte> to) => new(from.ToArray(), to.ToArray(), ToInclusive: false);

    /// <summary>Every key that starts with <paramref name="prefix"/>.</summary>
    public static BytesRange StartingWith(ReadOnlySpan<byte> prefix) => new() { Prefix = prefix.ToArray() };

    /// <inheritdoc />
    public override string ToString() =>
        $"{(FromInclusive ? "[" : "(")}{(From is null ? "-inf" : Convert.ToHexString(From))}, {(To is null ? "+inf" : Convert.ToHexString(To))}{(ToInclusive ? "]" : ")")}" +
        (Prefix is null ? "" : $" starting with {Convert.ToHexString(Prefix)}");
}
