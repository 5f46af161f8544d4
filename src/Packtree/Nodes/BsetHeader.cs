using System.Buffers.Binary;

namespace Packtree.Nodes;

/// <summary>
/// bcachefs's 24-byte <c>struct bset</c> header: seq (le64), journal_seq (le64), flags (le32),
/// version (le16), u64s (le16: the length of the key area that follows, in words).
/// </summary>
internal readonly record struct BsetHeader(ulong Seq, ulong JournalSeq, uint Flags, ushort Version, ushort U64s)
{
    /// <summary>Size on disk.</summary>
    public const int ByteCount = 24;

    /// <summary>Largest key area in words (a le16).</summary>
    public const int MaxU64s = ushort.MaxValue;

    private const uint ChecksumTypeMask = 0xF;
    private const uint BigEndianBit = 1 << 4;
    private const uint SeparateWhiteoutsBit = 1 << 5;
    private const int OffsetShift = 16;

    /// <summary>Flags bits 0..3: the checksum type of this write.</summary>
    public ChecksumType ChecksumType => (ChecksumType)(Flags & ChecksumTypeMask);

    /// <summary>Flags bit 4: written by a big-endian host.</summary>
    public bool BigEndian => (Flags & BigEndianBit) != 0;

    /// <summary>Flags bit 5: obsolete, must be 0.</summary>
    public bool SeparateWhiteouts => (Flags & SeparateWhiteoutsBit) != 0;

    /// <summary>Flags bits 16..31: sector offset of this bset within the node (0 is accepted anywhere).</summary>
    public int SectorOffset => (int)(Flags >> OffsetShift);

    /// <summary>The flags word for a write of <paramref name="checksum"/> at <paramref name="sectorOffset"/>, little-endian host.</summary>
    public static uint MakeFlags(ChecksumType checksum, int sectorOffset) => (uint)checksum | ((uint)sectorOffset << OffsetShift);

    /// <summary>Reads the 24-byte image.</summary>
    public static BsetHeader Read(ReadOnlySpan<byte> source) => new(
        BinaryPrimitives.ReadUInt64LittleEndian(source),
        BinaryPrimitives.ReadUInt64LittleEndian(source[8..]),
        BinaryPrimitives.ReadUInt32LittleEndian(source[16..]),
        BinaryPrimitives.ReadUInt16LittleEndian(source[20..]),
        BinaryPrimitives.ReadUInt16LittleEndian(source[22..]));

    /// <summary>Writes the 24-byte image.</summary>
    public void Write(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(destination, Seq);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[8..], JournalSeq);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[16..], Flags);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[20..], Version);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[22..], U64s);
    }

    /// <summary>As a node dump prints it.</summary>
    public override string ToString() =>
        $"bset seq {Seq:x16} journal_seq {JournalSeq} version {Version} u64s {U64s} csum {ChecksumType} offset {SectorOffset}{(BigEndian ? " big-endian" : "")}{(SeparateWhiteouts ? " separate_whiteouts" : "")}";
}
