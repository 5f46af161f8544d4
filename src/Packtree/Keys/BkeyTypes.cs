namespace Packtree.Keys;

/// <summary>Names of key types as bcachefs prints them.</summary>
internal static class BkeyTypes
{
    /// <summary>One past the largest known type number (bcachefs's <c>KEY_TYPE_MAX</c>).</summary>
    public const int Count = 39;

    private static readonly string[] Names =
    [
        "deleted",
        "whiteout",
        "error",
        "cookie",
        "hash_whiteout",
        "btree_ptr",
        "extent",
        "reservation",
        "inode",
        "inode_generation",
        "dirent",
        "xattr",
        "alloc",
        "quota",
        "stripe",
        "reflink_p",
        "reflink_v",
        "inline_data",
        "btree_ptr_v2",
        "indirect_inline_data",
        "alloc_v2",
        "subvolume",
        "snapshot",
        "inode_v2",
        "alloc_v3",
        "set",
        "lru",
        "alloc_v4",
        "backpointer",
        "inode_v3",
        "bucket_gens",
        "snapshot_tree",
        "logged_op_truncate",
        "logged_op_finsert",
        "accounting",
        "inode_alloc_cursor",
        "extent_whiteout",
        "logged_op_stripe_update",
        "damage",
    ];

    /// <summary>bcachefs's name for type <paramref name="type"/>, or <c>(unknown N)</c>.</summary>
    public static string Name(byte type) => type < Names.Length ? Names[type] : $"(unknown {type})";
}
