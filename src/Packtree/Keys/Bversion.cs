using System.Runtime.InteropServices;

namespace Packtree.Keys;

/// <summary>
/// A key version: a 96-bit unsigned integer, <see cref="Hi"/> most significant.
/// Memory image as bcachefs's 12-byte <c>struct bversion</c>: lo at byte 0, hi at byte 8.
/// The version is not part of the sort key.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = ByteCount)]
internal readonly struct Bversion : IEquatable<Bversion>, IComparable<Bversion>
{
    /// <summary>Size of the on-disk image in bytes.</summary>
    public const int ByteCount = 12;

    [FieldOffset(0)] private readonly ulong _lo;
    [FieldOffset(8)] private readonly uint _hi;

    /// <summary>Creates a version from its high and low parts.</summary>
    public Bversion(uint hi, ulong lo)
    {
        _hi = hi;
        _lo = lo;
    }

    /// <summary>High 32 bits.</summary>
    public uint Hi => _hi;

    /// <summary>Low 64 bits.</summary>
    public ulong Lo => _lo;

    /// <summary>(0, 0).</summary>
    public static Bversion Zero => default;

    /// <summary>(2^32-1, 2^64-1).</summary>
    public static Bversion Max => new(uint.MaxValue, ulong.MaxValue);

    /// <summary>Compares hi, then lo.</summary>
    public int CompareTo(Bversion other)
    {
        if (_hi != other._hi) return _hi < other._hi ? -1 : 1;
        if (_lo != other._lo) return _lo < other._lo ? -1 : 1;
        return 0;
    }

    /// <inheritdoc/>
    public bool Equals(Bversion other) => _hi == other._hi && _lo == other._lo;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is Bversion other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(_hi, _lo);

    /// <summary><c>hi:lo</c>.</summary>
    public override string ToString() => $"{_hi}:{_lo}";

#pragma warning disable CS1591
    public static bool operator ==(Bversion left, Bversion right) => left.Equals(right);
    public static bool operator !=(Bversion left, Bversion right) => !left.Equals(right);
#pragma warning restore CS1591
}
