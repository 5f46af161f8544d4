using System.Buffers.Binary;
using Packtree.Bcachefs;

namespace Packtree.Tests.Bcachefs;

/// <summary>
/// Encoders written in the tests from the image facts (not from the decoders), so that decoding what they
/// make checks the decoders against the layouts: varints, extent entries, inode_v3, dirent and xattr values.
/// </summary>
internal static class BcachefsValueEncoder
{
    /// <summary>The shortest new_varint encoding of <paramref name="value"/>.</summary>
    public static byte[] Varint(ulong value)
    {
        for (var n = 1; n <= 8; n++)
        {
            if (value >> (7 * n) != 0) continue;
            var raw = (value << n) | ((1UL << (n - 1)) - 1);
            var bytes = new byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(bytes, raw);
            return bytes[..n];
        }
        var big = new byte[9];
        big[0] = 0xFF;
        BinaryPrimitives.WriteUInt64LittleEndian(big.AsSpan(1), value);
        return big;
    }

    /// <summary>The words of one extent entry.</summary>
    public static ulong[] Entry(BcachefsExtentEntry entry) => entry switch
    {
        ExtentPointer p => [1UL | (p.Cached ? 2UL : 0) | (p.Unwritten ? 8UL : 0) | (p.Offset << 4) | ((ulong)p.Device << 48) | ((ulong)p.Gen << 56)],
        ExtentChecksum { Kind: 32 } c =>
        [
            0b10UL | ((ulong)(c.CompressedSectors - 1) << 2) | ((ulong)(c.UncompressedSectors - 1) << 9) | ((ulong)c.Offset << 16) |
            ((ulong)c.ChecksumType << 24) | ((ulong)c.CompressionType << 28) | (c.ChecksumLo << 32),
        ],
        ExtentChecksum { Kind: 64 } c =>
        [
            0b100UL | ((ulong)(c.CompressedSectors - 1) << 3) | ((ulong)(c.UncompressedSectors - 1) << 12) | ((ulong)c.Offset << 21) |
            ((ulong)c.Nonce << 30) | ((ulong)c.ChecksumType << 40) | ((ulong)c.CompressionType << 44) | (c.ChecksumHi << 48),
            c.ChecksumLo,
        ],
        ExtentChecksum c =>
        [
            0b1000UL | ((ulong)(c.CompressedSectors - 1) << 4) | ((ulong)(c.UncompressedSectors - 1) << 17) | ((ulong)c.Offset << 30) |
            ((ulong)c.Nonce << 43) | ((ulong)c.ChecksumType << 56) | ((ulong)c.CompressionType << 60),
            c.ChecksumLo, c.ChecksumHi,
        ],
        ExtentStripePointer s => [(1UL << 4) | ((ulong)s.Block << 5) | ((ulong)s.Redundancy << 13) | (s.Index << 17)],
        ExtentOtherEntry o => o.Words,
        _ => throw new ArgumentException("unknown entry", nameof(entry)),
    };

    public static byte[] Words(IEnumerable<ulong> words)
    {
        var list = words.ToList();
        var bytes = new byte[list.Count * 8];
        for (var i = 0; i < list.Count; i++)
            BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(8 * i), list[i]);
        return bytes;
    }

    public static byte[] Entries(IEnumerable<BcachefsExtentEntry> entries) => Words(entries.SelectMany(Entry));

    /// <summary>An inode_v3 value: fixed part with the flags' NR_FIELDS and FIELDS_START (6) set, varints, zero padding to 8.</summary>
    public static byte[] Inode(ulong journalSeq, ulong hashSeed, ulong flags, ulong sectors, ulong size, ulong version, IReadOnlyList<ulong> fields, int nrFields)
    {
        flags = (flags & ~((0x7FUL << 24) | (0x1FUL << 31))) | ((ulong)nrFields << 24) | (6UL << 31);
        var fixedPart = new byte[48];
        BinaryPrimitives.WriteUInt64LittleEndian(fixedPart, journalSeq);
        BinaryPrimitives.WriteUInt64LittleEndian(fixedPart.AsSpan(8), hashSeed);
        BinaryPrimitives.WriteUInt64LittleEndian(fixedPart.AsSpan(16), flags);
        BinaryPrimitives.WriteUInt64LittleEndian(fixedPart.AsSpan(24), sectors);
        BinaryPrimitives.WriteUInt64LittleEndian(fixedPart.AsSpan(32), size);
        BinaryPrimitives.WriteUInt64LittleEndian(fixedPart.AsSpan(40), version);
        var value = new List<byte>(fixedPart);
        for (var i = 0; i < nrFields; i++)
        {
            value.AddRange(Varint(fields[i]));
            if (BcachefsInode.FieldNames[i].Bits == 96)
                value.AddRange(Varint(0));
        }
        while (value.Count % 8 != 0) value.Add(0);
        return [.. value];
    }

    /// <summary>A non-casefold dirent value: d_inum, d_type, name, NUL padding to 8.</summary>
    public static byte[] Dirent(ulong target, byte type, byte[] name)
    {
        var value = new byte[(9 + name.Length + 7) / 8 * 8];
        BinaryPrimitives.WriteUInt64LittleEndian(value, target);
        value[8] = type;
        name.CopyTo(value, 9);
        return value;
    }

    /// <summary>A casefold dirent value: d_inum, d_type | 0x80, pad, name_len, cf_name_len, names, padding.</summary>
    public static byte[] CasefoldDirent(ulong target, byte type, byte[] name, byte[] folded)
    {
        var value = new byte[(14 + name.Length + folded.Length + 7) / 8 * 8];
        BinaryPrimitives.WriteUInt64LittleEndian(value, target);
        value[8] = (byte)(type | 0x80);
        BinaryPrimitives.WriteUInt16LittleEndian(value.AsSpan(10), (ushort)name.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(value.AsSpan(12), (ushort)folded.Length);
        name.CopyTo(value, 14);
        folded.CopyTo(value, 14 + name.Length);
        return value;
    }

    /// <summary>An xattr value: type, name length, value length, name, value, padding.</summary>
    public static byte[] Xattr(byte type, byte[] name, byte[] data)
    {
        var value = new byte[(4 + name.Length + data.Length + 7) / 8 * 8];
        value[0] = type;
        value[1] = (byte)name.Length;
        BinaryPrimitives.WriteUInt16LittleEndian(value.AsSpan(2), (ushort)data.Length);
        name.CopyTo(value, 4);
        data.CopyTo(value, 4 + name.Length);
        return value;
    }
}
