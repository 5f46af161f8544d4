namespace Packtree.Keys;

/// <summary>The kinds of value a typed composite key is made of (docs/DESIGN.md §1.4).</summary>
internal enum KeyComponentKind
{
    /// <summary><see cref="sbyte"/>.</summary>
    Int8,
    /// <summary><see cref="short"/>.</summary>
    Int16,
    /// <summary><see cref="int"/>.</summary>
    Int32,
    /// <summary><see cref="long"/>.</summary>
    Int64,
    /// <summary><see cref="byte"/>.</summary>
    UInt8,
    /// <summary><see cref="ushort"/>.</summary>
    UInt16,
    /// <summary><see cref="uint"/>.</summary>
    UInt32,
    /// <summary><see cref="ulong"/>.</summary>
    UInt64,
    /// <summary><see cref="System.Guid"/>, in <see cref="System.Guid.CompareTo(System.Guid)"/>'s order.</summary>
    Guid,
    /// <summary><see cref="System.DateTime"/>: by ticks, then kind.</summary>
    DateTime,
    /// <summary><see cref="System.DateTimeOffset"/>: by the UTC instant, then the offset.</summary>
    DateTimeOffset,
    /// <summary>A string, as UTF-8: in Unicode code point order (ordinal over UTF-8 bytes).</summary>
    String,
    /// <summary>Bytes, ordered as unsigned bytes, a proper prefix before its extensions.</summary>
    Bytes,
}
