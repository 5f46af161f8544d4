using System.Buffers.Binary;
using System.Numerics;

namespace Packtree.Bcachefs;

/// <summary>
/// bcachefs's variable-length integers (the <c>new_varint</c> coding of inode fields): the count of
/// trailing 1-bits of the first byte, plus one, is the length n; n bytes little-endian shifted right
/// by n hold the value (7n bits); a first byte of 0xFF is followed by a plain le64.
/// </summary>
internal static class BcachefsVarint
{
    /// <summary>Decodes the varint at <paramref name="offset"/>; returns how many bytes it took.</summary>
    /// <exception cref="InvalidDataException">The varint runs past the end of <paramref name="source"/>.</exception>
    public static int Read(ReadOnlySpan<byte> source, int offset, string field, out ulong value)
    {
        if ((uint)offset >= (uint)source.Length)
            throw new InvalidDataException($"varint {field} at value byte {offset} starts past the end of the value ({source.Length} bytes).");
        var first = source[offset];
        if (first == 0xFF)
        {
            if (source.Length - offset < 9)
                throw new InvalidDataException($"varint {field} at value byte {offset} needs 9 bytes; the value ends after {source.Length - offset}.");
            value = BinaryPrimitives.ReadUInt64LittleEndian(source[(offset + 1)..]);
            return 9;
        }
        var length = BitOperations.TrailingZeroCount(~(uint)first) + 1;
        if (source.Length - offset < length)
            throw new InvalidDataException($"varint {field} at value byte {offset} needs {length} bytes; the value ends after {source.Length - offset}.");
        ulong raw = 0;
        for (var i = length - 1; i >= 0; i--)
            raw = (raw << 8) | source[offset + i];
        value = (raw >> length) & ((1UL << (7 * length)) - 1);
        return length;
    }
}
