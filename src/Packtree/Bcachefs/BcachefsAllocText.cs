using Packtree.Keys;

namespace Packtree.Bcachefs;

/// <summary>The list text of the allocator's keys: alloc_v4, backpointer, bucket_gens, lru.</summary>
internal static class BcachefsAllocText
{
    /// <summary>alloc_v4: one labelled line per field (values from column 21), fragmentation when the device is known, bare final newline.</summary>
    public static void WriteAllocV4(BcachefsTextWriter text, Bpos position, ReadOnlySpan<byte> value, IBcachefsTextContext context)
    {
        var a = BcachefsAllocV4.Read(value);
        text.NewLine().Write("gen ").Write((ulong)a.Gen).Write(" oldest_gen ").Write((ulong)a.OldestGen)
            .Write(" data_type ").Write(BcachefsNames.DataType(a.DataType));
        text.NewLine().Write("journal_seq_nonempty ").Write(a.JournalSeqNonempty);
        if (a.JournalSeqEmpty is { } empty)
            text.NewLine().Write("journal_seq_empty    ").Write(empty);
        text.NewLine().Write("need_discard         ").Write(a.NeedDiscard ? 1UL : 0UL);
        text.NewLine().Write("need_inc_gen         ").Write(a.NeedIncGen ? 1UL : 0UL);
        text.NewLine().Write("dirty_sectors        ").Write(a.DirtySectors);
        if (a.StripeSectors is { } stripe)
            text.NewLine().Write("stripe_sectors       ").Write(stripe);
        text.NewLine().Write("cached_sectors       ").Write(a.CachedSectors);
        text.NewLine().Write("stripe_refcount      ").Write(a.StripeRefcount);
        text.NewLine().Write("io_time[READ]        ").Write(a.IoTimeRead);
        text.NewLine().Write("io_time[WRITE]       ").Write(a.IoTimeWrite);
        var dev = (int)Math.Min(position.Inode, int.MaxValue);
        if (context.DeviceName(dev) is not null)
            text.NewLine().Write("fragmentation     ").Write(Fragmentation(a, context.BucketSectors(dev)));
        text.NewLine().Write("bp_start          ").Write((ulong)a.BackpointersStart);
        text.EndLine();
    }

    /// <summary>How fragmented a partly used bucket is, scaled to 2^31; 0 for empty, full or non-data buckets.</summary>
    public static ulong Fragmentation(BcachefsAllocV4 a, uint bucketSectors)
    {
        if (a.DataType is not (3 or 4 or 7) || bucketSectors == 0)
            return 0;
        var used = (ulong)(a.StripeSectors ?? 0) + a.DirtySectors;
        if (used == 0 || used >= bucketSectors)
            return 0;
        return used * (1UL << 31) / bucketSectors;
    }

    /// <summary>backpointer: where the data is (bucket and offset, or raw sector if the device is unknown), then what refers to it.</summary>
    public static void WriteBackpointer(BcachefsTextWriter text, Bpos position, ReadOnlySpan<byte> value, IBcachefsTextContext context)
    {
        var bp = BcachefsBackpointer.Read(value);
        var shift = Math.Clamp(context.ExtentBpShift, 0, 63);
        var sector = position.Offset >> shift;
        var suboffset = position.Offset & ((1UL << shift) - 1);
        var dev = (int)Math.Min(position.Inode, int.MaxValue);
        var bucketSectors = context.BucketSectors(dev);
        if (context.DeviceName(dev) is not null && bucketSectors != 0)
            text.Write("bucket=").Write(position.Inode).Write(":").Write(sector / bucketSectors).Write(":").Write(sector % bucketSectors).Write(" ");
        else
            text.Write("sector=").Write(position.Inode).Write(":").Write(sector).Write(" ");
        text.Write("btree=").Write(BcachefsNames.Btree(bp.BtreeId)).Write(" level=").Write((ulong)bp.Level)
            .Write(" data_type=").Write(BcachefsNames.DataType(bp.DataType)).Write(" suboffset=").Write(suboffset)
            .Write(" len=").Write(bp.BucketLength).Write(" gen=").Write((ulong)bp.BucketGen)
            .Write(" pos=").Write(bp.Position.ToString());
        if ((bp.Flags & 3) != 0)
            text.Write(" phys");
    }

    /// <summary>bucket_gens: the 256 generations, space-separated.</summary>
    public static void WriteBucketGens(BcachefsTextWriter text, ReadOnlySpan<byte> value)
    {
        BcachefsValueBytes.Need(value, 0, 256, "bucket_gens gens");
        for (var i = 0; i < 256; i++)
        {
            if (i > 0) text.Write(" ");
            text.Write((ulong)value[i]);
        }
    }

    /// <summary>lru: the index the entry points at.</summary>
    public static void WriteLru(BcachefsTextWriter text, ReadOnlySpan<byte> value) =>
        text.Write("idx ").Write(BcachefsValueBytes.U64(value, 0, "lru idx"));
}
