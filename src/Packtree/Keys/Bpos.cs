using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Packtree.Keys;

/// <summary>
/// A btree position: one 160-bit unsigned integer whose most significant part is
/// <see cref="Inode"/>, then <see cref="Offset"/>, then <see cref="Snapshot"/>.
/// The memory image is bcachefs's 20-byte <c>struct bpos</c>: snapshot at byte 0,
/// offset at byte 4, inode at byte 12, all little-endian.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = ByteCount)]
public readonly struct Bpos : IEquatable<Bpos>, IComparable<Bpos>, IComparable
{
    /// <summary>Size of the on-disk image in bytes.</summary>
    public const int ByteCount = 20;

    [FieldOffset(0)] private readonly uint _snapshot;
    [FieldOffset(4)] private readonly ulong _offset;
    [FieldOffset(12)] private readonly ulong _inode;

    /// <summary>Creates a position from its three components.</summary>
    public Bpos(ulong inode, ulong offset, uint snapshot)
    {
        _inode = inode;
        _offset = offset;
        _snapshot = snapshot;
    }

    /// <summary>Most significant component.</summary>
    public ulong Inode => _inode;

    /// <summary>Middle component (for extents, the end sector, exclusive).</summary>
    public ulong Offset => _offset;

    /// <summary>Least significant component.</summary>
    public uint Snapshot => _snapshot;

    /// <summary>(0, 0, 0).</summary>
    public static Bpos Min => default;

    /// <summary>(2^64-1, 2^64-1, 0): bcachefs's <c>POS_MAX</c>.</summary>
    public static Bpos PosMax => new(ulong.MaxValue, ulong.MaxValue, 0);

    /// <summary>(2^64-1, 2^64-1, 2^32-1): the greatest position, bcachefs's <c>SPOS_MAX</c>.</summary>
    public static Bpos Max => new(ulong.MaxValue, ulong.MaxValue, uint.MaxValue);

    /// <summary>Reads the 20-byte little-endian image.</summary>
    public static Bpos Read(ReadOnlySpan<byte> source)
    {
        if (source.Length < ByteCount)
            throw new ArgumentException($"A bpos needs {ByteCount} bytes; the span has {source.Length}.", nameof(source));
        return new Bpos(
            BinaryPrimitives.ReadUInt64LittleEndian(source[12..]),
            BinaryPrimitives.ReadUInt64LittleEndian(source[4..]),
            BinaryPrimitives.ReadUInt32LittleEndian(source));
    }

    /// <summary>Writes the 20-byte little-endian image.</summary>
    public void Write(Span<byte> destination)
    {
        if (destination.Length < ByteCount)
            throw new ArgumentException($"A bpos needs {ByteCount} bytes; the span has {destination.Length}.", nameof(destination));
        BinaryPrimitives.WriteUInt32LittleEndian(destination, _snapshot);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[4..], _offset);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[12..], _inode);
    }

    /// <summary>The next position in full 160-bit order: snapshot + 1 with carry into offset, then inode.</summary>
    /// <exception cref="OverflowException">The position is <see cref="Max"/>.</exception>
    public Bpos Successor()
    {
        if (_snapshot != uint.MaxValue) return new Bpos(_inode, _offset, _snapshot + 1);
        if (_offset != ulong.MaxValue) return new Bpos(_inode, _offset + 1, 0);
        if (_inode != ulong.MaxValue) return new Bpos(_inode + 1, 0, 0);
        throw new OverflowException($"{this} is the greatest position and has no successor.");
    }

    /// <summary>The previous position in full 160-bit order (subtract with borrow from snapshot up).</summary>
    /// <exception cref="OverflowException">The position is <see cref="Min"/>.</exception>
    public Bpos Predecessor()
    {
        if (_snapshot != 0) return new Bpos(_inode, _offset, _snapshot - 1);
        if (_offset != 0) return new Bpos(_inode, _offset - 1, uint.MaxValue);
        if (_inode != 0) return new Bpos(_inode - 1, ulong.MaxValue, uint.MaxValue);
        throw new OverflowException($"{this} is the smallest position and has no predecessor.");
    }

    /// <summary>Compares inode, then offset, then snapshot, all unsigned.</summary>
    public int CompareTo(Bpos other)
    {
        if (_inode != other._inode) return _inode < other._inode ? -1 : 1;
        if (_offset != other._offset) return _offset < other._offset ? -1 : 1;
        if (_snapshot != other._snapshot) return _snapshot < other._snapshot ? -1 : 1;
        return 0;
    }

    int IComparable.CompareTo(object? obj) => obj switch
    {
        null => 1,
        Bpos other => CompareTo(other),
        _ => throw new ArgumentException($"Cannot compare a Bpos with {obj.GetType().Name}.", nameof(obj)),
    };

    /// <inheritdoc/>
    public bool Equals(Bpos other) => _inode == other._inode && _offset == other._offset && _snapshot == other._snapshot;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is Bpos other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(_inode, _offset, _snapshot);

    /// <summary>bcachefs's notation: <c>inode:offset:snapshot</c>, with <c>POS_MIN</c>, <c>POS_MAX</c> and <c>SPOS_MAX</c> named.</summary>
    public override string ToString()
    {
        if (Equals(Min)) return "POS_MIN";
        if (Equals(PosMax)) return "POS_MAX";
        if (Equals(Max)) return "SPOS_MAX";
        return FieldsText();
    }

    /// <summary>
    /// Parses what <see cref="ToString"/> prints: <c>inode:offset:snapshot</c> (decimal, or <c>U64_MAX</c> /
    /// <c>U32_MAX</c>), <c>inode:offset</c> (snapshot 0), or <c>POS_MIN</c>, <c>POS_MAX</c>, <c>SPOS_MAX</c>.
    /// </summary>
    /// <exception cref="FormatException">The text is none of these; the message shows it and the forms.</exception>
    public static Bpos Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.Trim();
        switch (trimmed)
        {
            case "POS_MIN": return Min;
            case "POS_MAX": return PosMax;
            case "SPOS_MAX": return Max;
        }
        var parts = trimmed.Split(':');
        var invariant = System.Globalization.CultureInfo.InvariantCulture;
        if (parts.Length is 2 or 3 &&
            (parts[0] == "U64_MAX" ? ulong.MaxValue : ulong.TryParse(parts[0], System.Globalization.NumberStyles.None, invariant, out var i) ? i : (ulong?)null) is { } inode &&
            (parts[1] == "U64_MAX" ? ulong.MaxValue : ulong.TryParse(parts[1], System.Globalization.NumberStyles.None, invariant, out var o) ? o : (ulong?)null) is { } offset &&
            (parts.Length == 2 ? 0u : parts[2] == "U32_MAX" ? uint.MaxValue : uint.TryParse(parts[2], System.Globalization.NumberStyles.None, invariant, out var sn) ? sn : (uint?)null) is { } snapshot)
            return new Bpos(inode, offset, snapshot);
        throw new FormatException($"'{text}' is not a position: write inode:offset:snapshot (e.g. 4096:8:U32_MAX), inode:offset, POS_MIN, POS_MAX or SPOS_MAX.");
    }

    /// <summary><c>inode:offset:snapshot</c>, with all-ones fields named as bcachefs prints them (<c>U64_MAX</c>, <c>U32_MAX</c>).</summary>
    internal string FieldsText()
    {
        var invariant = System.Globalization.CultureInfo.InvariantCulture;
        var inode = _inode == ulong.MaxValue ? "U64_MAX" : _inode.ToString(invariant);
        var offset = _offset == ulong.MaxValue ? "U64_MAX" : _offset.ToString(invariant);
        var snapshot = _snapshot == uint.MaxValue ? "U32_MAX" : _snapshot.ToString(invariant);
        return $"{inode}:{offset}:{snapshot}";
    }

#pragma warning disable CS1591 // operators are self-explanatory
    public static bool operator ==(Bpos left, Bpos right) => left.Equals(right);
    public static bool operator !=(Bpos left, Bpos right) => !left.Equals(right);
    public static bool operator <(Bpos left, Bpos right) => left.CompareTo(right) < 0;
    public static bool operator <=(Bpos left, Bpos right) => left.CompareTo(right) <= 0;
    public static bool operator >(Bpos left, Bpos right) => left.CompareTo(right) > 0;
    public static bool operator >=(Bpos left, Bpos right) => left.CompareTo(right) >= 0;
#pragma warning restore CS1591
}
