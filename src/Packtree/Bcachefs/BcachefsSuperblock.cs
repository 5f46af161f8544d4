namespace Packtree.Bcachefs;

/// <summary>
/// The fields of an image's superblock a reader needs (<c>struct bch_sb</c> of 1.36, the copy in use): identity,
/// sizes, options, members, where the journal lies and the clean-shutdown state.
/// </summary>
public sealed record BcachefsSuperblock
{
    /// <summary>Metadata version (1060 is 1.36).</summary>
    public int Version { get; internal init; }

    /// <summary>Oldest metadata version present on disk.</summary>
    public int VersionMin { get; internal init; }

    /// <summary>The internal uuid (source of the node and journal magics), printed in byte order.</summary>
    public Guid Uuid { get; internal init; }

    /// <summary>The user-visible (external) uuid.</summary>
    public Guid UserUuid { get; internal init; }

    /// <summary>The filesystem label.</summary>
    public string Label { get; internal init; } = "";

    /// <summary>Write counter of the copy in use; the highest among valid copies.</summary>
    public ulong Seq { get; internal init; }

    /// <summary>Sector of the copy in use.</summary>
    public ulong Sector { get; internal init; }

    /// <summary>Block size in bytes.</summary>
    public int BlockBytes { get; internal init; }

    /// <summary>Btree node size in bytes.</summary>
    public int NodeBytes { get; internal init; }

    /// <summary>Whether the filesystem was shut down cleanly (flags[0] bit 1).</summary>
    public bool Clean { get; internal init; }

    /// <summary>On-disk checksum type of the superblock itself (flags[0] bits 2..7).</summary>
    public int SuperblockChecksumType { get; internal init; }

    /// <summary>The metadata checksum option (0 none, 1 crc32c, 2 crc64, 3 xxhash).</summary>
    public int MetadataChecksumOption { get; internal init; }

    /// <summary>On-disk checksum type of metadata (bsets, jsets): 0, 1, 2 or 7.</summary>
    public int MetadataChecksumType { get; internal init; }

    /// <summary>The data checksum option (0 none, 1 crc32c, 2 crc64, 3 xxhash).</summary>
    public int DataChecksumOption { get; internal init; }

    /// <summary>On-disk checksum type of data (extent crc entries): 0, 5, 6 or 7.</summary>
    public int DataChecksumType { get; internal init; }

    /// <summary>The str_hash option (0 crc32c, 1 crc64, 2 siphash).</summary>
    public int StrHashOption { get; internal init; }

    /// <summary>The compression option (0 none, 1 lz4, 2 gzip, 3 zstd), low and high bits joined.</summary>
    public int CompressionOption { get; internal init; }

    /// <summary>The encryption type (flags[1] bits 10..13); always 0 here, encrypted images are refused.</summary>
    public int EncryptionType { get; internal init; }

    /// <summary>Backpointer position shift (flags[6] bits 40..47; a stored 0 means 10).</summary>
    public int ExtentBpShift { get; internal init; }

    /// <summary>Low 64 bits of the time base.</summary>
    public ulong TimeBaseLo { get; internal init; }

    /// <summary>High 32 bits of the time base.</summary>
    public uint TimeBaseHi { get; internal init; }

    /// <summary>Nanoseconds per time unit.</summary>
    public uint TimePrecision { get; internal init; }

    /// <summary>Time of the last superblock write (seconds since the epoch).</summary>
    public ulong WriteTime { get; internal init; }

    /// <summary>Incompatible feature bits (features[0], features[1]).</summary>
    public IReadOnlyList<ulong> Features { get; internal init; } = [];

    /// <summary>Compatible feature bits (compat[0], compat[1]).</summary>
    public IReadOnlyList<ulong> Compat { get; internal init; } = [];

    /// <summary>The raw flags words, flags[0..6].</summary>
    public IReadOnlyList<ulong> Flags { get; internal init; } = [];

    /// <summary>This device's member index.</summary>
    public int DeviceIndex { get; internal init; }

    /// <summary>Number of devices of the filesystem.</summary>
    public int DeviceCount { get; internal init; }

    /// <summary>The member devices, indexed by device index.</summary>
    public IReadOnlyList<BcachefsMember> Members { get; internal init; } = [];

    /// <summary>This device's journal buckets: ranges of (first bucket, count).</summary>
    public IReadOnlyList<(ulong Start, ulong Count)> JournalBucketRanges { get; internal init; } = [];

    /// <summary>The journal seq recorded at clean shutdown (0 without a clean field).</summary>
    public ulong CleanJournalSeq { get; internal init; }

    /// <summary>Sectors of the superblock copies, as the layout lists them.</summary>
    public IReadOnlyList<ulong> Copies { get; internal init; } = [];

    /// <summary>log2 of the largest superblock size in sectors (from the layout).</summary>
    public int MaxSizeBits { get; internal init; }

    /// <summary>Size of the variable field area in u64s.</summary>
    public int U64s { get; internal init; }

    /// <summary>Types of the variable fields present, in order.</summary>
    public IReadOnlyList<int> FieldTypes { get; internal init; } = [];

    /// <summary>Journal seq ranges [start, end) blacklisted by the superblock's field.</summary>
    public IReadOnlyList<(ulong Start, ulong End)> BlacklistedJournalSeqs { get; internal init; } = [];

    /// <summary>Where the <c>clean</c> field's jset entries lie in <see cref="FieldBytes"/> (length 0 without a clean field).</summary>
    internal (int Offset, int Length) CleanEntries { get; init; }

    /// <summary>
    /// Size in u64s of each extent entry type, from the <c>extent_type_u64s</c> field (index = entry type; empty without
    /// the field). Lets a reader step over entry types newer than it knows.
    /// </summary>
    public IReadOnlyList<int> ExtentEntryU64s { get; internal init; } = [];

    /// <summary>Whether a <c>crypt</c> field is present (the filesystem is encrypted).</summary>
    internal bool HasCrypt { get; init; }

    /// <summary>The copy's variable fields area.</summary>
    internal byte[] FieldBytes { get; init; } = [];

    /// <summary>Byte offset of the copy in the image.</summary>
    internal long ByteOffset => (long)Sector * 512;

    /// <summary>Byte offset in the image of <see cref="FieldBytes"/>.</summary>
    internal long FieldsOffset => ByteOffset + SuperblockReader.FixedBytes;
}
