using System.Buffers.Binary;

namespace Packtree.Bcachefs;

/// <summary>
/// An <c>inode_v3</c> value (key type 29, btree <c>inodes</c>): a 48-byte fixed part, then the varint
/// fields in bcachefs's order, of which only the first <see cref="NrFields"/> are stored (the rest are 0).
/// </summary>
/// <param name="JournalSeq">bi_journal_seq.</param>
/// <param name="HashSeed">bi_hash_seed, the raw le64 (also the key of the directory's name hash).</param>
/// <param name="Flags">bi_flags: flag bits, str_hash type, field count and start, mode.</param>
/// <param name="Sectors">bi_sectors: sectors allocated.</param>
/// <param name="Size">bi_size: bytes.</param>
/// <param name="Version">bi_version.</param>
/// <param name="FieldValues">The varint fields in <see cref="FieldNames"/> order, missing ones 0.</param>
internal sealed record BcachefsInode(ulong JournalSeq, ulong HashSeed, ulong Flags, ulong Sectors, ulong Size, ulong Version,
    IReadOnlyList<ulong> FieldValues)
{
    /// <summary>Bytes of the fixed part.</summary>
    public const int FixedBytes = 48;

    /// <summary>The varint fields in stored order, names without <c>bi_</c>, with their widths in bits (96 = two varints).</summary>
    public static readonly (string Name, int Bits)[] FieldNames =
    [
        ("atime", 96), ("ctime", 96), ("mtime", 96), ("otime", 96), ("uid", 32), ("gid", 32), ("nlink", 32), ("generation", 32),
        ("dev", 32), ("data_checksum", 8), ("compression", 8), ("project", 32), ("background_compression", 8), ("data_replicas", 8),
        ("promote_target", 16), ("foreground_target", 16), ("background_target", 16), ("erasure_code", 16), ("fields_set", 16),
        ("dir", 64), ("dir_offset", 64), ("subvol", 32), ("parent_subvol", 32), ("nocow", 8), ("depth", 32), ("inodes_32bit", 8),
        ("casefold", 8),
    ];

    /// <summary>The names of flag bits 0..11 of bi_flags.</summary>
    public static readonly string[] FlagNames =
    [
        "sync", "immutable", "append", "nodump", "noatime", "i_size_dirty", "i_sectors_dirty", "unlinked",
        "backptr_untrusted", "has_child_snapshot", "has_case_insensitive", "31bit_dirent_offset",
    ];

    /// <summary>st_mode (bi_flags bits 36..51).</summary>
    public uint Mode => (uint)(Flags >> 36) & 0xFFFF;

    /// <summary>The str_hash type of names in this directory (bi_flags bits 20..23): 0 crc32c, 1 crc64, 2 siphash_old, 3 siphash.</summary>
    public int StrHashType => (int)(Flags >> 20) & 0xF;

    /// <summary>Directory entry offsets are 31-bit (bi_flags bit 11).</summary>
    public bool Is31BitDirents => (Flags & (1UL << 11)) != 0;

    /// <summary>The inode is unlinked (bi_flags bit 7).</summary>
    public bool Unlinked => (Flags & (1UL << 7)) != 0;

    /// <summary>How many varint fields are stored (bi_flags bits 24..30).</summary>
    public int NrFields => (int)(Flags >> 24) & 0x7F;

    public ulong Atime => FieldValues[0];
    public ulong Ctime => FieldValues[1];
    public ulong Mtime => FieldValues[2];
    public ulong Otime => FieldValues[3];
    public ulong Uid => FieldValues[4];
    public ulong Gid => FieldValues[5];
    public ulong Nlink => FieldValues[6];
    public ulong Generation => FieldValues[7];
    public ulong Dev => FieldValues[8];
    public ulong DataChecksum => FieldValues[9];
    public ulong Compression => FieldValues[10];
    public ulong Project => FieldValues[11];
    public ulong BackgroundCompression => FieldValues[12];
    public ulong DataReplicas => FieldValues[13];
    public ulong PromoteTarget => FieldValues[14];
    public ulong ForegroundTarget => FieldValues[15];
    public ulong BackgroundTarget => FieldValues[16];
    public ulong ErasureCode => FieldValues[17];
    public ulong FieldsSet => FieldValues[18];
    public ulong Dir => FieldValues[19];
    public ulong DirOffset => FieldValues[20];
    public ulong Subvol => FieldValues[21];
    public ulong ParentSubvol => FieldValues[22];
    public ulong Nocow => FieldValues[23];
    public ulong Depth => FieldValues[24];
    public ulong Inodes32bit => FieldValues[25];
    public ulong Casefold => FieldValues[26];

    /// <summary>Whether the mode says directory.</summary>
    public bool IsDirectory => (Mode & 0xF000) == 0x4000;

    /// <summary>The link count as stat shows it: 0 if unlinked; the stored nlink is biased by 2 for directories, 1 otherwise.</summary>
    public int LinkCount => Unlinked ? 0 : (int)Math.Min(int.MaxValue, Nlink + (IsDirectory ? 2UL : 1UL));

    /// <summary>Decodes an inode_v3 value.</summary>
    /// <exception cref="InvalidDataException">The value is malformed; the message names the field and value byte.</exception>
    public static BcachefsInode Read(ReadOnlySpan<byte> value)
    {
        BcachefsValueBytes.Need(value, 0, FixedBytes, "inode_v3 fixed part");
        var flags = BinaryPrimitives.ReadUInt64LittleEndian(value[16..]);
        var fieldsStart = (int)(flags >> 31) & 0x1F;
        var nrFields = (int)(flags >> 24) & 0x7F;
        var at = fieldsStart * 8;
        if (at < FixedBytes)
            throw new InvalidDataException($"inode_v3 flags at value byte 16: fields start at u64 {fieldsStart}, inside the {FixedBytes}-byte fixed part.");
        if (at > value.Length)
            throw new InvalidDataException($"inode_v3 flags at value byte 16: fields start at byte {at}, past the end of the value ({value.Length} bytes).");
        var fields = new ulong[FieldNames.Length];
        // Fields beyond the ones 1.36 knows (a newer writer) are ignored.
        var stored = Math.Min(nrFields, FieldNames.Length);
        for (var i = 0; i < stored; i++)
        {
            var (name, bits) = FieldNames[i];
            var start = at;
            at += BcachefsVarint.Read(value, at, "bi_" + name, out var v);
            if (bits == 96)
            {
                var highAt = at;
                at += BcachefsVarint.Read(value, at, "bi_" + name + " (high half)", out var high);
                if (high != 0)
                    throw new InvalidDataException($"inode_v3 bi_{name} at value byte {highAt}: the high half of the 96-bit time is {high}, not 0.");
            }
            else if (bits < 64 && v >> bits != 0)
                throw new InvalidDataException($"inode_v3 bi_{name} at value byte {start}: {v} does not fit its {bits} bits.");
            fields[i] = v;
        }
        return new BcachefsInode(
            BinaryPrimitives.ReadUInt64LittleEndian(value),
            BinaryPrimitives.ReadUInt64LittleEndian(value[8..]),
            flags,
            BinaryPrimitives.ReadUInt64LittleEndian(value[24..]),
            BinaryPrimitives.ReadUInt64LittleEndian(value[32..]),
            BinaryPrimitives.ReadUInt64LittleEndian(value[40..]),
            fields);
    }
}
