namespace Packtree.Nodes;

/// <summary>
/// Node and block sizes, validated as bcachefs requires: powers of two, a node of 512 bytes to
/// 512 KiB, a block of 512 bytes to 32 KiB, the node larger than the block.
/// </summary>
internal sealed record NodeGeometry
{
    /// <summary>bcachefs's default node size, 256 KiB.</summary>
    public const int DefaultNodeBytes = 256 * 1024;

    /// <summary>bcachefs's default block size, 4 KiB.</summary>
    public const int DefaultBlockBytes = 4096;

    /// <summary>A sector, the unit of on-disk offsets.</summary>
    public const int SectorBytes = 512;

    /// <summary>Creates and validates a geometry.</summary>
    public NodeGeometry(int nodeBytes = DefaultNodeBytes, int blockBytes = DefaultBlockBytes)
    {
        if (nodeBytes < 512 || nodeBytes > 512 * 1024 || !int.IsPow2(nodeBytes))
            throw new ArgumentOutOfRangeException(nameof(nodeBytes), nodeBytes, "The node size must be a power of two from 512 bytes to 512 KiB.");
        if (blockBytes < 512 || blockBytes > 32 * 1024 || !int.IsPow2(blockBytes))
            throw new ArgumentOutOfRangeException(nameof(blockBytes), blockBytes, "The block size must be a power of two from 512 bytes to 32 KiB.");
        if (nodeBytes <= blockBytes)
            throw new ArgumentOutOfRangeException(nameof(nodeBytes), nodeBytes, $"The node size must be larger than the block size ({blockBytes} bytes).");
        NodeBytes = nodeBytes;
        BlockBytes = blockBytes;
    }

    /// <summary>The default geometry: 256 KiB nodes, 4 KiB blocks.</summary>
    public static NodeGeometry Default { get; } = new();

    /// <summary>Node size in bytes.</summary>
    public int NodeBytes { get; }

    /// <summary>Block size in bytes: every write is padded to a multiple of it.</summary>
    public int BlockBytes { get; }

    /// <summary>Node size in sectors.</summary>
    public int NodeSectors => NodeBytes / SectorBytes;

    /// <summary>Sectors taken by a write of <paramref name="bytes"/> bytes, padded to the block size.</summary>
    public int SectorsFor(long bytes) => (int)((bytes + BlockBytes - 1) / BlockBytes * BlockBytes / SectorBytes);
}
