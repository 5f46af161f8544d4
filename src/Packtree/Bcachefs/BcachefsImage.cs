using Packtree.Codegen;
using Microsoft.Win32.SafeHandles;
using Packtree.Nodes;

namespace Packtree.Bcachefs;

/// <summary>
/// A bcachefs filesystem image opened read-only: its superblock, the roots of its btrees (from the clean
/// superblock or the journal) and the btrees themselves, read through Packtree's node codec with bcachefs's
/// read-time rules. The image file is never written.
/// </summary>
/// <remarks>
/// Reading is safe from several threads at once. Damage is reported as <see cref="CorruptImageException"/>
/// (superblock, journal) or <see cref="CorruptNodeException"/> (a btree node), naming where it is.
/// </remarks>
public sealed partial class BcachefsImage : IDisposable
{
    /// <summary>The constant the node magic is derived from.</summary>
    internal const ulong BsetMagicXor = 0x90135c78b99e07f5;

    private readonly SafeFileHandle _handle;
    private readonly List<BcachefsProblem> _openProblems = [];
    private NodeCodec _codec = null!;
    private BcachefsBtree[] _btrees = [];

    private BcachefsImage(string path, SafeFileHandle handle, UnpackStrategy strategy, CompiledCodeCache codeCache)
    {
        Path = path;
        Strategy = strategy;
        _codeCache = codeCache;
        _handle = handle;
        Length = RandomAccess.GetLength(handle);
        // A block device reports no size through fstat; seeking to its end gives it (reads use pread, which never moves the offset).
        if (Length == 0 && BcachefsNative.IsLinux) Length = Math.Max(0, BcachefsNative.SeekEnd(handle));
    }

    /// <summary>Opens the image at <paramref name="path"/> read-only and reads its superblock and btree roots.</summary>
    /// <exception cref="CorruptImageException">No valid superblock copy, or no roots to be found.</exception>
    /// <exception cref="NotSupportedException">An encrypted or big-endian filesystem, or a metadata version not read.</exception>
    public static BcachefsImage Open(string path) => Open(path, UnpackStrategy.Auto);

    /// <summary>
    /// Opens the image at <paramref name="path"/> read-only, its leaves' keys to be unpacked with <paramref name="strategy"/>
    /// (one key codec per node format, shared by every node of that format; see the README on what each strategy buys).
    /// </summary>
    /// <exception cref="CorruptImageException">No valid superblock copy, or no roots to be found.</exception>
    /// <exception cref="NotSupportedException">An encrypted or big-endian filesystem, or a metadata version not read.</exception>
    public static BcachefsImage Open(string path, UnpackStrategy strategy) => Open(path, strategy, CompiledCodeCache.Shared);

    /// <summary>As <see cref="Open(string, UnpackStrategy)"/>, compiled key code kept in <paramref name="codeCache"/> (a fresh one measures a first open).</summary>
    internal static BcachefsImage Open(string path, UnpackStrategy strategy, CompiledCodeCache codeCache)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!Enum.IsDefined(strategy)) throw new ArgumentOutOfRangeException(nameof(strategy), strategy, "Not an unpack strategy.");
        var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        try
        {
            var image = new BcachefsImage(path, handle, strategy, codeCache);
            image.Load();
            return image;
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>The image file's path.</summary>
    public string Path { get; }

    /// <summary>The superblock copy in use (the newest valid one).</summary>
    public BcachefsSuperblock Superblock { get; private set; } = null!;

    /// <summary>Every btree of 1.36, ids 0..26 in order, empty ones included.</summary>
    public IReadOnlyList<BcachefsBtree> Btrees => _btrees;

    /// <summary>The image's length in bytes.</summary>
    internal long Length { get; }

    /// <summary>What the journal holds: window, roots, blacklist, overlay.</summary>
    internal JournalState Journal { get; private set; } = null!;

    /// <summary>Whether the roots came from the clean section (else from the journal, with its keys overlaid).</summary>
    internal bool RootsFromClean { get; private set; }

    /// <summary>The roots of the clean section (empty when there is none).</summary>
    internal IReadOnlyDictionary<int, RootEntry> CleanRoots { get; private set; } = new Dictionary<int, RootEntry>();

    /// <summary>Journal seqs whose node writes are skipped: the superblock's field and the journal's entries.</summary>
    internal JournalSeqBlacklist Blacklist { get; private set; } = JournalSeqBlacklist.Empty;

    /// <summary>The node codec for this image's node size, block size and magic.</summary>
    internal NodeCodec Codec => _codec;

    /// <summary>The btree named <paramref name="name"/> (as <c>bcachefs list</c> names it).</summary>
    /// <exception cref="ArgumentException">No btree has that name; the message lists the known ones.</exception>
    public BcachefsBtree Btree(string name)
    {
        var id = BcachefsNames.BtreeId(name);
        if (id < 0) throw new ArgumentException($"bcachefs has no btree named '{name}'; the btrees are {string.Join(", ", BcachefsNames.Btrees)}.", nameof(name));
        return _btrees[id];
    }

    /// <summary>Reads <paramref name="destination"/>.Length bytes at <paramref name="byteOffset"/>.</summary>
    /// <exception cref="CorruptImageException">The range lies outside the image; the message names the offset.</exception>
    internal void Read(long byteOffset, Span<byte> destination)
    {
        if (byteOffset < 0 || byteOffset > Length - destination.Length)
            throw new CorruptImageException("image", byteOffset, $"a read of {destination.Length} bytes at byte {byteOffset} lies outside the image's {Length} bytes");
        while (!destination.IsEmpty)
        {
            var read = RandomAccess.Read(_handle, destination, byteOffset);
            if (read <= 0) throw new CorruptImageException("image", byteOffset, $"the image ended early: no bytes at byte {byteOffset} of {Length}");
            destination = destination[read..];
            byteOffset += read;
        }
    }

    /// <summary>The open file (tests check that it is read-only).</summary>
    internal SafeFileHandle Handle => _handle;

    /// <summary>Closes the image file.</summary>
    public void Dispose() => _handle.Dispose();

    private void Load()
    {
        var superblock = SuperblockReader.Read(this);
        Superblock = superblock.Superblock;
        _openProblems.AddRange(superblock.Problems);
        var sb = Superblock;
        var (jsets, journalProblems) = JournalReader.Read(this, sb);
        _openProblems.AddRange(journalProblems);
        Journal = JournalState.Build(jsets, sb.BlacklistedJournalSeqs);
        _openProblems.AddRange(Journal.Problems);
        Blacklist = new JournalSeqBlacklist([.. sb.BlacklistedJournalSeqs, .. Journal.Blacklist]);
        _codec = new NodeCodec(new NodeGeometry(sb.NodeBytes, sb.BlockBytes), JournalReader.UuidWord(sb) ^ BsetMagicXor);
        _nodes = new NodeCache(this, NodeCache.LeafCapacityFor(sb.NodeBytes));
        CleanRoots = ReadCleanRoots(sb);

        IReadOnlyDictionary<int, RootEntry> roots;
        RootsFromClean = sb.Clean && sb.CleanEntries.Length > 0;
        if (RootsFromClean) roots = CleanRoots;
        else if (Journal.ReplayEnd != 0) roots = Journal.Roots;
        else
        {
            var where = sb.JournalBucketRanges.Count > 0 ? (long)sb.JournalBucketRanges[0].Start * sb.Members[sb.DeviceIndex].BucketSectors * 512 : sb.FieldsOffset;
            throw new CorruptImageException("journal", where,
                $"the filesystem was not shut down cleanly and its journal holds no valid flush write to take the btree roots from ({Journal.Jsets.Count} jsets read)");
        }
        _btrees = new BcachefsBtree[BcachefsNames.Btrees.Length];
        for (var id = 0; id < _btrees.Length; id++)
        {
            var overlay = !RootsFromClean && Journal.Overlay.TryGetValue((id, 0), out var keys) ? keys : [];
            _btrees[id] = new BcachefsBtree(this, id, roots.GetValueOrDefault(id), overlay);
        }
    }

    /// <summary>The clean field's btree_root records; a malformed one is fatal when the image is clean (the roots are needed).</summary>
    private Dictionary<int, RootEntry> ReadCleanRoots(BcachefsSuperblock sb)
    {
        var roots = new Dictionary<int, RootEntry>();
        if (sb.CleanEntries.Length == 0) return roots;
        var area = sb.FieldBytes.AsMemory(sb.CleanEntries.Offset, sb.CleanEntries.Length);
        var areaOffset = sb.FieldsOffset + sb.CleanEntries.Offset;
        var entries = JsetEntry.Parse(area, out var problem);
        if (problem is { } p) Fail(areaOffset + p.Byte, p.Text);
        foreach (var entry in entries)
        {
            if (entry.Type != JsetEntry.BtreeRoot) continue;
            var root = RootEntry.TryParse(entry, areaOffset + entry.Offset + 8, out var rule);
            if (root is null) Fail(areaOffset + entry.Offset, $"btree_root for {BcachefsNames.Btree(entry.BtreeId)}: {rule}");
            else roots[root.BtreeId] = root;
        }
        return roots;

        void Fail(long where, string rule)
        {
            if (sb.Clean) throw new CorruptImageException("clean", where, $"the superblock's clean field: {rule}");
            _openProblems.Add(new BcachefsProblem("clean", null, null, where, rule));
        }
    }
}
