namespace Packtree.Keys;

/// <summary>The six fields of a key, in packing order (bcachefs's <c>enum bch_bkey_fields</c>).</summary>
internal enum BkeyField
{
    /// <summary>Position, most significant part (64 bits unpacked).</summary>
    Inode = 0,

    /// <summary>Position, middle part (64 bits unpacked).</summary>
    Offset = 1,

    /// <summary>Position, least significant part (32 bits unpacked).</summary>
    Snapshot = 2,

    /// <summary>Extent size in sectors (32 bits unpacked).</summary>
    Size = 3,

    /// <summary>Version, high part (32 bits unpacked).</summary>
    VersionHi = 4,

    /// <summary>Version, low part (64 bits unpacked).</summary>
    VersionLo = 5,
}
