using Packtree.Nodes;

namespace Packtree.Bcachefs;

/// <summary>
/// The checksum of an extent's stored sectors (image facts §3 step 3), compared as the extent's
/// checksum entry unpacks it: 32-bit checksums in <c>lo</c> with <c>hi</c> 0, 64-bit ones in <c>lo</c>.
/// </summary>
internal static class BcachefsDataChecksum
{
    /// <summary>Whether data of checksum type <paramref name="type"/> can be verified (the encrypted types 3 and 4 cannot).</summary>
    public static bool IsSupported(int type) => type is 0 or 1 or 2 or 5 or 6 or 7;

    /// <summary>The checksum of <paramref name="data"/> as (hi, lo).</summary>
    /// <exception cref="NotSupportedException">An encrypted or unknown checksum type; <paramref name="what"/> names the extent.</exception>
    public static (ulong Hi, ulong Lo) Compute(int type, ReadOnlySpan<byte> data, string what)
    {
        if (!IsSupported(type))
            throw new NotSupportedException(type is 3 or 4
                ? $"{what}: the data is encrypted (checksum type {BcachefsNames.ChecksumType(type)}); Packtree does not read encrypted bcachefs images."
                : $"{what}: checksum type {type} is not one of bcachefs's (0..7).");
        var sum = Checksums.Compute((ChecksumType)type, data);
        return (sum.Hi, sum.Lo);
    }

    /// <summary>Whether <paramref name="data"/> has checksum (<paramref name="hi"/>, <paramref name="lo"/>) of type <paramref name="type"/> (type 0 always matches).</summary>
    public static bool Matches(int type, ReadOnlySpan<byte> data, ulong hi, ulong lo, string what)
    {
        if (type == 0) return true;
        var (h, l) = Compute(type, data, what);
        return h == hi && l == lo;
    }

    /// <summary>A checksum as bcachefs prints it in extent text: hi and lo in lower-case hex, <c>hi:lo</c>.</summary>
    public static string Text(ulong hi, ulong lo) => $"{hi:x}:{lo:x}";
}
