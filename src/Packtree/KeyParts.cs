using Packtree.Keys;

namespace Packtree;

/// <summary>
/// The components typed keys are made of, each ordered as its .NET values are (negative numbers before positive,
/// <see cref="System.Guid.CompareTo(System.Guid)"/>'s order for Guids, the instant for <see cref="System.DateTimeOffset"/>,
/// ordinal code points for strings, unsigned bytes for byte arrays). Integers become packed fields of their own.
/// </summary>
public static class KeyParts
{
    /// <summary>An <see cref="sbyte"/>.</summary>
    public static KeyPart<sbyte> Int8 { get; } = new(new(KeyComponentKind.Int8), (ref KeyFieldWriter w, sbyte v) => w.Int8(v), (ref KeyFieldReader r) => r.Int8());

    /// <summary>A <see cref="short"/>.</summary>
    public static KeyPart<short> Int16 { get; } = new(new(KeyComponentKind.Int16), (ref KeyFieldWriter w, short v) => w.Int16(v), (ref KeyFieldReader r) => r.Int16());

    /// <summary>An <see cref="int"/>.</summary>
    public static KeyPart<int> Int32 { get; } = new(new(KeyComponentKind.Int32), (ref KeyFieldWriter w, int v) => w.Int32(v), (ref KeyFieldReader r) => r.Int32());

    /// <summary>A <see cref="long"/>.</summary>
    public static KeyPart<long> Int64 { get; } = new(new(KeyComponentKind.Int64), (ref KeyFieldWriter w, long v) => w.Int64(v), (ref KeyFieldReader r) => r.Int64());

    /// <summary>A <see cref="byte"/>.</summary>
    public static KeyPart<byte> UInt8 { get; } = new(new(KeyComponentKind.UInt8), (ref KeyFieldWriter w, byte v) => w.UInt8(v), (ref KeyFieldReader r) => r.UInt8());

    /// <summary>A <see cref="ushort"/>.</summary>
    public static KeyPart<ushort> UInt16 { get; } = new(new(KeyComponentKind.UInt16), (ref KeyFieldWriter w, ushort v) => w.UInt16(v), (ref KeyFieldReader r) => r.UInt16());

    /// <summary>A <see cref="uint"/>.</summary>
    public static KeyPart<uint> UInt32 { get; } = new(new(KeyComponentKind.UInt32), (ref KeyFieldWriter w, uint v) => w.UInt32(v), (ref KeyFieldReader r) => r.UInt32());

    /// <summary>A <see cref="ulong"/>.</summary>
    public static KeyPart<ulong> UInt64 { get; } = new(new(KeyComponentKind.UInt64), (ref KeyFieldWriter w, ulong v) => w.UInt64(v), (ref KeyFieldReader r) => r.UInt64());

    /// <summary>A <see cref="System.Guid"/>, in <see cref="System.Guid.CompareTo(System.Guid)"/>'s order.</summary>
    public static KeyPart<Guid> Guid { get; } = new(new(KeyComponentKind.Guid), (ref KeyFieldWriter w, Guid v) => w.Guid(v), (ref KeyFieldReader r) => r.Guid());

    /// <summary>A <see cref="System.DateTime"/>: by ticks, then kind (so it round-trips).</summary>
    public static KeyPart<DateTime> DateTime { get; } = new(new(KeyComponentKind.DateTime), (ref KeyFieldWriter w, DateTime v) => w.DateTime(v), (ref KeyFieldReader r) => r.DateTime());

    /// <summary>A <see cref="System.DateTimeOffset"/>: by the UTC instant, then the offset.</summary>
    public static KeyPart<DateTimeOffset> DateTimeOffset { get; } =
        new(new(KeyComponentKind.DateTimeOffset), (ref KeyFieldWriter w, DateTimeOffset v) => w.DateTimeOffset(v), (ref KeyFieldReader r) => r.DateTimeOffset());

    /// <summary>A string of at most <paramref name="maxBytes"/> UTF-8 bytes (1 to 1,024), in ordinal code point order.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The size is outside 1 to 1,024.</exception>
    public static KeyPart<string> String(int maxBytes = 64) =>
        new(new(KeyComponentKind.String, maxBytes), (ref KeyFieldWriter w, string v) => w.String(v ?? throw new ArgumentNullException(nameof(v), "A string key component is not null.")), (ref KeyFieldReader r) => r.String());

    /// <summary>A byte array of at most <paramref name="maxBytes"/> bytes (1 to 1,024), in unsigned byte order, a prefix before its extensions.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The size is outside 1 to 1,024.</exception>
    public static KeyPart<byte[]> Bytes(int maxBytes = 64) =>
        new(new(KeyComponentKind.Bytes, maxBytes), (ref KeyFieldWriter w, byte[] v) => w.Bytes(v ?? throw new ArgumentNullException(nameof(v), "A byte key component is not null.")), (ref KeyFieldReader r) => r.Bytes());
}
