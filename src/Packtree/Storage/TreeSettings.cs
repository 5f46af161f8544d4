using System.Buffers.Binary;

namespace Packtree.Storage;

/// <summary>
/// What a tree was created with besides its keys, as the superblock's tree record and the journal's tree creation keep
/// it (4 bytes): how its values kept out of line are compressed (1 byte: 0 none, 1 zstd), and the longest value kept in
/// its leaves (2 bytes: that length + 1; 0 for the leaves' own limit), then a zero byte.
/// </summary>
internal readonly record struct TreeSettings(byte Compression, int? MaxInlineValueBytes)
{
    /// <summary>Bytes of the settings.</summary>
    public const int Bytes = 4;

    /// <summary>The largest compression method.</summary>
    public const byte MaxCompression = 1;

    /// <summary>The longest leaf limit the settings can say.</summary>
    public const int MaxInlineLimit = ushort.MaxValue - 1;

    /// <summary>Whether these are the defaults (written as four zero bytes, as in stores from before settings).</summary>
    public bool IsDefault => Compression == 0 && MaxInlineValueBytes is null;

    /// <summary>Writes the settings.</summary>
    public void Write(Span<byte> destination)
    {
        destination[0] = Compression;
        BinaryPrimitives.WriteUInt16LittleEndian(destination[1..], (ushort)(MaxInlineValueBytes is { } limit ? limit + 1 : 0));
        destination[3] = 0;
    }

    /// <summary>Reads settings, or null with why they make no sense.</summary>
    public static TreeSettings? TryRead(ReadOnlySpan<byte> source, out string? problem)
    {
        problem = null;
        var limit = BinaryPrimitives.ReadUInt16LittleEndian(source[1..]);
        if (source[0] > MaxCompression) problem = $"compression {source[0]}, which names no method (0 none, 1 zstd)";
        else if (limit == ushort.MaxValue) problem = $"a leaf value limit of {limit - 1} bytes (at most {MaxInlineLimit})";
        else if (source[3] != 0) problem = "the settings' reserved byte is not zero";
        return problem is null ? new TreeSettings(source[0], limit == 0 ? null : limit - 1) : null;
    }
}
