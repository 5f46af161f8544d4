namespace Packtree.Keys;

/// <summary>Key (value) types, with bcachefs's on-disk numbers (<c>enum bch_bkey_type</c>).</summary>
internal enum BkeyType : byte
{
    /// <summary><c>deleted</c></summary>
    Deleted = 0,

    /// <summary><c>whiteout</c></summary>
    Whiteout = 1,

    /// <summary><c>error</c></summary>
    Error = 2,

    /// <summary><c>cookie</c></summary>
    Cookie = 3,

    /// <summary><c>hash_whiteout</c></summary>
    HashWhiteout = 4,

    /// <summary><c>btree_ptr</c></summary>
    BtreePtr = 5,

    /// <summary><c>extent</c></summary>
    Extent = 6,

    /// <summary><c>reservation</c></summary>
    Reservation = 7,

    /// <summary><c>inode</c></summary>
    Inode = 8,

    /// <summary><c>inode_generation</c></summary>
    InodeGeneration = 9,

    /// <summary><c>dirent</c></summary>
    Dirent = 10,

    /// <summary><c>xattr</c></summary>
    Xattr = 11,

    /// <summary><c>alloc</c></summary>
    Alloc = 12,

    /// <summary><c>quota</c></summary>
    Quota = 13,

    /// <summary><c>stripe</c></summary>
    Stripe = 14,

    /// <summary><c>reflink_p</c></summary>
    ReflinkP = 15,

    /// <summary><c>reflink_v</c></summary>
    ReflinkV = 16,

    /// <summary><c>inline_data</c></summary>
    InlineData = 17,

    /// <summary><c>btree_ptr_v2</c></summary>
    BtreePtrV2 = 18,

    /// <summary><c>indirect_inline_data</c></summary>
    IndirectInlineData = 19,

    /// <summary><c>alloc_v2</c></summary>
    AllocV2 = 20,

    /// <summary><c>subvolume</c></summary>
    Subvolume = 21,

    /// <summary><c>snapshot</c></summary>
    Snapshot = 22,

    /// <summary><c>inode_v2</c></summary>
    InodeV2 = 23,

    /// <summary><c>alloc_v3</c></summary>
    AllocV3 = 24,

    /// <summary><c>set</c></summary>
    Set = 25,

    /// <summary><c>lru</c></summary>
    Lru = 26,

    /// <summary><c>alloc_v4</c></summary>
    AllocV4 = 27,

    /// <summary><c>backpointer</c></summary>
    Backpointer = 28,

    /// <summary><c>inode_v3</c></summary>
    InodeV3 = 29,

    /// <summary><c>bucket_gens</c></summary>
    BucketGens = 30,

    /// <summary><c>snapshot_tree</c></summary>
    SnapshotTree = 31,

    /// <summary><c>logged_op_truncate</c></summary>
    LoggedOpTruncate = 32,

    /// <summary><c>logged_op_finsert</c></summary>
    LoggedOpFinsert = 33,

    /// <summary><c>accounting</c></summary>
    Accounting = 34,

    /// <summary><c>inode_alloc_cursor</c></summary>
    InodeAllocCursor = 35,

    /// <summary><c>extent_whiteout</c></summary>
    ExtentWhiteout = 36,

    /// <summary><c>logged_op_stripe_update</c></summary>
    LoggedOpStripeUpdate = 37,

    /// <summary><c>damage</c></summary>
    Damage = 38,
}
