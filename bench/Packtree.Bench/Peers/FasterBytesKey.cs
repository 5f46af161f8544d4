using System.Buffers.Binary;
using FASTER.core;

namespace Packtree.Bench.Peers;

/// <summary>A byte key of up to <see cref="ByteKeys.MaxBytes"/> bytes as a blittable key: the bytes zero-padded into three words, and the length.</summary>
public struct FasterBytesKey : IFasterKey<FasterBytesKey>
{
    public ulong Word0;
    public ulong Word1;
    public ulong Word2;
    public int Length;

    public static FasterBytesKey From(in BenchKey key)
    {
        var bytes = key.Bytes;
        if (bytes.Length > ByteKeys.MaxBytes) throw new ArgumentException($"FASTER's byte keys take at most {ByteKeys.MaxBytes} bytes; this one has {bytes.Length}.", nameof(key));
        Span<byte> padded = stackalloc byte[ByteKeys.MaxBytes];
        padded.Clear();
        bytes.CopyTo(padded);
        return new()
        {
            Word0 = BinaryPrimitives.ReadUInt64BigEndian(padded),
            Word1 = BinaryPrimitives.ReadUInt64BigEndian(padded[8..]),
            Word2 = BinaryPrimitives.ReadUInt64BigEndian(padded[16..]),
            Length = bytes.Length,
        };
    }

    public readonly long Hash64() => (long)Utility.GetHashCode((long)(Word0 * 0x9E3779B97F4A7C15 ^ Word1 * 0xC2B2AE3D27D4EB4F ^ Word2 * 0x165667B19E3779F9 ^ (ulong)Length));

    public readonly bool Same(in FasterBytesKey other) => Word0 == other.Word0 && Word1 == other.Word1 && Word2 == other.Word2 && Length == other.Length;
}
