using System.Buffers.Binary;
using System.IO.Compression;
using System.Numerics;
using K4os.Compression.LZ4;
using Packtree.Bcachefs;
using Packtree.Nodes;

namespace Packtree.Tests.Bcachefs;

/// <summary>
/// The images hold no compressed extent, so these tests make some: a file's stored sectors are replaced by
/// their compressed form and its checksum entry rewritten (sizes, compression type, checksum of the new
/// stored bytes), the node's checksum sealed again. The file must read back byte for byte.
/// </summary>
public class BcachefsCompressedExtentTests
{
    public static TheoryData<string, int> Cases()
    {
        var cases = new TheoryData<string, int>();
        foreach (var name in ImageFolder.Names)
            foreach (var type in new[] { BcachefsCompression.Lz4, BcachefsCompression.Gzip, BcachefsCompression.Zstd })
                cases.Add(name, type);
        return cases;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_compressed_extent_reads_back_and_damaged_streams_are_reported(string name, int compression)
    {
        using var copy = new ImageCopy(name);
        string path;
        byte[] original;
        long storedAt;
        using (var image = BcachefsImage.Open(ImageFolder.Image(name)))
        {
            var files = image.Files;
            // The largest one-extent file with a checksum entry: text, so it compresses into fewer sectors.
            var (p, data) = FileManifest.ImagePaths(files).Where(e => e.Value.Type == "reg")
                .Select(e => ("/" + e.Key, files.FileData(files.Resolve("/" + e.Key))))
                .Where(f => f.Item2.Extents.Count == 1 && f.Item2.Extents[0].Layout?.Checksum is { Offset: 0, CompressionType: 0 }
                    && f.Item2.Length < 60_000 && f.Item2.Extents[0].Key.Size >= 8)
                .OrderByDescending(f => f.Item2.Length).First();
            path = p;
            var extent = data.Extents[0];
            var layout = extent.Layout!;
            storedAt = layout.StoredOffset;
            original = new byte[data.Length];
            using (var stream = files.OpenRead(path)) stream.ReadExactly(original);
            var raw = new byte[layout.UncompressedSectors * 512];
            image.Read(storedAt, raw);
            var compressed = Compress(compression, raw);
            var sectors = (compressed.Length + 511) / 512;
            Assert.True(sectors < layout.UncompressedSectors, $"{path} does not compress ({compressed.Length} bytes)");
            var stored = new byte[sectors * 512];
            compressed.CopyTo(stored, 0);
            copy.Write(storedAt, stored);
            var value = extent.Key.Value.ToArray();
            ImageSurgery.ReplaceValue(image, copy, "extents", value, Rewritten(value, (uint)sectors, compression, stored));
        }

        using (var changed = BcachefsImage.Open(copy.Path))
        {
            var entry = changed.Files.FileData(changed.Files.Resolve(path)).Extents[0].Layout!.Checksum!;
            Assert.Equal(compression, entry.CompressionType);
            using var stream = changed.Files.OpenRead(path);
            var back = new byte[stream.Length];
            stream.ReadExactly(back);
            Assert.Equal(original, back);
            Assert.Empty(changed.Files.CheckData());
        }

        // A stream that does not decompress, under a checksum that holds: the error names the file and the compression.
        using (var image = BcachefsImage.Open(copy.Path))
        {
            var extent = image.Files.FileData(image.Files.Resolve(path)).Extents[0];
            var sectors = (int)extent.Layout!.CompressedSectors;
            var garbage = new byte[sectors * 512];
            new Random(7).NextBytes(garbage);
            garbage.AsSpan(0, 8).Clear();
            copy.Write(storedAt, garbage);
            var value = extent.Key.Value.ToArray();
            ImageSurgery.ReplaceValue(image, copy, "extents", value, Rewritten(value, (uint)sectors, compression, garbage));
        }
        using (var damaged = BcachefsImage.Open(copy.Path))
        {
            var e = Assert.Throws<CorruptImageException>(() => damaged.Files.OpenRead(path).CopyTo(Stream.Null));
            Assert.Equal("data", e.Part);
            Assert.Equal(storedAt, e.ByteOffset);
            Assert.Contains(path, e.Rule);
            Assert.Contains(BcachefsNames.CompressionType(compression), e.Rule);
            var problem = Assert.Single(damaged.Files.CheckData());
            Assert.Equal(storedAt, problem.ByteOffset);
        }
    }

    /// <summary>The extent value with its checksum entry saying: <paramref name="sectors"/> stored, compressed with <paramref name="compression"/>, checksum of <paramref name="stored"/>.</summary>
    private static byte[] Rewritten(byte[] value, uint sectors, int compression, byte[] stored)
    {
        var result = (byte[])value.Clone();
        for (var at = 0; at < result.Length;)
        {
            var word = BinaryPrimitives.ReadUInt64LittleEndian(result.AsSpan(at));
            var type = BitOperations.TrailingZeroCount(word);
            if (type == 1)
            {
                var checksumType = (int)(word >> 24) & 15;
                var sum = Checksums.Compute((ChecksumType)checksumType, stored);
                word = Set(word, 2, 7, sectors - 1);
                word = Set(word, 28, 4, (ulong)compression);
                word = Set(word, 32, 32, sum.Lo);
                BinaryPrimitives.WriteUInt64LittleEndian(result.AsSpan(at), word);
                return result;
            }
            if (type == 2)
            {
                var checksumType = (int)(word >> 40) & 15;
                var sum = Checksums.Compute((ChecksumType)checksumType, stored);
                word = Set(word, 3, 9, sectors - 1);
                word = Set(word, 44, 4, (ulong)compression);
                word = Set(word, 48, 16, sum.Hi);
                BinaryPrimitives.WriteUInt64LittleEndian(result.AsSpan(at), word);
                BinaryPrimitives.WriteUInt64LittleEndian(result.AsSpan(at + 8), sum.Lo);
                return result;
            }
            at += type switch { 3 => 24, _ => 8 };
        }
        Assert.Fail("The extent has no crc32 or crc64 entry.");
        return result;
    }

    private static ulong Set(ulong word, int shift, int width, ulong value)
    {
        var mask = ((1UL << width) - 1) << shift;
        return (word & ~mask) | ((value << shift) & mask);
    }

    private static byte[] Compress(int type, byte[] data)
    {
        switch (type)
        {
            case BcachefsCompression.Lz4:
            {
                var target = new byte[LZ4Codec.MaximumOutputSize(data.Length)];
                return target[..LZ4Codec.Encode(data, target, LZ4Level.L09_HC)];
            }
            case BcachefsCompression.Gzip:
            {
                using var output = new MemoryStream();
                using (var deflate = new DeflateStream(output, CompressionLevel.SmallestSize, leaveOpen: true)) deflate.Write(data);
                return output.ToArray();
            }
            default:
            {
                using var compressor = new ZstdSharp.Compressor(19);
                var frame = compressor.Wrap(data).ToArray();
                var prefixed = new byte[4 + frame.Length];
                BinaryPrimitives.WriteUInt32LittleEndian(prefixed, (uint)frame.Length);
                frame.CopyTo(prefixed, 4);
                return prefixed;
            }
        }
    }
}
