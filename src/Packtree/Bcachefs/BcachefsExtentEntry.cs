namespace Packtree.Bcachefs;

/// <summary>One entry of an extent's (or a btree pointer's) value: a pointer, a checksum entry, a stripe pointer, or another kind.</summary>
internal abstract record BcachefsExtentEntry;

/// <summary>A pointer to data on a device (<c>bch_extent_ptr</c>).</summary>
/// <param name="Offset">Sector on the device.</param>
/// <param name="Device">Member device index.</param>
/// <param name="Gen">The bucket generation the pointer was made in.</param>
/// <param name="Cached">A cached copy (not counted for durability).</param>
/// <param name="Unwritten">Allocated but not written yet (reads as zeros).</param>
internal sealed record ExtentPointer(ulong Offset, byte Device, byte Gen, bool Cached, bool Unwritten) : BcachefsExtentEntry;

/// <summary>A checksum/compression entry (crc32, crc64 or crc128), applying to the pointers after it. Sizes in sectors.</summary>
/// <param name="Kind">32, 64 or 128: which entry it was.</param>
/// <param name="CompressedSectors">Sectors stored on disk.</param>
/// <param name="UncompressedSectors">Sectors after decompression.</param>
/// <param name="Offset">Where the key's live data starts in the uncompressed data, sectors.</param>
/// <param name="Nonce">Encryption nonce.</param>
/// <param name="ChecksumType">On-disk checksum type (5 crc32c, 6 crc64, 7 xxhash, ...).</param>
/// <param name="CompressionType">On-disk compression type (0 none, 3 lz4, 4 zstd, 5 incompressible, ...).</param>
/// <param name="ChecksumHi">High 64 bits of the checksum.</param>
/// <param name="ChecksumLo">Low 64 bits of the checksum.</param>
internal sealed record ExtentChecksum(int Kind, uint CompressedSectors, uint UncompressedSectors, uint Offset,
    uint Nonce, byte ChecksumType, byte CompressionType, ulong ChecksumHi, ulong ChecksumLo) : BcachefsExtentEntry;

/// <summary>A pointer into an erasure-coded stripe.</summary>
/// <param name="Index">The stripe's index.</param>
/// <param name="Block">The block within the stripe.</param>
/// <param name="Redundancy">The stripe's redundancy.</param>
internal sealed record ExtentStripePointer(ulong Index, uint Block, uint Redundancy) : BcachefsExtentEntry;

/// <summary>An entry a reader does not interpret (rebalance_v1, flags, reconcile, reconcile_bp): its type and raw words.</summary>
internal sealed record ExtentOtherEntry(int EntryType, ulong[] Words) : BcachefsExtentEntry;
