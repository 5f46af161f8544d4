using System.Buffers.Binary;

namespace Packtree.Bcachefs;

/// <summary>
/// An <c>alloc_v4</c> value (key type 27, btree <c>alloc</c>, position = (dev, bucket, 0)): the bucket's
/// generation, what it holds and how full it is. Fields after byte 48 exist only in longer values (else 0).
/// </summary>
internal sealed record BcachefsAllocV4(ulong JournalSeqNonempty, uint Flags, byte Gen, byte OldestGen, byte DataType,
    uint DirtySectors, uint CachedSectors, ulong IoTimeRead, ulong IoTimeWrite, uint StripeRefcount, uint NrExternalBackpointers,
    ulong? JournalSeqEmpty, uint? StripeSectors)
{
    /// <summary>Bytes every alloc_v4 value has.</summary>
    public const int MinimumBytes = 48;

    /// <summary>Byte of the generation.</summary>
    public const int GenOffset = 12;

    public bool NeedDiscard => (Flags & 1) != 0;
    public bool NeedIncGen => (Flags & 2) != 0;

    /// <summary>Where the value's own backpointers start, in u64s (flags bits 2..7).</summary>
    public int BackpointersStart => (int)(Flags >> 2) & 0x3F;

    /// <summary>Decodes an alloc_v4 value.</summary>
    /// <exception cref="InvalidDataException">The value is shorter than its fixed part.</exception>
    public static BcachefsAllocV4 Read(ReadOnlySpan<byte> value)
    {
        BcachefsValueBytes.Need(value, 0, MinimumBytes, "alloc_v4 fixed part");
        return new BcachefsAllocV4(
            BinaryPrimitives.ReadUInt64LittleEndian(value),
            BinaryPrimitives.ReadUInt32LittleEndian(value[8..]),
            value[12], value[13], value[14],
            BinaryPrimitives.ReadUInt32LittleEndian(value[16..]),
            BinaryPrimitives.ReadUInt32LittleEndian(value[20..]),
            BinaryPrimitives.ReadUInt64LittleEndian(value[24..]),
            BinaryPrimitives.ReadUInt64LittleEndian(value[32..]),
            BinaryPrimitives.ReadUInt32LittleEndian(value[40..]),
            BinaryPrimitives.ReadUInt32LittleEndian(value[44..]),
            value.Length > 48 ? BcachefsValueBytes.U64(value, 48, "alloc_v4 journal_seq_empty") : null,
            value.Length > 56 ? BcachefsValueBytes.U32(value, 56, "alloc_v4 stripe_sectors") : null);
    }
}
