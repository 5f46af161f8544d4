using System.Buffers.Binary;
using Packtree.Keys;

namespace Packtree.Bcachefs;

/// <summary>
/// A <c>backpointer</c> value (key type 28, btree <c>backpointers</c>): which key (btree, level, position)
/// refers to the data at the key's position = (dev, sector &lt;&lt; EXTENT_BP_SHIFT | suboffset, 0).
/// </summary>
internal sealed record BcachefsBackpointer(byte BtreeId, byte Level, byte DataType, byte BucketGen, uint Flags, uint BucketLength, Bpos Position)
{
    /// <summary>Bytes of the value.</summary>
    public const int Bytes = 32;

    /// <summary>Decodes a backpointer value.</summary>
    /// <exception cref="InvalidDataException">The value is too short.</exception>
    public static BcachefsBackpointer Read(ReadOnlySpan<byte> value)
    {
        BcachefsValueBytes.Need(value, 0, Bytes, "backpointer");
        return new BcachefsBackpointer(value[0], value[1], value[2], value[3],
            BinaryPrimitives.ReadUInt32LittleEndian(value[4..]), BinaryPrimitives.ReadUInt32LittleEndian(value[8..]), Bpos.Read(value[12..]));
    }
}
