using Packtree.Keys;

namespace Packtree.Bcachefs;

/// <summary>
/// The data map of one file (image facts §3): its extent keys as byte ranges of the file, in order, cut at
/// the inode's size; ranges no key covers are holes. Keys of the view's own snapshot hide those of its
/// ancestors where they overlap. Built on first use, checked as it is built.
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

    /// <summary>
    /// One data range of the file: file bytes [Start, End) (End cut at the file size) come from the key whose live
    /// data begins at file byte KeyStart; Layout says where the data is (null for inline data).
    /// </summary>
    public sealed record Extent(long Start, long End, long KeyStart, BcachefsKey Key, BcachefsExtentReader.Layout? Layout, string What);

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

    /// <summary>The data ranges in file order.</summary>
    public IReadOnlyList<Extent> Extents => _extents ??= Build();

    /// <summary>The index of the first range ending after <paramref name="position"/> (the count when none does).</summary>
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

    /// <summary>The whole live data of a range's key (one that is not read directly), verified.</summary>
    public byte[] Load(Extent extent)
    {
        if (extent.Layout is null)
        {
            var live = new byte[(long)extent.Key.Size * Sector];
            extent.Key.Value.Span.CopyTo(live);
            return live;
        }
        return BcachefsExtentReader.ReadLive(_image, extent.Key, extent.Layout, extent.What);
    }

    /// <summary>A key of the file seen from the view: its byte range and how far its snapshot is from the view's.</summary>
    internal readonly record struct Candidate(long Start, long End, int Distance, BcachefsKey Key);

    private List<Extent> Build()
    {
        var visible = _files.VisibleSnapshots(_node.Snapshot);
        var candidates = new List<Candidate>();
        foreach (var key in _image.Btree("extents").Keys(new Bpos(_node.Inum, 0, 0)))
        {
            if (key.Position.Inode != _node.Inum) break;
            if (!visible.TryGetValue(key.Position.Snapshot, out var distance)) continue;
            var end = key.Position.Offset;
            // The key's description is formatted only for a message: this loop sees every key of the file, hidden ones too.
            if (key.Size == 0 || key.Size > end) throw Corrupt(key, $"{What(key)}: an extent of {key.Size} sectors cannot end at sector {end}");
            if (end > (ulong)(long.MaxValue / Sector)) throw Corrupt(key, $"{What(key)}: sector {end} lies past any file");
            candidates.Add(new Candidate((long)(end - key.Size) * Sector, (long)end * Sector, distance, key));
        }
        var pieces = candidates.All(c => c.Distance == 0) ? Ordered(candidates) : Overlaid(candidates);
        var extents = new List<Extent>(pieces.Count);
        var device = _image.Superblock.DeviceIndex;
        foreach (var (start, pieceEnd, distance, key) in pieces)
        {
            var end = Math.Min(pieceEnd, Length);
            if (start >= end) continue; // past the file's size: not the file's data
            if (key.Type is WhiteoutType or ExtentWhiteoutType or ReservationType) continue; // reads as zeros, like a hole
            var what = What(key); // kept with the range: reads name the extent when its data fails
            if (key.Type == ReflinkPointerType)
                throw new NotSupportedException($"{what} is a reflink pointer into the reflink btree; Packtree does not read reflinked data yet.");
            if (key.Type is not (BcachefsExtentReader.ExtentType or BcachefsExtentReader.InlineDataType))
                throw Corrupt(key, $"{what}: key type {key.TypeName} does not belong in the extents btree");
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
            extents.Add(new Extent(start, end, (long)(key.Position.Offset - key.Size) * Sector, key, layout, what));
        }
        return extents;
    }

    /// <summary>One snapshot's keys: they must not overlap (bcachefs never stores overlapping extents in one snapshot).</summary>
    private List<Candidate> Ordered(List<Candidate> candidates)
    {
        for (var i = 1; i < candidates.Count; i++)
            if (candidates[i].Start < candidates[i - 1].End)
                throw Corrupt(candidates[i].Key, $"{What(candidates[i].Key)}: it starts at file byte {candidates[i].Start}, inside the extent before it (ending at byte {candidates[i - 1].End})");
        return candidates;
    }

    /// <summary>Keys of several snapshots: nearer snapshots first, each key keeps only what nearer ones left uncovered.</summary>
    internal List<Candidate> Overlaid(List<Candidate> candidates)
    {
        var covered = new List<Candidate>();
        Candidate? previous = null;
        foreach (var candidate in candidates.OrderBy(c => c.Distance).ThenBy(c => c.Start))
        {
            // Within one snapshot extents never overlap, whether or not a nearer snapshot hides them.
            if (previous is { } p && p.Distance == candidate.Distance && candidate.Start < p.End)
                throw Corrupt(candidate.Key, $"{What(candidate.Key)}: it overlaps {What(p.Key)} of the same snapshot");
            previous = candidate;
            var remaining = new List<(long Start, long End)> { (candidate.Start, candidate.End) };
            foreach (var cover in covered)
            {
                if (cover.End <= candidate.Start || cover.Start >= candidate.End) continue;
                var next = new List<(long, long)>();
                foreach (var (s, e) in remaining)
                {
                    if (cover.End <= s || cover.Start >= e) { next.Add((s, e)); continue; }
                    if (s < cover.Start) next.Add((s, cover.Start));
                    if (cover.End < e) next.Add((cover.End, e));
                }
                remaining = next;
            }
            foreach (var (s, e) in remaining) covered.Add(candidate with { Start = s, End = e });
        }
        covered.Sort((a, b) => a.Start.CompareTo(b.Start));
        return covered;
    }

    private string What(BcachefsKey key) => $"file {_node.Path} (inode {_node.Inum}) extent {key.Position} len {key.Size}";

    private CorruptImageException Corrupt(BcachefsKey key, string rule, Exception? inner = null) =>
        new("extents", _files.LeafOffset("extents", key.Position), rule, inner);
}
