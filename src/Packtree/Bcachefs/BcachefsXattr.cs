using System.Text;

namespace Packtree.Bcachefs;

/// <summary>An <c>xattr</c> value (key type 11, btree <c>xattrs</c>, position = (inum, name hash, snapshot)).</summary>
/// <param name="Type">x_type: 0 user, 1 posix_acl_access, 2 posix_acl_default, 3 trusted, 4 security, ...</param>
/// <param name="Name">The name without its prefix.</param>
/// <param name="Value">The attribute's value bytes.</param>
internal sealed record BcachefsXattr(byte Type, byte[] Name, byte[] Value)
{
    private const int NameOffset = 4;

    /// <summary>The prefix the type stands for (<c>user.</c>, <c>trusted.</c>, ...), or <c>(unknown type N)</c>.</summary>
    public string Prefix => PrefixOf(Type);

    /// <summary>The name as the file system shows it: prefix and name.</summary>
    public string FullName => Prefix + Encoding.UTF8.GetString(Name);

    /// <summary>The prefix of an x_type.</summary>
    public static string PrefixOf(int type) => type switch
    {
        0 => "user.",
        1 => "system.posix_acl_access",
        2 => "system.posix_acl_default",
        3 => "trusted.",
        4 => "security.",
        5 => "bcachefs.",
        6 => "bcachefs_effective.",
        _ => $"(unknown type {type})",
    };

    /// <summary>Decodes an xattr value.</summary>
    /// <exception cref="InvalidDataException">The value is malformed; the message names the field and value byte.</exception>
    public static BcachefsXattr Read(ReadOnlySpan<byte> value)
    {
        var type = BcachefsValueBytes.U8(value, 0, "xattr x_type");
        var nameLength = BcachefsValueBytes.U8(value, 1, "xattr x_name_len");
        var valueLength = BcachefsValueBytes.U16(value, 2, "xattr x_val_len");
        BcachefsValueBytes.Need(value, NameOffset, nameLength, "xattr name");
        BcachefsValueBytes.Need(value, NameOffset + nameLength, valueLength, "xattr value");
        return new BcachefsXattr(type, value.Slice(NameOffset, nameLength).ToArray(), value.Slice(NameOffset + nameLength, valueLength).ToArray());
    }
}
