using System.Buffers.Binary;

namespace Packtree.Trees;

/// <summary>
/// What a leaf holds for a value kept out of line (key type <see cref="TreeValues.ReferenceType"/>): the
/// value's id in the values tree and its length. Two words: value id, length (docs/FORMAT.md).
/// </summary>
internal readonly record struct ValueReference(ulong Id, long Length)
{
    /// <summary>Bytes of a reference in a leaf.</summary>
    public const int Bytes = 16;

    /// <summary>Reads a reference; the leaf rules have checked its size.</summary>
    public static ValueReference Read(ReadOnlySpan<byte> value) =>
        new(BinaryPrimitives.ReadUInt64LittleEndian(value), BinaryPrimitives.ReadInt64LittleEndian(value[8..]));

    /// <summary>Why <paramref name="value"/> is no reference, or null.</summary>
    public static string? Problem(ReadOnlySpan<byte> value, long maxLength)
    {
        if (value.Length != Bytes) return $"a value reference of {value.Length} bytes (it has {Bytes})";
        var reference = Read(value);
        if (reference.Id == 0) return "a value reference to value id 0 (ids start at 1)";
        if (reference.Length <= 0 || reference.Length > maxLength) return $"a value reference of length {reference.Length} (1 to {maxLength})";
        return null;
    }

    /// <summary>The reference's bytes.</summary>
    public byte[] ToBytes()
    {
        var bytes = new byte[Bytes];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, Id);
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(8), Length);
        return bytes;
    }
}
