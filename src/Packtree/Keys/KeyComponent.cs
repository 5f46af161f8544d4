namespace Packtree.Keys;

/// <summary>
/// One component of a key schema: its kind and, for strings and bytes, the most bytes it takes. Each
/// component becomes one or more 64-bit fields of the key (docs/DESIGN.md §1.4).
/// </summary>
internal readonly record struct KeyComponent
{
    /// <summary>
    /// The longest string or byte string a component may hold, in bytes: its 128 words and length, with the key's
    /// header, leave room for a value in a key of at most 255 words (a key's size is one byte, as in bcachefs).
    /// </summary>
    public const int MaxVariableBytes = 1024;

    /// <summary>A fixed-size component.</summary>
    public KeyComponent(KeyComponentKind kind)
        : this(kind, FixedSize(kind))
    {
    }

    private static int FixedSize(KeyComponentKind kind) => kind is KeyComponentKind.String or KeyComponentKind.Bytes
        ? throw new ArgumentException($"A {kind} component needs its largest size in bytes.", nameof(kind))
        : 0;

    /// <summary>A component of <paramref name="kind"/>; strings and bytes take at most <paramref name="maxBytes"/> bytes (1 to <see cref="MaxVariableBytes"/>).</summary>
    public KeyComponent(KeyComponentKind kind, int maxBytes)
    {
        if (!Enum.IsDefined(kind)) throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not a key component kind.");
        var variable = kind is KeyComponentKind.String or KeyComponentKind.Bytes;
        if (variable && (maxBytes < 1 || maxBytes > MaxVariableBytes))
            throw new ArgumentOutOfRangeException(nameof(maxBytes), maxBytes, $"A {kind} component takes 1 to {MaxVariableBytes} bytes.");
        if (!variable && maxBytes != 0)
            throw new ArgumentOutOfRangeException(nameof(maxBytes), maxBytes, $"A {kind} component has a fixed size.");
        Kind = kind;
        MaxBytes = maxBytes;
    }

    public KeyComponentKind Kind { get; }

    /// <summary>For strings and bytes, the most bytes; 0 otherwise.</summary>
    public int MaxBytes { get; }

    /// <summary>
    /// How many 64-bit fields the component takes: one per integer; two for a Guid (its order's two halves),
    /// a DateTime (ticks, kind) and a DateTimeOffset (UTC ticks, offset); for strings and bytes, one per 8 bytes
    /// (big-endian, zero-padded) and one for the length, so a shorter key with the same bytes comes first.
    /// </summary>
    public int FieldCount => Kind switch
    {
        KeyComponentKind.Guid or KeyComponentKind.DateTime or KeyComponentKind.DateTimeOffset => 2,
        KeyComponentKind.String or KeyComponentKind.Bytes => (MaxBytes + 7) / 8 + 1,
        _ => 1,
    };

    public override string ToString() => Kind is KeyComponentKind.String or KeyComponentKind.Bytes ? $"{Kind}({MaxBytes})" : Kind.ToString();
}
