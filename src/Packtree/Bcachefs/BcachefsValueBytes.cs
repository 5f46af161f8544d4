using System.Buffers.Binary;

namespace Packtree.Bcachefs;

/// <summary>
/// Bounds-checked little-endian reads from a key's value: a read past the end throws
/// <see cref="InvalidDataException"/> naming the field and the value byte, so a damaged value is
/// reported, never read out of range.
/// </summary>
internal static class BcachefsValueBytes
{
    /// <summary>Throws unless <paramref name="count"/> bytes exist at <paramref name="offset"/>.</summary>
    public static void Need(ReadOnlySpan<byte> value, int offset, int count, string field)
    {
        if (offset < 0 || count < 0 || value.Length - offset < count)
            throw new InvalidDataException($"{field} at value byte {offset} needs {count} bytes; the value has {value.Length}.");
    }

    public static byte U8(ReadOnlySpan<byte> value, int offset, string field)
    {
        Need(value, offset, 1, field);
        return value[offset];
    }

    public static ushort U16(ReadOnlySpan<byte> value, int offset, string field)
    {
        Need(value, offset, 2, field);
        return BinaryPrimitives.ReadUInt16LittleEndian(value[offset..]);
    }

    public static uint U32(ReadOnlySpan<byte> value, int offset, string field)
    {
        Need(value, offset, 4, field);
        return BinaryPrimitives.ReadUInt32LittleEndian(value[offset..]);
    }

    public static ulong U64(ReadOnlySpan<byte> value, int offset, string field)
    {
        Need(value, offset, 8, field);
        return BinaryPrimitives.ReadUInt64LittleEndian(value[offset..]);
    }

    /// <summary>A field of a value that bcachefs lets be shorter than its struct: missing bytes read as zero.</summary>
    public static uint U32OrZero(ReadOnlySpan<byte> value, int offset) =>
        value.Length - offset >= 4 ? BinaryPrimitives.ReadUInt32LittleEndian(value[offset..]) : 0;
}
