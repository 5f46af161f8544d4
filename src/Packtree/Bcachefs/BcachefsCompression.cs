using System.Buffers.Binary;
using System.IO.Compression;
using K4os.Compression.LZ4;

namespace Packtree.Bcachefs;

/// <summary>
/// Decompression of bcachefs extents (image facts §3 step 4): the stored sectors of an extent hold one
/// compressed stream followed by zero padding to the sector end, and decompress to exactly the extent's
/// uncompressed size. Types 0 (none) and 5 (incompressible) are stored raw.
/// </summary>
internal static class BcachefsCompression
{
    /// <summary>Compression type 0: stored as is.</summary>
    public const int None = 0;

    /// <summary>Compression type 1: LZ4 block (the old type number).</summary>
    public const int Lz4Old = 1;

    /// <summary>Compression type 2: deflate (raw, or with a zlib or gzip header).</summary>
    public const int Gzip = 2;

    /// <summary>Compression type 3: LZ4 block.</summary>
    public const int Lz4 = 3;

    /// <summary>Compression type 4: a zstd frame, possibly after a 4-byte little-endian length.</summary>
    public const int Zstd = 4;

    /// <summary>Compression type 5: the data did not compress and is stored as is.</summary>
    public const int Incompressible = 5;

    private const uint ZstdMagic = 0xFD2FB528;

    /// <summary>
    /// Decompresses <paramref name="source"/> (the stored sectors) into all of <paramref name="destination"/>
    /// (the uncompressed sectors). <paramref name="what"/> names the extent for error messages.
    /// </summary>
    /// <exception cref="InvalidDataException">The stream is damaged or does not decompress to exactly the destination's length.</exception>
    /// <exception cref="NotSupportedException">An unknown compression type.</exception>
    public static void Decompress(int type, ReadOnlySpan<byte> source, Span<byte> destination, string what)
    {
        switch (type)
        {
            case None or Incompressible:
                if (source.Length != destination.Length)
                    throw Wrong(type, what, $"is stored uncompressed in {source.Length} bytes but should hold {destination.Length}");
                source.CopyTo(destination);
                return;
            case Lz4Old or Lz4:
                DecompressLz4(type, source, destination, what);
                return;
            case Gzip:
                DecompressDeflate(source, destination, what);
                return;
            case Zstd:
                DecompressZstd(source, destination, what);
                return;
            default:
                throw new NotSupportedException($"{what}: compression type {type} is not one of bcachefs's (0 none, 1 lz4_old, 2 gzip, 3 lz4, 4 zstd, 5 incompressible).");
        }
    }

    private static void DecompressLz4(int type, ReadOnlySpan<byte> source, Span<byte> destination, string what)
    {
        // The stored sectors end in zero padding after the block, which an LZ4 decoder would read on as more
        // sequences: find where the block producing exactly the destination's length ends, then decode just that.
        var end = Lz4BlockEnd(source, destination.Length, out var problem);
        if (end < 0) throw Wrong(type, what, problem!);
        var written = LZ4Codec.Decode(source[..end], destination);
        if (written != destination.Length) throw Wrong(type, what, written < 0 ? "is not a valid LZ4 block" : $"decompresses to {written} bytes instead of {destination.Length}");
    }

    /// <summary>
    /// Walks the sequences of an LZ4 block (token, literal length, literals, offset, match length) counting
    /// output bytes, and returns the byte after the sequence whose literals end at <paramref name="target"/>
    /// bytes of output, or -1 with <paramref name="problem"/> saying what is wrong.
    /// </summary>
    private static int Lz4BlockEnd(ReadOnlySpan<byte> source, int target, out string? problem)
    {
        var pos = 0;
        long produced = 0;
        while (true)
        {
            if (pos >= source.Length) return Fail(out problem, $"ends after {produced} of {target} bytes");
            var token = source[pos++];
            long literals = token >> 4;
            if (literals == 15 && !ReadLength(source, ref pos, ref literals, target)) return Fail(out problem, $"has a literal length past the stored bytes or the {target} bytes of output");
            if (literals > source.Length - pos) return Fail(out problem, $"has {literals} literals at byte {pos} but only {source.Length - pos} bytes follow");
            pos += (int)literals;
            produced += literals;
            if (produced == target) { problem = null; return pos; } // the last sequence is literals alone
            if (produced > target) return Fail(out problem, $"decompresses to more than {target} bytes");
            if (pos > source.Length - 2) return Fail(out problem, $"ends inside a match offset at byte {pos}");
            var offset = source[pos] | (source[pos + 1] << 8);
            pos += 2;
            if (offset == 0 || offset > produced) return Fail(out problem, $"has a match offset of {offset} at byte {pos - 2} with {produced} bytes of output before it");
            long match = (token & 15) + 4L;
            if ((token & 15) == 15 && !ReadLength(source, ref pos, ref match, target)) return Fail(out problem, $"has a match length past the stored bytes or the {target} bytes of output");
            produced += match;
            if (produced > target) return Fail(out problem, $"decompresses to more than {target} bytes");
        }
    }

    /// <summary>Adds the 255-continued length bytes at <paramref name="pos"/>; false when they run out or pass <paramref name="limit"/>.</summary>
    private static bool ReadLength(ReadOnlySpan<byte> source, ref int pos, ref long length, int limit)
    {
        byte b;
        do
        {
            if (pos >= source.Length) return false;
            b = source[pos++];
            length += b;
            if (length > limit) return false;
        }
        while (b == 255);
        return true;
    }

    private static int Fail(out string? problem, string text)
    {
        problem = text;
        return -1;
    }

    private static void DecompressDeflate(ReadOnlySpan<byte> source, Span<byte> destination, string what)
    {
        var bytes = source.ToArray();
        Exception? first = null;
        // bcachefs writes raw deflate; a zlib or gzip header, when the bytes start with one, is accepted too.
        foreach (var format in HeaderGuesses(bytes))
        {
            try
            {
                InflateExactly(bytes, format, destination, what);
                return;
            }
            catch (InvalidDataException e)
            {
                first ??= e;
            }
        }
        throw first!;
    }

    private enum DeflateFormat { Raw, Zlib, Gzip }

    private static IEnumerable<DeflateFormat> HeaderGuesses(byte[] bytes)
    {
        if (bytes.Length >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b) yield return DeflateFormat.Gzip;
        else if (bytes.Length >= 2 && (bytes[0] & 0x0F) == 8 && (bytes[0] >> 4) <= 7 && ((bytes[0] << 8) | bytes[1]) % 31 == 0) yield return DeflateFormat.Zlib;
        yield return DeflateFormat.Raw;
    }

    private static void InflateExactly(byte[] bytes, DeflateFormat format, Span<byte> destination, string what)
    {
        using var input = new MemoryStream(bytes, writable: false);
        using Stream inflater = format switch
        {
            DeflateFormat.Gzip => new GZipStream(input, CompressionMode.Decompress),
            DeflateFormat.Zlib => new ZLibStream(input, CompressionMode.Decompress),
            _ => new DeflateStream(input, CompressionMode.Decompress),
        };
        var total = 0;
        try
        {
            while (total < destination.Length)
            {
                var n = inflater.Read(destination[total..]);
                if (n == 0) throw Wrong(Gzip, what, $"decompresses to {total} bytes instead of {destination.Length}");
                total += n;
            }
            Span<byte> extra = stackalloc byte[1];
            if (inflater.Read(extra) != 0) throw Wrong(Gzip, what, $"decompresses to more than {destination.Length} bytes");
        }
        catch (Exception e) when (e is IOException || (e is InvalidDataException && !e.Message.StartsWith(what, StringComparison.Ordinal)))
        {
            // ZLibException (an IOException) reports some damaged streams, InvalidDataException the others.
            throw Wrong(Gzip, what, $"is not a valid {format.ToString().ToLowerInvariant()} deflate stream ({e.Message})");
        }
    }

    private static unsafe void DecompressZstd(ReadOnlySpan<byte> source, Span<byte> destination, string what)
    {
        var frame = source;
        // bcachefs puts the compressed length before the frame; a bare frame is accepted too.
        if (source.Length >= 8 && BinaryPrimitives.ReadUInt32LittleEndian(source) != ZstdMagic
            && BinaryPrimitives.ReadUInt32LittleEndian(source[4..]) == ZstdMagic)
        {
            var length = BinaryPrimitives.ReadUInt32LittleEndian(source);
            if (length > (uint)(source.Length - 4)) throw Wrong(Zstd, what, $"says its frame has {length} bytes but only {source.Length - 4} are stored");
            frame = source.Slice(4, (int)length);
        }
        else if (source.Length < 4 || BinaryPrimitives.ReadUInt32LittleEndian(source) != ZstdMagic)
        {
            throw Wrong(Zstd, what, "does not start with a zstd frame (magic 0xFD2FB528), with or without a length before it");
        }
        else
        {
            // Without the length, the frame's own header tells where it ends (the zero padding follows).
            nuint size;
            fixed (byte* p = frame) size = ZstdSharp.Unsafe.Methods.ZSTD_findFrameCompressedSize(p, (nuint)frame.Length);
            if (ZstdSharp.Unsafe.Methods.ZSTD_isError(size)) throw Wrong(Zstd, what, "holds a damaged or truncated zstd frame");
            frame = frame[..(int)size];
        }
        int written;
        try
        {
            using var decompressor = new ZstdSharp.Decompressor();
            written = decompressor.Unwrap(frame, destination);
        }
        catch (ZstdSharp.ZstdException e)
        {
            throw Wrong(Zstd, what, $"is not a valid zstd frame or does not fit {destination.Length} bytes ({e.Message})");
        }
        if (written != destination.Length) throw Wrong(Zstd, what, $"decompresses to {written} bytes instead of {destination.Length}");
    }

    private static InvalidDataException Wrong(int type, string what, string how) =>
        new($"{what}: the {BcachefsNames.CompressionType(type)} data {how}.");
}
