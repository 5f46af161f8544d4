using System.Buffers.Binary;
using System.Numerics;
using System.Security.Cryptography;
using Packtree.Nodes;

namespace Packtree.Bcachefs;

/// <summary>
/// The string hashes bcachefs places directory entries and extended attributes by (image facts §4.2):
/// the key offset of a dirent is the hash of its name, of an xattr the hash of its type byte and name,
/// keyed by the directory's (or file's) inode hash seed.
/// </summary>
internal static class BcachefsStrHash
{
    /// <summary>Inode hash type 0: CRC-32C register seeded by the key, no inversion.</summary>
    public const int Crc32c = 0;

    /// <summary>Inode hash type 1: CRC-64 (ECMA-182, MSB-first) register seeded by the key, shifted right once.</summary>
    public const int Crc64 = 1;

    /// <summary>Inode hash type 2: SipHash-2-4 keyed by the first 16 bytes of SHA-256 of the seed.</summary>
    public const int SipHashOld = 2;

    /// <summary>Inode hash type 3: SipHash-2-4 keyed by (seed, 0).</summary>
    public const int SipHash = 3;

    /// <summary>The name of an inode's hash type as bcachefs prints it.</summary>
    public static string TypeName(int type) => type switch
    {
        Crc32c => "crc32c",
        Crc64 => "crc64",
        SipHashOld => "siphash_old",
        SipHash => "siphash",
        _ => type.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>The key offset of a directory entry named <paramref name="name"/> in a directory with these hash parameters.</summary>
    /// <exception cref="NotSupportedException">An unknown hash type.</exception>
    public static ulong Dirent(int type, ulong seed, bool is31Bit, ReadOnlySpan<byte> name)
    {
        // Offsets 0 and 1 are reserved (bcachefs keeps them for "." and "..").
        var hash = Math.Max(Hash(type, seed, name), 2UL);
        return is31Bit ? hash & 0x7FFF_FFFF : hash;
    }

    /// <summary>The key offset of an extended attribute of type <paramref name="xattrType"/> named <paramref name="name"/> (without prefix).</summary>
    /// <exception cref="NotSupportedException">An unknown hash type.</exception>
    public static ulong Xattr(int type, ulong seed, byte xattrType, ReadOnlySpan<byte> name)
    {
        Span<byte> data = stackalloc byte[1 + 255];
        if (name.Length > 255) throw new ArgumentException($"An xattr name is at most 255 bytes; this one has {name.Length}.", nameof(name));
        data[0] = xattrType;
        name.CopyTo(data[1..]);
        return Hash(type, seed, data[..(1 + name.Length)]);
    }

    /// <summary>The hash of <paramref name="data"/> as the str_hash of type <paramref name="type"/> with key <paramref name="seed"/> computes it.</summary>
    /// <exception cref="NotSupportedException">An unknown hash type.</exception>
    public static ulong Hash(int type, ulong seed, ReadOnlySpan<byte> data)
    {
        switch (type)
        {
            case Crc32c:
            case Crc64:
            {
                // The raw register seeded with all ones, fed the key's 8 bytes and then the data; no final inversion.
                Span<byte> key = stackalloc byte[8];
                BinaryPrimitives.WriteUInt64LittleEndian(key, seed);
                return type == Crc32c
                    ? Checksums.Crc32C(Checksums.Crc32C(uint.MaxValue, key), data)
                    : Checksums.Crc64(Checksums.Crc64(ulong.MaxValue, key), data) >> 1;
            }
            case SipHash:
                return SipHash24(seed, 0, data) >> 1;
            case SipHashOld:
            {
                Span<byte> key = stackalloc byte[8];
                Span<byte> digest = stackalloc byte[32];
                BinaryPrimitives.WriteUInt64LittleEndian(key, seed);
                SHA256.HashData(key, digest);
                return SipHash24(BinaryPrimitives.ReadUInt64LittleEndian(digest), BinaryPrimitives.ReadUInt64LittleEndian(digest[8..]), data) >> 1;
            }
            default:
                throw new NotSupportedException($"String hash type {type} is not one of bcachefs's (0 crc32c, 1 crc64, 2 siphash_old, 3 siphash).");
        }
    }

    /// <summary>SipHash-2-4 (Aumasson and Bernstein) of <paramref name="data"/> with the 128-bit key (k0, k1).</summary>
    public static ulong SipHash24(ulong k0, ulong k1, ReadOnlySpan<byte> data)
    {
        var v0 = k0 ^ 0x736f6d6570736575UL;
        var v1 = k1 ^ 0x646f72616e646f6dUL;
        var v2 = k0 ^ 0x6c7967656e657261UL;
        var v3 = k1 ^ 0x7465646279746573UL;
        var whole = data.Length & ~7;
        for (var i = 0; i < whole; i += 8)
        {
            var m = BinaryPrimitives.ReadUInt64LittleEndian(data.Slice(i, 8));
            v3 ^= m;
            Round(ref v0, ref v1, ref v2, ref v3);
            Round(ref v0, ref v1, ref v2, ref v3);
            v0 ^= m;
        }
        // The last word: the remaining bytes, and the length's low byte at the top.
        var last = (ulong)(byte)data.Length << 56;
        var tail = data[whole..];
        for (var i = 0; i < tail.Length; i++) last |= (ulong)tail[i] << (8 * i);
        v3 ^= last;
        Round(ref v0, ref v1, ref v2, ref v3);
        Round(ref v0, ref v1, ref v2, ref v3);
        v0 ^= last;
        v2 ^= 0xff;
        for (var i = 0; i < 4; i++) Round(ref v0, ref v1, ref v2, ref v3);
        return v0 ^ v1 ^ v2 ^ v3;
    }

    private static void Round(ref ulong v0, ref ulong v1, ref ulong v2, ref ulong v3)
    {
        v0 += v1; v1 = BitOperations.RotateLeft(v1, 13); v1 ^= v0; v0 = BitOperations.RotateLeft(v0, 32);
        v2 += v3; v3 = BitOperations.RotateLeft(v3, 16); v3 ^= v2;
        v0 += v3; v3 = BitOperations.RotateLeft(v3, 21); v3 ^= v0;
        v2 += v1; v1 = BitOperations.RotateLeft(v1, 17); v1 ^= v2; v2 = BitOperations.RotateLeft(v2, 32);
    }
}
