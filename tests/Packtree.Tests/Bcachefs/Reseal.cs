using System.Buffers.Binary;
using Packtree.Nodes;

namespace Packtree.Tests.Bcachefs;

/// <summary>
/// Signs changed bcachefs metadata again. A node write, a jset and a superblock copy each start with their
/// checksum, which covers every byte after it; they differ only in where the checksum type is kept.
/// </summary>
internal static class Reseal
{
    private const int JsetFlagsAt = 36;
    private const int SuperblockFlagsAt = 144;

    /// <summary>A node write (from its node header, or its bset entry header for a later write, to its keys' end), signed with <paramref name="type"/>, which its flags are set to.</summary>
    public static void Bset(Span<byte> write, bool first, ChecksumType type)
    {
        var flagsAt = (first ? NodeHeader.ByteCount : NodeCodec.EntryHeaderBytes) - BsetHeader.ByteCount + 16;
        var flags = BinaryPrimitives.ReadUInt32LittleEndian(write[flagsAt..]);
        BinaryPrimitives.WriteUInt32LittleEndian(write[flagsAt..], (flags & ~0xFu) | (uint)type);
        Sign(write, type);
    }

    /// <summary>A jset (header and entries), with the checksum type its flags name.</summary>
    public static void Jset(Span<byte> jset) => Sign(jset, (ChecksumType)(jset[JsetFlagsAt] & 0xF));

    /// <summary>A superblock copy (fixed part and fields), with the checksum type its flags name.</summary>
    public static void Superblock(Span<byte> superblock) =>
        Sign(superblock, (ChecksumType)((BinaryPrimitives.ReadUInt64LittleEndian(superblock[SuperblockFlagsAt..]) >> 2) & 0x3F));

    private static void Sign(Span<byte> bytes, ChecksumType type) => Checksums.Compute(type, bytes[Checksum.ByteCount..]).Write(bytes);
}
