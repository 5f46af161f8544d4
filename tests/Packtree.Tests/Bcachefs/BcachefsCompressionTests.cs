using System.IO.Compression;
using CsCheck;
using K4os.Compression.LZ4;
using Packtree.Bcachefs;

namespace Packtree.Tests.Bcachefs;

public class BcachefsCompressionTests
{
    private const int Sector = 512;

    /// <summary>Sector-sized data that compresses somewhat: random runs and random bytes.</summary>
    private static readonly Gen<byte[]> Data = Gen.Int[1, 24].SelectMany(sectors =>
        Gen.Select(Gen.Byte.Array[sectors * Sector], Gen.Int[0, 3]).Select((bytes, runs) =>
        {
            for (var i = 0; i < bytes.Length; i++) if ((i / 97) % 4 < runs) bytes[i] = (byte)(i / 97);
            return bytes;
        }));

    [Theory]
    [InlineData(BcachefsCompression.Lz4Old)]
    [InlineData(BcachefsCompression.Lz4)]
    [InlineData(BcachefsCompression.Gzip)]
    [InlineData(BcachefsCompression.Zstd)]
    [InlineData(BcachefsCompression.None)]
    [InlineData(BcachefsCompression.Incompressible)]
    public void Round_trips_with_padding_to_whole_sectors(int type)
    {
        Data.Sample(data =>
        {
            foreach (var stored in Stored(type, data))
            {
                var back = new byte[data.Length];
                BcachefsCompression.Decompress(type, stored, back, "test extent");
                Assert.Equal(data, back);
            }
        }, iter: 60);
    }

    [Theory]
    [InlineData(BcachefsCompression.Lz4)]
    [InlineData(BcachefsCompression.Gzip)]
    [InlineData(BcachefsCompression.Zstd)]
    public void A_truncated_stream_is_reported_naming_the_extent(int type)
    {
        Data.Sample(data =>
        {
            foreach (var stored in Stored(type, data))
            {
                var compressedEnd = Array.FindLastIndex(stored, b => b != 0) + 1;
                var cut = stored[..Math.Max(1, compressedEnd / 2)];
                var back = new byte[data.Length];
                var e = Assert.Throws<InvalidDataException>(() => BcachefsCompression.Decompress(type, cut, back, "extent 7:8:9"));
                Assert.StartsWith("extent 7:8:9: the ", e.Message);
            }
        }, iter: 30);
    }

    [Theory]
    [InlineData(BcachefsCompression.Lz4)]
    [InlineData(BcachefsCompression.Gzip)]
    [InlineData(BcachefsCompression.Zstd)]
    public void Garbage_is_reported_and_never_hangs(int type)
    {
        Gen.Select(Gen.Byte.Array[0, 2048], Gen.Int[1, 16], Gen.Int[0, 2]).Sample((garbage, sectors, header) =>
        {
            // Sometimes behind a valid start (a zstd magic, a length then the magic, a zlib header), so the decoders get past it.
            byte[] start = (type, header) switch
            {
                (BcachefsCompression.Zstd, 1) => [0x28, 0xB5, 0x2F, 0xFD],
                (BcachefsCompression.Zstd, 2) => [(byte)garbage.Length, 0, 0, 0, 0x28, 0xB5, 0x2F, 0xFD],
                (BcachefsCompression.Gzip, > 0) => [0x78, 0x9C],
                _ => [],
            };
            garbage = [.. start, .. garbage];
            var back = new byte[sectors * Sector];
            try
            {
                BcachefsCompression.Decompress(type, garbage, back, "extent 1:2:3");
            }
            catch (InvalidDataException e)
            {
                Assert.StartsWith("extent 1:2:3: the ", e.Message);
                return;
            }
            // Random bytes may by chance be a valid stream (LZ4 accepts many); then they filled the output exactly.
            Assert.Equal(BcachefsCompression.Lz4, type);
        }, iter: 300);
    }

    [Theory]
    [InlineData(BcachefsCompression.Lz4)]
    [InlineData(BcachefsCompression.Gzip)]
    [InlineData(BcachefsCompression.Zstd)]
    public void A_stream_shorter_or_longer_than_the_extent_is_an_error(int type)
    {
        var data = new byte[4 * Sector];
        new Random(5).NextBytes(data.AsSpan(0, Sector));
        foreach (var stored in Stored(type, data))
        {
            Assert.Throws<InvalidDataException>(() => BcachefsCompression.Decompress(type, stored, new byte[5 * Sector], "extent"));
            Assert.Throws<InvalidDataException>(() => BcachefsCompression.Decompress(type, stored, new byte[3 * Sector], "extent"));
        }
    }

    [Fact]
    public void Unknown_types_are_refused()
    {
        var e = Assert.Throws<NotSupportedException>(() => BcachefsCompression.Decompress(6, new byte[512], new byte[512], "extent 1:8:0"));
        Assert.Contains("extent 1:8:0", e.Message);
        Assert.Throws<InvalidDataException>(() => BcachefsCompression.Decompress(0, new byte[512], new byte[1024], "extent"));
    }

    /// <summary>Every framing the reader accepts for <paramref name="type"/>, padded with zeros to whole sectors.</summary>
    private static IEnumerable<byte[]> Stored(int type, byte[] data)
    {
        switch (type)
        {
            case BcachefsCompression.Lz4Old or BcachefsCompression.Lz4:
            {
                var target = new byte[LZ4Codec.MaximumOutputSize(data.Length)];
                var n = LZ4Codec.Encode(data, target, LZ4Level.L00_FAST);
                yield return Pad(target.AsSpan(0, n));
                break;
            }
            case BcachefsCompression.Gzip:
                yield return Pad(Deflate(data, s => new DeflateStream(s, CompressionLevel.Optimal, leaveOpen: true)));
                yield return Pad(Deflate(data, s => new ZLibStream(s, CompressionLevel.Optimal, leaveOpen: true)));
                yield return Pad(Deflate(data, s => new GZipStream(s, CompressionLevel.Optimal, leaveOpen: true)));
                break;
            case BcachefsCompression.Zstd:
            {
                using var compressor = new ZstdSharp.Compressor(3);
                var frame = compressor.Wrap(data).ToArray();
                yield return Pad(frame);
                var prefixed = new byte[4 + frame.Length];
                System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(prefixed, (uint)frame.Length);
                frame.CopyTo(prefixed, 4);
                yield return Pad(prefixed);
                break;
            }
            default:
                yield return data;
                break;
        }
    }

    private static byte[] Deflate(byte[] data, Func<Stream, Stream> compressor)
    {
        using var output = new MemoryStream();
        using (var c = compressor(output)) c.Write(data);
        return output.ToArray();
    }

    private static byte[] Pad(ReadOnlySpan<byte> bytes)
    {
        var padded = new byte[(bytes.Length + Sector - 1) / Sector * Sector];
        bytes.CopyTo(padded);
        return padded;
    }
}
