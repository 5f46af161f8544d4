namespace Packtree.Bcachefs;

/// <summary>
/// The data map of one file (image facts §3): its extent keys as byte ranges of the file, in order, cut at
/// the inode's size; sectors no key covers are holes. Built on first use, checked as it is built.
/// </summary>
internal sealed class BcachefsFileData
{
    private const int Sector = 512;
    private const byte ReservationType = 7;
    private const byte ReflinkPointerType = 15;
    private const byte WhiteoutType = 1;
    private const byte ExtentWhiteoutType = 36;

    private readonly BcachefsImage _image;
    private readonly BcachefsFileSystem _files;
    private readonly ResolvedInode _node;
    private List<Extent>? _extents;

    /// <summary>One data extent: file bytes [Start, End) (End cut at the file size), its key and where the data is.</summary>
    public sealed record Extent(long Start, long End, BcachefsKey Key, BcachefsExtentReader.Layout? Layout, string What);

    public BcachefsFileData(BcachefsImage image, BcachefsFileSystem files, ResolvedInode node)
    {
        _image = image;
        _files = files;
        _node = node;
        if (node.Inode.Size > long.MaxValue) throw files.Corrupt("inodes", node, $"a size of {node.Inode.Size} bytes, past any file");
        Length = (long)node.Inode.Size;
    }

    /// <summary>The image the data is read from.</summary>
    public BcachefsImage Image => _image;

    /// <summary>The file's path (for messages).</summary>
    public string Path => _node.Path;

    /// <summary>The file's size (bi_size).</summary>
    public long Length { get; }

    /// <summary>The data extents in file order.</summary>
    public IReadOnlyList<Extent> Extents => _extents ??= Build();

    /// <summary>The index of the first extent ending after <paramref name="position"/> (the count when none does).</summary>
    public int Find(long position)
    {
        var extents = Extents;
        int low = 0, high = extents.Count;
        while (low < high)
        {
            var mid = (low + high) >>> 1;
            if (extents[mid].End <= position) low = mid + 1;
            else high = mid;
        }
        return low;
    }

    /// <summary>The whole live data of an extent that is not read directly, verified.</summary>
    public byte[] Load(Extent extent)
    {
        if (extent.Layout is null) return Inline(extent);
        return BcachefsExtentReader.ReadLive(_image, extent.Key, extent.Layout, extent.What);
    }

    private List<Extent> Build()
    {
        var extents = new List<Extent>();
        var previousEnd = 0L;
        var device = _image.Superblock.DeviceIndex;
        foreach (var key in _files.VisibleKeys("extents", _node.Inum, 0, _node.Snapshot))
        {
            var what = $"file {_node.Path} (inode {_node.Inum}) extent {BcachefsKey.PositionText(key.Position)} len {key.Size}";
            if (key.Type is WhiteoutType or ExtentWhiteoutType or ReservationType) continue; // reservations read as zeros, like holes
            if (key.Type == ReflinkPointerType)
                throw new NotSupportedException($"{what} is a reflink pointer into the reflink btree; Packtree does not read reflinked data yet.");
            if (key.Type is not (BcachefsExtentReader.ExtentType or BcachefsExtentReader.InlineDataType))
                throw Corrupt(key, $"{what}: key type {key.TypeName} does not belong in the extents btree");
            var end = key.Position.Offset;
            if (key.Size == 0 || key.Size > end) throw Corrupt(key, $"{what}: an extent of {key.Size} sectors cannot end at sector {end}");
            if (end > (ulong)(long.MaxValue / Sector)) throw Corrupt(key, $"{what}: sector {end} lies past any file");
            var start = (long)(end - key.Size) * Sector;
            if (start < previousEnd) throw Corrupt(key, $"{what}: it starts at file byte {start}, inside the extent before it (ending at byte {previousEnd})");
            previousEnd = (long)end * Sector;
            if (start >= Length) break; // data past the file's size is not the file's
            BcachefsExtentReader.Layout? layout = null;
            if (key.Type == BcachefsExtentReader.ExtentType)
            {
                try
                {
                    layout = BcachefsExtentReader.Locate(key, device, what);
                }
                catch (InvalidDataException e)
                {
                    throw Corrupt(key, e.Message, e);
                }
            }
            else if (key.Value.Length > key.Size * Sector || key.Value.Length <= (key.Size - 1) * Sector)
            {
                throw Corrupt(key, $"{what}: {key.Value.Length} bytes of inline data do not fill {key.Size} sectors");
            }
            extents.Add(new Extent(start, Math.Min(previousEnd, Length), key, layout, what));
        }
        return extents;
    }

    private static byte[] Inline(Extent extent)
    {
        var live = new byte[(long)extent.Key.Size * Sector];
        extent.Key.Value.Span.CopyTo(live);
        return live;
    }

    private CorruptImageException Corrupt(BcachefsKey key, string rule, Exception? inner = null) =>
        new("extents", _files.LeafOffset("extents", key.Position), rule, inner);
}
