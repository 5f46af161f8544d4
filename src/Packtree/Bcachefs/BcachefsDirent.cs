using System.Buffers.Binary;

namespace Packtree.Bcachefs;

/// <summary>
/// A <c>dirent</c> value (key type 10, btree <c>dirents</c>, position = (directory inum, name hash, snapshot)).
/// </summary>
/// <param name="Target">d_inum: the inode the entry names (for a subvolume entry, the raw first 8 bytes).</param>
/// <param name="ChildSubvol">For d_type 16 (subvol): the subvolume the entry names.</param>
/// <param name="ParentSubvol">For d_type 16 (subvol): the subvolume holding the entry.</param>
/// <param name="Type">d_type (4 dir, 8 reg, 10 lnk, 16 subvol, ...).</param>
/// <param name="Casefold">The entry carries a case-folded name beside its name.</param>
/// <param name="Name">The name's bytes.</param>
/// <param name="CasefoldName">The case-folded name's bytes, for casefold entries.</param>
internal sealed record BcachefsDirent(ulong Target, uint ChildSubvol, uint ParentSubvol, byte Type, bool Casefold, byte[] Name, byte[]? CasefoldName)
{
    /// <summary>d_type of an entry naming a subvolume.</summary>
    public const byte SubvolType = 16;

    private const int NameOffset = 9;
    private const int CasefoldNamesOffset = 14;

    /// <summary>Decodes a dirent value.</summary>
    /// <exception cref="InvalidDataException">The value is malformed; the message names the field and value byte.</exception>
    public static BcachefsDirent Read(ReadOnlySpan<byte> value)
    {
        BcachefsValueBytes.Need(value, 0, NameOffset, "dirent header");
        var target = BinaryPrimitives.ReadUInt64LittleEndian(value);
        var typeByte = value[8];
        var type = (byte)(typeByte & 0x1F);
        var casefold = (typeByte & 0x80) != 0;
        uint child = 0, parent = 0;
        if (type == SubvolType)
        {
            child = (uint)target;
            parent = (uint)(target >> 32);
        }
        if (casefold)
        {
            var nameLength = BcachefsValueBytes.U16(value, 10, "dirent name_len");
            var cfLength = BcachefsValueBytes.U16(value, 12, "dirent cf_name_len");
            BcachefsValueBytes.Need(value, CasefoldNamesOffset, nameLength + cfLength, "dirent names");
            var names = value[CasefoldNamesOffset..];
            return new BcachefsDirent(target, child, parent, type, true, names[..nameLength].ToArray(), names.Slice(nameLength, cfLength).ToArray());
        }
        // The name is NUL-padded to the value's end; only the last u64 can hold padding.
        var end = value.Length;
        var floor = Math.Max(NameOffset, value.Length - 8);
        while (end > floor && value[end - 1] == 0)
            end--;
        return new BcachefsDirent(target, child, parent, type, false, value[NameOffset..end].ToArray(), null);
    }
}
