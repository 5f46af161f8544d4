namespace Packtree.Nodes;

/// <summary>Checksum types of a node write, with bcachefs's on-disk numbers (<c>enum bch_csum_type</c>).</summary>
internal enum ChecksumType : byte
{
    /// <summary>No checksum: the stored value is zero.</summary>
    None = 0,

    /// <summary>Standard CRC-32C (initial and final value all ones); bcachefs's default for metadata.</summary>
    Crc32cNonzero = 1,

    /// <summary>CRC-64 with the ECMA-182 polynomial, not reflected, initial and final value all ones.</summary>
    Crc64Nonzero = 2,

    /// <summary>Poly1305 MAC truncated to 10 bytes; needs the filesystem key (not supported).</summary>
    ChaCha20Poly1305Short = 3,

    /// <summary>Poly1305 MAC, 16 bytes; needs the filesystem key (not supported).</summary>
    ChaCha20Poly1305 = 4,

    /// <summary>CRC-32C with initial value 0 and no final XOR.</summary>
    Crc32c = 5,

    /// <summary>CRC-64/ECMA-182: initial value 0, no final XOR.</summary>
    Crc64 = 6,

    /// <summary>XXH64 with seed 0.</summary>
    XxHash = 7,
}
