using System.Buffers.Binary;
using Packtree.Keys;

namespace Packtree.Bench.Peers;

/// <summary>
/// A key as the engines take it: its bytes, and for the position kinds also Packtree's position, whose order the
/// bytes keep (20 big-endian bytes: inode, offset, snapshot). Byte-key kinds (db_bench's, YCSB's) have bytes only.
/// </summary>
public readonly struct BenchKey
{
    private readonly Bpos _position;

    public BenchKey(Bpos position)
    {
        _position = position;
        HasPosition = true;
        var bytes = new byte[20];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, position.Inode);
        BinaryPrimitives.WriteUInt64BigEndian(bytes.AsSpan(8), position.Offset);
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(16), position.Snapshot);
        Bytes = bytes;
    }

    private BenchKey(byte[] bytes) => Bytes = bytes;

    /// <summary>A key that is bytes only, as db_bench and YCSB make them.</summary>
    public static BenchKey OfBytes(byte[] bytes) => new(bytes);

    /// <summary>Whether the key is a position (the position kinds); false for byte keys.</summary>
    public bool HasPosition { get; }

    /// <summary>The position of a key of a position kind.</summary>
    /// <exception cref="InvalidOperationException">The key is bytes only.</exception>
    public Bpos Position => HasPosition ? _position : throw new InvalidOperationException("This key is bytes only; it has no position.");

    public byte[] Bytes { get; }

    /// <summary>The keys' order: positions compared as positions, byte keys as unsigned bytes (the same order for position keys).</summary>
    public static int Compare(BenchKey x, BenchKey y) =>
        x.HasPosition && y.HasPosition ? x._position.CompareTo(y._position) : x.Bytes.AsSpan().SequenceCompareTo(y.Bytes);
}
