using System.Buffers.Binary;
using Packtree.Keys;

namespace Packtree.Bench.Peers;

/// <summary>A key in both shapes: Packtree's position, and 20 big-endian bytes (inode, offset, snapshot) whose byte order is the position order.</summary>
public readonly struct BenchKey
{
    public BenchKey(Bpos position)
    {
        Position = position;
        var bytes = new byte[20];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, position.Inode);
        BinaryPrimitives.WriteUInt64BigEndian(bytes.AsSpan(8), position.Offset);
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(16), position.Snapshot);
        Bytes = bytes;
    }

    public Bpos Position { get; }

    public byte[] Bytes { get; }
}
