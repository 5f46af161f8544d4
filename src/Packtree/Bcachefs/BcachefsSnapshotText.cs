namespace Packtree.Bcachefs;

/// <summary>The list text of subvolume, snapshot, snapshot_tree and inode_alloc_cursor keys.</summary>
internal static class BcachefsSnapshotText
{
    /// <summary><c>root R snapshot id S</c>, the parents when the value has them, then the flags.</summary>
    public static void WriteSubvolume(BcachefsTextWriter text, ReadOnlySpan<byte> value)
    {
        var flags = BcachefsValueBytes.U32(value, 0, "subvolume flags");
        var snapshot = BcachefsValueBytes.U32(value, 4, "subvolume snapshot");
        var root = BcachefsValueBytes.U64(value, 8, "subvolume inode");
        text.Write("root ").Write(root).Write(" snapshot id ").Write(snapshot);
        if (value.Length > 16)
            text.Write(" creation_parent ").Write(BcachefsValueBytes.U32OrZero(value, 16))
                .Write(" fs_parent ").Write(BcachefsValueBytes.U32OrZero(value, 20));
        if ((flags & 1) != 0) text.Write(" ro");
        if ((flags & 2) != 0) text.Write(" snapshot");
        if ((flags & 4) != 0) text.Write(" unlinked");
    }

    /// <summary>Flag words, then parent, children (width 10), subvol, tree, depth, skiplist; a short value reads as zero-padded.</summary>
    public static void WriteSnapshot(BcachefsTextWriter text, ReadOnlySpan<byte> value)
    {
        Span<uint> f = stackalloc uint[10];
        for (var i = 0; i < f.Length; i++)
            f[i] = BcachefsValueBytes.U32OrZero(value, 4 * i);
        var flags = f[0];
        if ((flags & 2) != 0) text.Write("subvol ");
        if ((flags & 1) != 0) text.Write("will_delete ");
        if ((flags & 4) != 0) text.Write("deleted ");
        if ((flags & 8) != 0) text.Write("no_keys ");
        text.Write("parent ").Padded(f[1], 10).Write(" children ").Padded(f[2], 10).Write(" ").Padded(f[3], 10)
            .Write(" subvol ").Write(f[4]).Write(" tree ").Write(f[5]).Write(" depth ").Write(f[6])
            .Write(" skiplist ").Write(f[7]).Write(" ").Write(f[8]).Write(" ").Write(f[9]);
    }

    /// <summary><c>subvol M root snapshot R</c>.</summary>
    public static void WriteSnapshotTree(BcachefsTextWriter text, ReadOnlySpan<byte> value)
    {
        text.Write("subvol ").Write(BcachefsValueBytes.U32(value, 0, "snapshot_tree master_subvol"))
            .Write(" root snapshot ").Write(BcachefsValueBytes.U32(value, 4, "snapshot_tree root_snapshot"));
    }

    /// <summary><c>idx I generation G</c>.</summary>
    public static void WriteInodeAllocCursor(BcachefsTextWriter text, ReadOnlySpan<byte> value)
    {
        var gen = BcachefsValueBytes.U32(value, 2, "inode_alloc_cursor gen");
        var idx = BcachefsValueBytes.U64(value, 8, "inode_alloc_cursor idx");
        text.Write("idx ").Write(idx).Write(" generation ").Write(gen);
    }
}
