using System.Buffers.Binary;
using Packtree.Keys;

namespace Packtree.Bcachefs;

/// <summary>
/// The list text of a pointer list (extent, btree_ptr, btree_ptr_v2): <c>durability: D </c> and one
/// indented line per entry; pointers show device, bucket and offset in bucket, and whether the bucket
/// has moved on (<c>stale=</c>).
/// </summary>
internal static class BcachefsExtentText
{
    /// <summary>Fixed part of a btree_ptr_v2 value before its entries.</summary>
    public const int BtreePtrV2FixedBytes = 40;

    /// <summary>Writes the text of the extent entries in <paramref name="entries"/>.</summary>
    public static void WriteEntries(BcachefsTextWriter text, ReadOnlySpan<byte> entries, IBcachefsTextContext context)
    {
        var list = BcachefsExtent.Entries(entries);
        var durability = 0;
        foreach (var entry in list)
            if (entry is ExtentPointer { Cached: false } pointer && context.DeviceName(pointer.Device) is not null)
                durability += context.Durability(pointer.Device);
        text.Write("durability: ").Write((ulong)durability).Write(" ");
        foreach (var entry in list)
        {
            text.NewLine();
            WriteEntry(text, entry, context);
        }
    }

    /// <summary>Writes a btree_ptr_v2 value: seq, sectors written, min_key (R when the range was repaired), then the pointers.</summary>
    public static void WriteBtreePtrV2(BcachefsTextWriter text, ReadOnlySpan<byte> value, IBcachefsTextContext context)
    {
        BcachefsValueBytes.Need(value, 0, BtreePtrV2FixedBytes, "btree_ptr_v2 fixed part");
        var seq = BinaryPrimitives.ReadUInt64LittleEndian(value[8..]);
        var written = BinaryPrimitives.ReadUInt16LittleEndian(value[16..]);
        var flags = BinaryPrimitives.ReadUInt16LittleEndian(value[18..]);
        var minKey = Bpos.Read(value[20..]);
        text.NewLine().Write("seq ").Hex(seq).Write(" written ").Write(written).Write(" min_key ");
        if ((flags & 1) != 0)
            text.Write("R ");
        text.Write(minKey.ToString()).Write(" ");
        WriteEntries(text, value[BtreePtrV2FixedBytes..], context);
    }

    private static void WriteEntry(BcachefsTextWriter text, BcachefsExtentEntry entry, IBcachefsTextContext context)
    {
        switch (entry)
        {
            case ExtentPointer p:
                text.Write("ptr: ");
                WritePointer(text, p, context);
                break;
            case ExtentChecksum c:
                text.Write("crc").Write((ulong)c.Kind).Write(": c_size ").Write(c.CompressedSectors).Write(" size ").Write(c.UncompressedSectors)
                    .Write(" offset ").Write(c.Offset).Write(" nonce ").Write(c.Nonce)
                    .Write(" csum ").Write(BcachefsNames.ChecksumType(c.ChecksumType)).Write(" ").Hex(c.ChecksumHi).Write(":").Hex(c.ChecksumLo)
                    .Write("  compress ").Write(BcachefsNames.CompressionType(c.CompressionType));
                break;
            case ExtentStripePointer s:
                text.Write("stripe_ptr: idx ").Write(s.Index).Write(" block ").Write(s.Block);
                break;
            case ExtentOtherEntry o:
                text.Write(BcachefsExtent.EntryNames[o.EntryType]).Write(":");
                foreach (var word in o.Words)
                    text.Write(" ").Hex(word);
                break;
        }
    }

    private static void WritePointer(BcachefsTextWriter text, ExtentPointer p, IBcachefsTextContext context)
    {
        var name = context.DeviceName(p.Device);
        var bucketSectors = context.BucketSectors(p.Device);
        if (name is null || bucketSectors == 0)
        {
            text.Write((ulong)p.Device).Write(":").Write(p.Offset).Write(" gen ").Write((ulong)p.Gen);
        }
        else
        {
            var bucket = p.Offset / bucketSectors;
            text.Write(name.PadLeft(6)).Write(" ").Write((ulong)p.Device).Write(":").Write(bucket).Write(":").Write(p.Offset % bucketSectors)
                .Write(" gen ").Write((ulong)p.Gen);
            var durability = context.Durability(p.Device);
            if (durability != 1)
                text.Write(" d=").Write((ulong)durability);
            if (context.BucketGen(p.Device, bucket) is { } current && (sbyte)(current - p.Gen) is var behind and > 0)
                text.Write(" stale=").Write(behind);
        }
        if (p.Cached)
            text.Write(" cached");
        if (p.Unwritten)
            text.Write(" unwritten");
    }
}
