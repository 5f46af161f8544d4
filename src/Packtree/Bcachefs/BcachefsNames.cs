namespace Packtree.Bcachefs;

/// <summary>
/// The names bcachefs 1.36 gives its numbers (btree ids, key types, checksum and compression types,
/// data types, directory entry types), as <c>bcachefs list</c> prints them.
/// </summary>
internal static class BcachefsNames
{
    /// <summary>Btree ids 0..26 (<c>BTREE_ID_NR</c> = 27 at 1.36).</summary>
    public static readonly string[] Btrees =
    [
        "extents", "inodes", "dirents", "xattrs", "alloc", "quotas", "stripes", "reflink", "subvolumes", "snapshots",
        "lru", "freespace", "need_discard", "backpointers", "bucket_gens", "snapshot_trees", "deleted_inodes", "logged_ops",
        "reconcile_work", "subvolume_children", "accounting", "reconcile_hipri", "reconcile_pending", "reconcile_scan",
        "reconcile_work_phys", "reconcile_hipri_phys", "bucket_to_stripe",
    ];

    /// <summary>Key types 0..36 (<c>KEY_TYPE_MAX</c> = 37 at 1.36).</summary>
    public static readonly string[] KeyTypes =
    [
        "deleted", "whiteout", "error", "cookie", "hash_whiteout", "btree_ptr", "extent", "reservation", "inode",
        "inode_generation", "dirent", "xattr", "alloc", "quota", "stripe", "reflink_p", "reflink_v", "inline_data",
        "btree_ptr_v2", "indirect_inline_data", "alloc_v2", "subvolume", "snapshot", "inode_v2", "alloc_v3", "set", "lru",
        "alloc_v4", "backpointer", "inode_v3", "bucket_gens", "snapshot_tree", "logged_op_truncate", "logged_op_finsert",
        "accounting", "inode_alloc_cursor", "extent_whiteout",
    ];

    /// <summary>On-disk checksum types 0..7.</summary>
    public static readonly string[] ChecksumTypes =
        ["none", "crc32c_nonzero", "crc64_nonzero", "chacha20_poly1305_80", "chacha20_poly1305_128", "crc32c", "crc64", "xxhash"];

    /// <summary>On-disk compression types of extent checksum entries, 0..5.</summary>
    public static readonly string[] CompressionTypes = ["none", "lz4_old", "gzip", "lz4", "zstd", "incompressible"];

    /// <summary>Data types 0..10 (alloc, backpointers, accounting).</summary>
    public static readonly string[] DataTypes =
        ["free", "sb", "journal", "btree", "user", "cached", "parity", "stripe", "need_gc_gens", "need_discard", "unstriped"];

    /// <summary>The btree with id <paramref name="id"/>, or its number when 1.36 has no such btree.</summary>
    public static string Btree(int id) => (uint)id < (uint)Btrees.Length ? Btrees[id] : id.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The id of the btree named <paramref name="name"/>, or -1.</summary>
    public static int BtreeId(string name) => Array.IndexOf(Btrees, name);

    /// <summary>A key type's name, or its number (decimal) when 1.36 has no such type.</summary>
    public static string KeyType(int type) => Name(KeyTypes, type);

    /// <summary>A checksum type's name, or its number.</summary>
    public static string ChecksumType(int type) => Name(ChecksumTypes, type);

    /// <summary>A compression type's name, or its number.</summary>
    public static string CompressionType(int type) => Name(CompressionTypes, type);

    /// <summary>A data type's name, or its number.</summary>
    public static string DataType(int type) => Name(DataTypes, type);

    /// <summary>A directory entry type's name (d_type numbers as in struct dirent), or <c>(bad d_type)</c>.</summary>
    public static string DirentType(int type) => type switch
    {
        0 => "unknown",
        1 => "fifo",
        2 => "chr",
        4 => "dir",
        6 => "blk",
        8 => "reg",
        10 => "lnk",
        12 => "sock",
        14 => "whiteout",
        16 => "subvol",
        _ => "(bad d_type)",
    };

    private static string Name(string[] names, int value) =>
        (uint)value < (uint)names.Length ? names[value] : value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
