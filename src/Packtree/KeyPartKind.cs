namespace Packtree;

/// <summary>
/// What one component of a typed key holds (<see cref="KeyPartInfo.Kind"/>): each member is the component made by the
/// <see cref="KeyParts"/> member of the same name. <see cref="KeyKind.Parse(string)"/> names them in lower case
/// (<c>int64</c>, <c>datetimeoffset</c>, <c>string:32</c>).
/// </summary>
public enum KeyPartKind
{
    // The values are those of the component kinds stores record (Keys.KeyComponentKind); a test holds them equal.

    /// <summary>An <see cref="sbyte"/>.</summary>
    Int8 = 0,

    /// <summary>A <see cref="short"/>.</summary>
    Int16 = 1,

    /// <summary>An <see cref="int"/>.</summary>
    Int32 = 2,

    /// <summary>A <see cref="long"/>.</summary>
    Int64 = 3,

    /// <summary>A <see cref="byte"/>.</summary>
    UInt8 = 4,

    /// <summary>A <see cref="ushort"/>.</summary>
    UInt16 = 5,

    /// <summary>A <see cref="uint"/>.</summary>
    UInt32 = 6,

    /// <summary>A <see cref="ulong"/>.</summary>
    UInt64 = 7,

    /// <summary>A <see cref="System.Guid"/>.</summary>
    Guid = 8,

    /// <summary>A <see cref="System.DateTime"/>.</summary>
    DateTime = 9,

    /// <summary>A <see cref="System.DateTimeOffset"/>.</summary>
    DateTimeOffset = 10,

    /// <summary>A <see cref="string"/> of at most <see cref="KeyPartInfo.MaxBytes"/> UTF-8 bytes.</summary>
    String = 11,

    /// <summary>A <see cref="byte"/> array of at most <see cref="KeyPartInfo.MaxBytes"/> bytes.</summary>
    Bytes = 12,
}
