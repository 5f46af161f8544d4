using Packtree.Keys;

namespace Packtree;

/// <summary>
/// One component of a key whose shape is known only at run time: the <see cref="KeyParts"/> member's own writer and
/// reader, taking and giving the value as an object, so that a dynamic shape encodes exactly as a static one.
/// </summary>
internal abstract class BoxedKeyPart
{
    /// <summary>The .NET type of the component's values.</summary>
    public abstract Type ValueType { get; }

    /// <summary>Writes <paramref name="value"/>, which the caller has checked is a <see cref="ValueType"/>.</summary>
    public abstract void Write(ref KeyFieldWriter writer, object value);

    /// <summary>Reads the component, boxed.</summary>
    public abstract object Read(ref KeyFieldReader reader);

    /// <summary>The part for <paramref name="component"/>, from <see cref="KeyParts"/>.</summary>
    public static BoxedKeyPart For(KeyComponent component) => component.Kind switch
    {
        KeyComponentKind.Int8 => new Of<sbyte>(KeyParts.Int8),
        KeyComponentKind.Int16 => new Of<short>(KeyParts.Int16),
        KeyComponentKind.Int32 => new Of<int>(KeyParts.Int32),
        KeyComponentKind.Int64 => new Of<long>(KeyParts.Int64),
        KeyComponentKind.UInt8 => new Of<byte>(KeyParts.UInt8),
        KeyComponentKind.UInt16 => new Of<ushort>(KeyParts.UInt16),
        KeyComponentKind.UInt32 => new Of<uint>(KeyParts.UInt32),
        KeyComponentKind.UInt64 => new Of<ulong>(KeyParts.UInt64),
        KeyComponentKind.Guid => new Of<Guid>(KeyParts.Guid),
        KeyComponentKind.DateTime => new Of<DateTime>(KeyParts.DateTime),
        KeyComponentKind.DateTimeOffset => new Of<DateTimeOffset>(KeyParts.DateTimeOffset),
        KeyComponentKind.String => new Of<string>(KeyParts.String(component.MaxBytes)),
        KeyComponentKind.Bytes => new Of<byte[]>(KeyParts.Bytes(component.MaxBytes)),
        _ => throw new ArgumentOutOfRangeException(nameof(component), component, "Not a key component kind."),
    };

    private sealed class Of<T>(KeyPart<T> part) : BoxedKeyPart where T : notnull
    {
        public override Type ValueType => typeof(T);

        public override void Write(ref KeyFieldWriter writer, object value) => part.Write(ref writer, (T)value);

        public override object Read(ref KeyFieldReader reader) => part.Read(ref reader);
    }
}
