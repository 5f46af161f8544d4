namespace Packtree.Bcachefs;

// Checking every file's data: each extent pointer's stored sectors against their checksum.
public sealed partial class BcachefsFileSystem
{
    private const int Sector = 512;

    /// <summary>How many extent pointers the last <see cref="CheckData"/> run verified.</summary>
    internal int CheckedPointers { get; private set; }

    /// <summary>
    /// Verifies the stored data of every extent in the extents btree (every snapshot): each pointer's sectors
    /// against the checksum entry before it (compressed data is also decompressed), and the size of inline
    /// data. Yields a problem per failure and goes on; never throws for a damaged image.
    /// </summary>
    internal IEnumerable<BcachefsProblem> CheckData()
    {
        CheckedPointers = 0;
        var device = _image.Superblock.DeviceIndex;
        IEnumerator<BcachefsKey> keys;
        try
        {
            keys = _image.Btree("extents").Keys().GetEnumerator();
        }
        catch (Exception e) when (e is CorruptImageException or CorruptNodeException)
        {
            yield break; // the metadata check reports unreadable nodes
        }
        using (keys)
        {
            while (true)
            {
                BcachefsKey key;
                try
                {
                    if (!keys.MoveNext()) yield break;
                    key = keys.Current;
                }
                catch (Exception e) when (e is CorruptImageException or CorruptNodeException)
                {
                    yield break;
                }
                foreach (var problem in CheckExtent(key, device))
                    yield return problem;
            }
        }
    }

    private List<BcachefsProblem> CheckExtent(BcachefsKey key, int device)
    {
        var problems = new List<BcachefsProblem>();
        var what = $"extent {key.Position} len {key.Size}";
        if (key.Type == BcachefsExtentReader.InlineDataType)
        {
            if (key.Value.Length > key.Size * Sector || key.Size == 0 || key.Value.Length <= (key.Size - 1) * Sector)
                problems.Add(Problem(LeafOffset("extents", key.Position), $"{what}: {key.Value.Length} bytes of inline data do not fill {key.Size} sectors"));
            return problems;
        }
        if (key.Type != BcachefsExtentReader.ExtentType) return problems;
        IReadOnlyList<BcachefsExtentEntry> entries;
        try
        {
            entries = BcachefsExtent.Entries(key.Value.Span);
        }
        catch (InvalidDataException e)
        {
            problems.Add(Problem(LeafOffset("extents", key.Position), $"{what}: {e.Message}"));
            return problems;
        }
        ExtentChecksum? crc = null;
        foreach (var entry in entries)
        {
            if (entry is ExtentChecksum c) crc = c;
            if (entry is not ExtentPointer pointer) continue;
            if (pointer.Device != device)
            {
                problems.Add(Problem(-1, $"{what}: a copy on device {pointer.Device}, not in this image (device {device}), cannot be checked"));
                continue;
            }
            if (pointer.Unwritten) continue;
            var problem = CheckPointer(key, pointer, crc, what);
            if (problem is not null) problems.Add(problem);
            CheckedPointers++;
        }
        return problems;
    }

    private BcachefsProblem? CheckPointer(BcachefsKey key, ExtentPointer pointer, ExtentChecksum? crc, string what)
    {
        var offset = (long)Math.Min(pointer.Offset, (ulong)(long.MaxValue / Sector)) * Sector;
        try
        {
            var layout = crc is null
                ? new BcachefsExtentReader.Layout(pointer, null, key.Size, key.Size, 0)
                : new BcachefsExtentReader.Layout(pointer, crc, crc.CompressedSectors, crc.UncompressedSectors, crc.Offset);
            if (crc is not null && crc.Offset + (ulong)key.Size > crc.UncompressedSectors)
                return Problem(offset, $"{what}: the key's {key.Size} sectors from offset {crc.Offset} run past the {crc.UncompressedSectors} uncompressed sectors");
            var stored = new byte[(long)layout.CompressedSectors * Sector];
            BcachefsExtentReader.ReadStored(_image, layout.StoredOffset, stored, what);
            var mismatch = BcachefsExtentReader.Verify(layout, stored, what);
            if (mismatch is not null) return Problem(offset, mismatch);
            if (crc is not null && !BcachefsExtentReader.IsRaw(crc.CompressionType))
                BcachefsCompression.Decompress(crc.CompressionType, stored, new byte[(long)crc.UncompressedSectors * Sector], what);
            return null;
        }
        catch (Exception e) when (e is CorruptImageException or InvalidDataException or NotSupportedException)
        {
            return Problem(offset, e is CorruptImageException c ? c.Rule : e.Message);
        }
    }

    private static BcachefsProblem Problem(long offset, string rule) => new("data", "extents", 0, offset, rule);
}
