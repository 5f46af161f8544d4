using System.Buffers.Binary;
using System.IO.Hashing;
using System.Numerics;

namespace Packtree.Nodes;

/// <summary>
/// The checksum algorithms of node writes. CRC-32C uses the runtime's CRC32C instructions
/// (<see cref="BitOperations.Crc32C(uint, ulong)"/>), XXH64 comes from System.IO.Hashing; CRC-64 is
/// computed here because bcachefs's metadata variant (initial and final value all ones) is not one
/// System.IO.Hashing offers.
/// </summary>
internal static class Checksums
{
    private const ulong Crc64Polynomial = 0x42F0E1EBA9EA3693;
    private static readonly ulong[] Crc64Table = BuildCrc64Table();

    /// <summary>Whether Packtree can compute <paramref name="type"/> (the MAC types need the filesystem key).</summary>
    public static bool IsSupported(ChecksumType type) => type is ChecksumType.None or ChecksumType.Crc32cNonzero or ChecksumType.Crc64Nonzero
        or ChecksumType.Crc32c or ChecksumType.Crc64 or ChecksumType.XxHash;

    /// <summary>The checksum of <paramref name="data"/>; the result fills the low bytes of <see cref="Checksum.Lo"/>.</summary>
    /// <exception cref="NotSupportedException">An encryption (MAC) type or an unknown type.</exception>
    public static Checksum Compute(ChecksumType type, ReadOnlySpan<byte> data) => type switch
    {
        ChecksumType.None => default,
        ChecksumType.Crc32cNonzero => new Checksum(~Crc32C(uint.MaxValue, data), 0),
        ChecksumType.Crc32c => new Checksum(Crc32C(0, data), 0),
        ChecksumType.Crc64Nonzero => new Checksum(~Crc64(ulong.MaxValue, data), 0),
        ChecksumType.Crc64 => new Checksum(Crc64(0, data), 0),
        ChecksumType.XxHash => new Checksum(XxHash64.HashToUInt64(data), 0),
        _ => throw new NotSupportedException($"Checksum type {(int)type} ({type}) is {(type is ChecksumType.ChaCha20Poly1305Short or ChecksumType.ChaCha20Poly1305 ? "an encryption MAC, which needs the filesystem key" : "not a bcachefs checksum type")}; Packtree supports none, crc32c, crc64 and xxhash."),
    };

    /// <summary>Reflected CRC-32C register update over <paramref name="data"/>, no initial or final XOR applied (bcachefs's string hash seeds it).</summary>
    internal static uint Crc32C(uint crc, ReadOnlySpan<byte> data)
    {
        var words = data.Length / 8;
        for (var i = 0; i < words; i++) crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(data.Slice(i * 8, 8)));
        foreach (var b in data[(words * 8)..]) crc = BitOperations.Crc32C(crc, b);
        return crc;
    }

    /// <summary>MSB-first CRC-64 (ECMA-182 polynomial) register update, no initial or final XOR applied (bcachefs's string hash seeds it).</summary>
    internal static ulong Crc64(ulong crc, ReadOnlySpan<byte> data)
    {
        var table = Crc64Table;
        foreach (var b in data) crc = table[(byte)(crc >> 56) ^ b] ^ (crc << 8);
        return crc;
    }

    private static ulong[] BuildCrc64Table()
    {
        var table = new ulong[256];
        for (var i = 0; i < table.Length; i++)
        {
            var crc = (ulong)i << 56;
            for (var bit = 0; bit < 8; bit++) crc = (crc & (1UL << 63)) != 0 ? (crc << 1) ^ Crc64Polynomial : crc << 1;
            table[i] = crc;
        }
        return table;
    }
}
