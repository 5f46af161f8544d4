namespace Packtree.Bcachefs;

/// <summary>
/// Reading the data of one extent key (image facts §3): pick the pointer on this device with the checksum
/// entry before it, read the stored sectors, verify their checksum, decompress, and cut out the live part.
/// </summary>
internal static class BcachefsExtentReader
{
    public const byte ExtentType = 6;
    public const byte InlineDataType = 17;
    private const int Sector = 512;

    /// <summary>Where an extent's data is and how it is stored.</summary>
    /// <param name="Pointer">The copy on this device.</param>
    /// <param name="Checksum">The checksum entry that applies to it, or null (unchecksummed, uncompressed).</param>
    /// <param name="CompressedSectors">Stored sectors.</param>
    /// <param name="UncompressedSectors">Sectors after decompression.</param>
    /// <param name="LiveOffset">Sectors into the uncompressed data where the key's data starts.</param>
    public sealed record Layout(ExtentPointer Pointer, ExtentChecksum? Checksum, uint CompressedSectors, uint UncompressedSectors, uint LiveOffset)
    {
        /// <summary>Whether the live data can be read straight from the image, a range at a time (no checksum, no compression).</summary>
        public bool IsDirect => Pointer.Unwritten || Checksum is null || (Checksum.ChecksumType == 0 && IsRaw(Checksum.CompressionType));

        /// <summary>The stored data's byte offset in the image.</summary>
        public long StoredOffset => (long)Pointer.Offset * Sector;
    }

    /// <summary>How an extent key's data is stored; <paramref name="what"/> names the key for errors.</summary>
    /// <exception cref="InvalidDataException">The entries are damaged or inconsistent.</exception>
    public static Layout Locate(BcachefsKey key, int device, string what)
    {
        var entries = BcachefsExtent.Entries(key.Value.Span);
        ExtentChecksum? current = null;
        Layout? chosen = null;
        var devices = new List<int>();
        foreach (var entry in entries)
        {
            switch (entry)
            {
                case ExtentChecksum crc:
                    current = crc;
                    break;
                case ExtentPointer pointer:
                    devices.Add(pointer.Device);
                    // A cached copy is as good as any on one device; a dirty one is preferred.
                    if (pointer.Device == device && (chosen is null || (chosen.Pointer.Cached && !pointer.Cached)))
                        chosen = Check(key, pointer, current, what);
                    break;
            }
        }
        if (devices.Count == 0) throw new InvalidDataException($"{what}: the extent has no pointer to its data");
        return chosen ?? throw new InvalidDataException($"{what}: the data is on device(s) {string.Join(", ", devices.Distinct())}, not on this image's device {device}");
    }

    private static Layout Check(BcachefsKey key, ExtentPointer pointer, ExtentChecksum? crc, string what)
    {
        if (pointer.Offset > long.MaxValue / Sector - (1L << 24))
            throw new InvalidDataException($"{what}: the pointer's sector {pointer.Offset} lies past any image");
        if (crc is null) return new Layout(pointer, null, key.Size, key.Size, 0);
        if (crc.Offset + (ulong)key.Size > crc.UncompressedSectors)
            throw new InvalidDataException($"{what}: the key's {key.Size} sectors from offset {crc.Offset} run past the {crc.UncompressedSectors} uncompressed sectors of its checksum entry");
        if (IsRaw(crc.CompressionType) && crc.CompressedSectors != crc.UncompressedSectors)
            throw new InvalidDataException($"{what}: uncompressed data with {crc.CompressedSectors} stored and {crc.UncompressedSectors} uncompressed sectors");
        return new Layout(pointer, crc, crc.CompressedSectors, crc.UncompressedSectors, crc.Offset);
    }

    /// <summary>Whether a compression type stores data as is.</summary>
    public static bool IsRaw(int compression) => compression is BcachefsCompression.None or BcachefsCompression.Incompressible;

    /// <summary>
    /// The key's live data (<c>key.Size</c> sectors), verified and decompressed. <paramref name="what"/> names the
    /// file and extent for errors.
    /// </summary>
    /// <exception cref="CorruptImageException">Part <c>data</c>: a checksum mismatch, stored data outside the image, or a damaged compressed stream.</exception>
    /// <exception cref="NotSupportedException">Encrypted data.</exception>
    public static byte[] ReadLive(BcachefsImage image, BcachefsKey key, Layout layout, string what)
    {
        var live = new byte[(long)key.Size * Sector];
        if (layout.Pointer.Unwritten) return live; // allocated but never written: reads as zeros
        var stored = new byte[(long)layout.CompressedSectors * Sector];
        ReadStored(image, layout.StoredOffset, stored, what);
        var problem = Verify(layout, stored, what);
        if (problem is not null) throw new CorruptImageException("data", layout.StoredOffset, problem);
        var compression = layout.Checksum?.CompressionType ?? 0;
        if (IsRaw(compression))
        {
            stored.AsSpan((int)(layout.LiveOffset * Sector), live.Length).CopyTo(live);
            return live;
        }
        var uncompressed = new byte[(long)layout.UncompressedSectors * Sector];
        try
        {
            BcachefsCompression.Decompress(compression, stored, uncompressed, what);
        }
        catch (InvalidDataException e)
        {
            throw new CorruptImageException("data", layout.StoredOffset, e.Message, e);
        }
        uncompressed.AsSpan((int)(layout.LiveOffset * Sector), live.Length).CopyTo(live);
        return live;
    }

    /// <summary>Reads part of a direct extent's live data (see <see cref="Layout.IsDirect"/>).</summary>
    public static void ReadDirect(BcachefsImage image, Layout layout, long offsetInLive, Span<byte> destination, string what)
    {
        if (layout.Pointer.Unwritten)
        {
            destination.Clear();
            return;
        }
        ReadStored(image, layout.StoredOffset + (long)layout.LiveOffset * Sector + offsetInLive, destination, what);
    }

    /// <summary>The checksum problem of an extent's stored bytes, or null when they match.</summary>
    public static string? Verify(Layout layout, ReadOnlySpan<byte> stored, string what)
    {
        if (layout.Checksum is not { } crc || crc.ChecksumType == 0) return null;
        var (hi, lo) = BcachefsDataChecksum.Compute(crc.ChecksumType, stored, what);
        if (hi == crc.ChecksumHi && lo == crc.ChecksumLo) return null;
        return $"{what}: the {layout.CompressedSectors} stored sectors at byte {layout.StoredOffset} fail their {BcachefsNames.ChecksumType(crc.ChecksumType)} checksum: " +
            $"expected {BcachefsDataChecksum.Text(crc.ChecksumHi, crc.ChecksumLo)}, the data gives {BcachefsDataChecksum.Text(hi, lo)}";
    }

    /// <summary>Reads stored bytes, naming the extent when they lie outside the image.</summary>
    public static void ReadStored(BcachefsImage image, long offset, Span<byte> destination, string what)
    {
        try
        {
            image.Read(offset, destination);
        }
        catch (CorruptImageException e) when (e.Part != "data")
        {
            throw new CorruptImageException("data", offset, $"{what}: {e.Rule}", e);
        }
    }
}
