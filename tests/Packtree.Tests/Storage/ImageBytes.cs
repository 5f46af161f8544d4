using System.Buffers.Binary;
using Packtree.Storage;

namespace Packtree.Tests.Storage;

/// <summary>Reading, writing and resealing fields of a store image, for tests that damage one on purpose.</summary>
internal static class ImageBytes
{
    /// <summary>A little-endian field of 1, 2, 4 or 8 bytes.</summary>
    public static ulong Read(ReadOnlySpan<byte> s, int offset, int size) => size switch
    {
        1 => s[offset],
        2 => BinaryPrimitives.ReadUInt16LittleEndian(s[offset..]),
        4 => BinaryPrimitives.ReadUInt32LittleEndian(s[offset..]),
        _ => BinaryPrimitives.ReadUInt64LittleEndian(s[offset..]),
    };

    /// <summary>Writes a little-endian field of 1, 2, 4 or 8 bytes (the value truncated to it).</summary>
    public static void Write(Span<byte> s, int offset, int size, ulong value)
    {
        switch (size)
        {
            case 1: s[offset] = (byte)value; break;
            case 2: BinaryPrimitives.WriteUInt16LittleEndian(s[offset..], (ushort)value); break;
            case 4: BinaryPrimitives.WriteUInt32LittleEndian(s[offset..], (uint)value); break;
            default: BinaryPrimitives.WriteUInt64LittleEndian(s[offset..], value); break;
        }
    }

    /// <summary>
    /// Recomputes a superblock copy's CRC-32 (docs/FORMAT.md: bytes 0 .. 128 + tree list bytes, the field
    /// at 120 taken as 0; over the whole copy when the size is out of bounds), so that only the crafted
    /// fields are wrong.
    /// </summary>
    public static void ResealSuperblock(Span<byte> copy)
    {
        var covered = (int)Math.Clamp(128L + BinaryPrimitives.ReadInt32LittleEndian(copy[84..]), 128, Superblock.SlotBytes);
        copy.Slice(120, 4).Clear();
        BinaryPrimitives.WriteUInt32LittleEndian(copy[120..], System.IO.Hashing.Crc32.HashToUInt32(copy[..covered]));
    }
}
