namespace Packtree.Bcachefs;

/// <summary>The list text of the file system's own keys: inode_v3, dirent, xattr, inline_data.</summary>
internal static class BcachefsFsText
{
    /// <summary>inode_v3: one line per field, mode in octal with its type, flags by name and in hex, ending with a bare newline.</summary>
    public static void WriteInode(BcachefsTextWriter text, ReadOnlySpan<byte> value)
    {
        var inode = BcachefsInode.Read(value);
        var typeName = BcachefsNames.DirentType((int)(inode.Mode >> 12) & 15);
        text.NewLine().Write("mode=").Write(Convert.ToString(inode.Mode, 8)).Write(" (")
            .Write(typeName == "(bad d_type)" ? "unknown" : typeName).Write(")");
        text.NewLine().Write("flags=");
        var first = true;
        for (var bit = 0; bit < 20; bit++)
        {
            if ((inode.Flags & (1UL << bit)) == 0) continue;
            if (!first) text.Write(",");
            text.Write(bit < BcachefsInode.FlagNames.Length ? BcachefsInode.FlagNames[bit] : bit.ToString(System.Globalization.CultureInfo.InvariantCulture));
            first = false;
        }
        text.Write("(").Hex((uint)inode.Flags).Write(")");
        text.NewLine().Write("journal_seq=").Write(inode.JournalSeq);
        text.NewLine().Write("hash_seed=").Hex(inode.HashSeed);
        text.NewLine().Write("hash_type=").Write(BcachefsStrHash.TypeName(inode.StrHashType));
        text.NewLine().Write("bi_size=").Write(inode.Size);
        text.NewLine().Write("bi_sectors=").Write(inode.Sectors);
        text.NewLine().Write("bi_version=").Write(inode.Version);
        for (var i = 0; i < BcachefsInode.FieldNames.Length; i++)
            text.NewLine().Write("bi_").Write(BcachefsInode.FieldNames[i].Name).Write("=").Write(inode.FieldValues[i]);
        text.EndLine();
    }

    /// <summary>dirent: <c>name -> target type T</c> (subvolumes: <c>name -> parent -> child type subvol</c>).</summary>
    public static void WriteDirent(BcachefsTextWriter text, ReadOnlySpan<byte> value)
    {
        var dirent = BcachefsDirent.Read(value);
        text.Bytes(dirent.Name);
        if (dirent.CasefoldName is { } folded)
            text.Write(" (casefold ").Bytes(folded).Write(")");
        text.Write(" ->");
        if (dirent.Type == BcachefsDirent.SubvolType)
            text.Write(" ").Write(dirent.ParentSubvol).Write(" -> ").Write(dirent.ChildSubvol);
        else
            text.Write(" ").Write(dirent.Target);
        text.Write(" type ").Write(BcachefsNames.DirentType(dirent.Type));
    }

    /// <summary>xattr: <c>prefix.name:value</c>, the value printed as a C string (up to its first NUL).</summary>
    public static void WriteXattr(BcachefsTextWriter text, ReadOnlySpan<byte> value)
    {
        var xattr = BcachefsXattr.Read(value);
        text.Write(xattr.Prefix).Bytes(xattr.Name).Write(":").Bytes(xattr.Value, stopAtNul: true);
    }

    /// <summary>inline_data: the data's length and its bytes in hex.</summary>
    public static void WriteInlineData(BcachefsTextWriter text, ReadOnlySpan<byte> value)
    {
        text.Write("datalen ").Write((ulong)value.Length).Write(": ").Write(Convert.ToHexStringLower(value));
    }
}
