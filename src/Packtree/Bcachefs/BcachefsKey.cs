using System.Globalization;
using Packtree.Keys;

namespace Packtree.Bcachefs;

/// <summary>
/// A key of a bcachefs btree as read from an image, unpacked: position, size, version, type and value.
/// Its value's meaning depends on its type (see <see cref="TypeName"/>).
/// </summary>
public sealed class BcachefsKey
{
    /// <summary>Creates a key from its parts.</summary>
    public BcachefsKey(Bpos position, uint size, uint versionHi, ulong versionLo, byte type, ReadOnlyMemory<byte> value)
    {
        Position = position;
        Size = size;
        VersionHi = versionHi;
        VersionLo = versionLo;
        Type = type;
        Value = value;
    }

    /// <summary>Where the key sits (for extents, the end sector).</summary>
    public Bpos Position { get; }

    /// <summary>The key's size (sectors, for extents; 0 elsewhere).</summary>
    public uint Size { get; }

    /// <summary>High 32 bits of the key's version.</summary>
    public uint VersionHi { get; }

    /// <summary>Low 64 bits of the key's version.</summary>
    public ulong VersionLo { get; }

    /// <summary>The key type's number (see <see cref="TypeName"/>).</summary>
    public byte Type { get; }

    /// <summary>The value's bytes, whole u64 words.</summary>
    public ReadOnlyMemory<byte> Value { get; }

    /// <summary>The key's size unpacked, in u64s: the 5-word header and the value.</summary>
    public int U64s => 5 + Value.Length / 8;

    /// <summary>The key type's name as bcachefs prints it (<c>extent</c>, <c>inode_v3</c>, ...), or its number.</summary>
    public string TypeName => BcachefsNames.KeyType(Type);

    /// <summary>The key part as <c>bcachefs list</c> prints it: <c>u64s N type T POS len SIZE ver V</c>.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"u64s {U64s} type {TypeName} {Position} len {Size} ver {VersionLo}");
}
