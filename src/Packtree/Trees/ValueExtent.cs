using System.Buffers.Binary;
using System.IO.Hashing;

namespace Packtree.Trees;

/// <summary>
/// One piece of an out-of-line value, as the values tree holds it at (value id, offset in the value, 0):
/// where its bytes lie in the store file, how many there are stored and how many they stand for, their
/// checksum, and the tree that owns the value. Four words (docs/FORMAT.md): sector (8), stored bytes (4),
/// value bytes (4), XXH3-64 of the stored bytes (8), owner tree id (4), compression (1), zeros (3).
/// </summary>
internal readonly record struct ValueExtent(ulong Sector, int StoredBytes, int ValueBytes, ulong Checksum, uint OwnerTree, byte Compression)
{
    /// <summary>Bytes of an extent in the values tree.</summary>
    public const int Bytes = 32;

    /// <summary>The checksum of stored bytes.</summary>
    public static ulong ChecksumOf(ReadOnlySpan<byte> stored) => XxHash3.HashToUInt64(stored);

    /// <summary>Reads an extent, or null with why it is none.</summary>
    public static ValueExtent? TryRead(ReadOnlySpan<byte> value, out string? problem)
    {
        problem = null;
        if (value.Length != Bytes)
        {
            problem = $"a value extent of {value.Length} bytes (it has {Bytes})";
            return null;
        }
        var extent = new ValueExtent(BinaryPrimitives.ReadUInt64LittleEndian(value), BinaryPrimitives.ReadInt32LittleEndian(value[8..]),
            BinaryPrimitives.ReadInt32LittleEndian(value[12..]), BinaryPrimitives.ReadUInt64LittleEndian(value[16..]), BinaryPrimitives.ReadUInt32LittleEndian(value[24..]), value[28]);
        if (value[29..].IndexOfAnyExcept((byte)0) >= 0) problem = "a value extent whose reserved bytes are not zero";
        else if (extent.StoredBytes <= 0 || extent.ValueBytes <= 0) problem = $"a value extent of {extent.StoredBytes} stored bytes for {extent.ValueBytes} value bytes (both at least 1)";
        else if (extent.Compression == 0 && extent.StoredBytes != extent.ValueBytes) problem = $"an uncompressed value extent of {extent.StoredBytes} stored bytes for {extent.ValueBytes} value bytes";
        else if (extent.Compression > 1) problem = $"a value extent compressed with method {extent.Compression}, which names no method";
        else if (extent.OwnerTree == 0) problem = "a value extent owned by tree 0";
        return problem is null ? extent : null;
    }

    /// <summary>The extent's bytes.</summary>
    public byte[] ToBytes()
    {
        var bytes = new byte[Bytes];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, Sector);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(8), StoredBytes);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(12), ValueBytes);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(16), Checksum);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(24), OwnerTree);
        bytes[28] = Compression;
        return bytes;
    }
}
