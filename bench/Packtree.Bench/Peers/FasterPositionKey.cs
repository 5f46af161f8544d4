using FASTER.core;

namespace Packtree.Bench.Peers;

/// <summary>The position as a blittable key (the position kinds).</summary>
public struct FasterPositionKey : IFasterKey<FasterPositionKey>
{
    public ulong Inode;
    public ulong Offset;
    public uint Snapshot;

    public static FasterPositionKey From(in BenchKey key) => new() { Inode = key.Position.Inode, Offset = key.Position.Offset, Snapshot = key.Position.Snapshot };

    public readonly long Hash64() => (long)Utility.GetHashCode((long)(Inode * 0x9E3779B97F4A7C15 ^ Offset * 0xC2B2AE3D27D4EB4F ^ Snapshot));

    public readonly bool Same(in FasterPositionKey other) => Inode == other.Inode && Offset == other.Offset && Snapshot == other.Snapshot;
}
