namespace Packtree.Trees;

/// <summary>
/// zstd for pieces of values kept out of line (ZstdSharp, a managed port: no native library, every architecture .NET
/// runs on). Each piece is one frame, so any piece decompresses alone; a compressor and a decompressor per thread.
/// </summary>
internal static class PieceCodec
{
    /// <summary>Bytes of a value compressed as one piece.</summary>
    public const int ChunkBytes = 64 * 1024;

    private const int Level = 3;

    [ThreadStatic]
    private static ZstdSharp.Compressor? t_compressor;

    [ThreadStatic]
    private static ZstdSharp.Decompressor? t_decompressor;

    /// <summary>Compresses <paramref name="value"/> into <paramref name="destination"/>; the compressed length, or 0 when it would not shrink by an eighth (store it as given).</summary>
    public static int Compress(ReadOnlySpan<byte> value, Span<byte> destination)
    {
        var compressor = t_compressor ??= new ZstdSharp.Compressor(Level);
        var room = destination[..Math.Min(destination.Length, value.Length - value.Length / 8)];
        return compressor.TryWrap(value, room, out var written) ? written : 0;
    }

    /// <summary>Decompresses a piece into exactly <paramref name="destination"/>; why it cannot be, or null.</summary>
    public static string? Decompress(ReadOnlySpan<byte> stored, Span<byte> destination)
    {
        var decompressor = t_decompressor ??= new ZstdSharp.Decompressor();
        try
        {
            if (!decompressor.TryUnwrap(stored, destination, out var written)) return $"its zstd frame holds more than the {destination.Length} bytes it stands for";
            return written == destination.Length ? null : $"its zstd frame holds {written} bytes, not the {destination.Length} it stands for";
        }
        catch (ZstdSharp.ZstdException e)
        {
            return $"it is no valid zstd frame ({e.Message})";
        }
    }
}
