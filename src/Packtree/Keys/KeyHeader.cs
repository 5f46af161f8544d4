using System.Runtime.CompilerServices;

namespace Packtree.Keys;

/// <summary>
/// Byte 1 of every key header, packed or unpacked (bcachefs's <c>format:7, needs_whiteout:1</c>):
/// bits 0..6 are the key's format (<see cref="Bkey.FormatLocalBtree"/> 0, packed in its node's format;
/// <see cref="Bkey.FormatCurrent"/> 1, unpacked), bit 7 is needs_whiteout (in-memory bookkeeping, always
/// 0 on disk). The one place these bits are named; everything that reads or writes them goes through here.
/// </summary>
internal static class KeyHeader
{
    /// <summary>Byte offset of the format byte in a key (after u64s at byte 0).</summary>
    public const int FormatByteOffset = 1;

    /// <summary>Bit offset of the format byte in the key's first little-endian word (bits 8..15).</summary>
    public const int FormatByteShift = 8 * FormatByteOffset;

    /// <summary>Bits 0..6 of the format byte: the key's format.</summary>
    public const byte FormatMask = 0x7f;

    /// <summary>Bit 7 of the format byte: needs_whiteout.</summary>
    public const byte NeedsWhiteoutBit = 0x80;

    /// <summary>The format (bits 0..6) of a format byte.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int GetFormat(byte formatByte) => formatByte & FormatMask;

    /// <summary>The format (bits 0..6) of the key starting at byte 0 of <paramref name="key"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int GetFormat(ReadOnlySpan<byte> key) => key[FormatByteOffset] & FormatMask;

    /// <summary>Whether the key starting at byte 0 of <paramref name="key"/> is packed in its node's format.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsPacked(ReadOnlySpan<byte> key) => (key[FormatByteOffset] & FormatMask) == Bkey.FormatLocalBtree;

    /// <summary>Whether needs_whiteout (bit 7) is set in a format byte.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool NeedsWhiteout(byte formatByte) => (formatByte & NeedsWhiteoutBit) != 0;

    /// <summary>Sets needs_whiteout on the key starting at byte 0 of <paramref name="key"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void SetNeedsWhiteout(Span<byte> key) => key[FormatByteOffset] |= NeedsWhiteoutBit;

    /// <summary>Clears needs_whiteout on the key starting at byte 0 of <paramref name="key"/>, keeping its format.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void ClearNeedsWhiteout(Span<byte> key) => key[FormatByteOffset] &= FormatMask;
}
