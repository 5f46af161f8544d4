using Packtree.Keys;

namespace Packtree;

/// <summary>
/// One component of a kind of keys (<see cref="KeyKind.Parts"/>), described at run time: what it holds, how long it
/// may be, its .NET type, and its text. A tree whose kind is known only at run time takes keys of these through
/// <see cref="KeyShape.Of(KeyKind)"/>.
/// </summary>
public sealed class KeyPartInfo
{
    internal KeyPartInfo(KeyComponent component)
    {
        Component = component;
        Boxed = BoxedKeyPart.For(component);
    }

    /// <summary>What the component holds.</summary>
    public KeyPartKind Kind => (KeyPartKind)Component.Kind;

    /// <summary>The most bytes a <see cref="KeyPartKind.String"/> (as UTF-8) or <see cref="KeyPartKind.Bytes"/> component holds; 0 for the others.</summary>
    public int MaxBytes => Component.MaxBytes;

    /// <summary>The .NET type of its values: <see cref="sbyte"/> to <see cref="ulong"/>, <see cref="Guid"/>, <see cref="DateTime"/>, <see cref="DateTimeOffset"/>, <see cref="string"/> or <c>byte[]</c>.</summary>
    public Type ValueType => Boxed.ValueType;

    internal KeyComponent Component { get; }

    /// <summary>The component's own writer and reader, over boxed values.</summary>
    internal BoxedKeyPart Boxed { get; }

    /// <summary>
    /// The value written <paramref name="text"/>, in the invariant culture: integers in decimal (a leading minus for
    /// negatives); a Guid as 32 hex digits in groups of 8-4-4-4-12 ("D"); a <see cref="DateTime"/> in ISO 8601 as
    /// <see cref="Format"/> prints it ("o"), or with fewer fraction digits, or a date alone, its kind <c>Z</c> for UTC,
    /// an offset for local (converted to local time), neither for unspecified; a <see cref="DateTimeOffset"/> likewise,
    /// UTC when no offset is given; a string as itself; bytes as hex digits, with or without a leading <c>0x</c>.
    /// </summary>
    /// <returns>A value of <see cref="ValueType"/>, boxed.</returns>
    /// <exception cref="FormatException">The text is no such value, or a string or bytes longer than <see cref="MaxBytes"/>; the message says what was expected.</exception>
    public object Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return KeyPartText.Parse(Component, ToString(), text);
    }

    /// <summary>
    /// <paramref name="value"/> as <see cref="Parse"/> reads it back: integers in decimal, a Guid as "D", times as "o"
    /// (ISO 8601 with seven fraction digits and the kind or offset), a string as itself, bytes as lower-case hex.
    /// </summary>
    /// <exception cref="ArgumentException">The value is not a <see cref="ValueType"/>.</exception>
    public string Format(object value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (!ValueType.IsInstanceOfType(value))
            throw new ArgumentException($"A value of part {this} is of type {ValueType.Name}, not {value.GetType().Name}.", nameof(value));
        return KeyPartText.Format(value);
    }

    /// <summary>The part as <see cref="KeyKind.Parse(string)"/> reads it: <c>int64</c>, <c>datetime</c>, <c>string:32</c>, <c>bytes:16</c>.</summary>
    public override string ToString() => Component.Kind is KeyComponentKind.String or KeyComponentKind.Bytes
        ? $"{Name(Kind)}:{MaxBytes}"
        : Name(Kind);

    /// <summary>A kind's name in kinds of keys: its member name in lower case.</summary>
    internal static string Name(KeyPartKind kind) => kind.ToString().ToLowerInvariant();
}
