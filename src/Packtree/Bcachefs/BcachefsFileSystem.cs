using System.Buffers.Binary;
using System.Text;
using Packtree.Keys;

namespace Packtree.Bcachefs;

/// <summary>
/// The files of a bcachefs image (image facts §3-4): the namespace of subvolume 1 from its root inode, seen
/// in the subvolume's snapshot. Paths are <c>/</c>-separated from the root (<c>"/"</c> or <c>""</c> is the
/// root); symbolic links are never followed. Everything is read on demand and checked as it is read: a
/// damaged image gets a <see cref="CorruptImageException"/> naming what and where, never wrong bytes.
/// </summary>
public sealed partial class BcachefsFileSystem
{
    /// <summary>The subvolume the view starts from (bcachefs's default, created by format).</summary>
    private const uint RootSubvolume = 1;

    private readonly BcachefsImage _image;
    private readonly BcachefsSnapshots _snapshots;
    private readonly Lazy<(ulong Inode, uint Snapshot)> _root;

    internal BcachefsFileSystem(BcachefsImage image)
    {
        _image = image;
        _snapshots = new BcachefsSnapshots(image);
        _root = new Lazy<(ulong, uint)>(() => Subvolume(RootSubvolume, "the root subvolume"));
    }

    /// <summary>The root directory's inode number (4096 in images bcachefs formats).</summary>
    public ulong RootInode => _root.Value.Inode;

    /// <summary>The snapshot id the view reads (the root subvolume's).</summary>
    public uint Snapshot => _root.Value.Snapshot;

    /// <summary>The entries of directory <paramref name="path"/> in key order (<c>.</c> and <c>..</c> are not stored).</summary>
    /// <exception cref="FileNotFoundException">No such path.</exception>
    /// <exception cref="IOException">The path is not a directory.</exception>
    /// <exception cref="CorruptImageException">The image is damaged where the path leads.</exception>
    public IReadOnlyList<BcachefsEntry> List(string path)
    {
        var dir = Resolve(path);
        if (!dir.Inode.IsDirectory) throw new IOException($"{dir.Path} is not a directory in {_image.Path}.");
        return [.. Entries(dir).Select(e => new BcachefsEntry(e.Name, e.Inode, BcachefsNames.DirentType(e.Dirent.Type), e.Offset))];
    }

    /// <summary>What the inode at <paramref name="path"/> says (the link itself for a symbolic link).</summary>
    /// <exception cref="FileNotFoundException">No such path.</exception>
    /// <exception cref="CorruptImageException">The image is damaged where the path leads.</exception>
    public BcachefsFileInfo Stat(string path)
    {
        var node = Resolve(path);
        var inode = node.Inode;
        return new BcachefsFileInfo(node.Path, node.Inum, TypeOf(inode.Mode), inode.Mode, (uint)inode.Uid, (uint)inode.Gid, inode.LinkCount,
            inode.Size, inode.Sectors, Time(inode.Atime), Time(inode.Mtime), Time(inode.Ctime), Time(inode.Otime), Xattrs(node));
    }

    /// <summary>A read-only, seekable stream of the regular file at <paramref name="path"/>; holes read as zeros.</summary>
    /// <remarks>Each extent's checksum is verified before any byte of it is returned; a bad one throws
    /// <see cref="CorruptImageException"/> (part <c>data</c>) naming the file, the extent and both checksums.</remarks>
    /// <exception cref="FileNotFoundException">No such path.</exception>
    /// <exception cref="IOException">The path is not a regular file.</exception>
    public Stream OpenRead(string path)
    {
        var node = Resolve(path);
        if (TypeOf(node.Inode.Mode) != "file") throw new IOException($"{node.Path} is not a regular file (it is a {TypeOf(node.Inode.Mode)}) in {_image.Path}.");
        return new BcachefsFileStream(FileData(node));
    }

    /// <summary>The target of the symbolic link at <paramref name="path"/> (which may name nothing).</summary>
    /// <exception cref="FileNotFoundException">No such path.</exception>
    /// <exception cref="IOException">The path is not a symbolic link.</exception>
    public string ReadLink(string path)
    {
        var node = Resolve(path);
        if (TypeOf(node.Inode.Mode) != "symlink") throw new IOException($"{node.Path} is not a symbolic link in {_image.Path}.");
        return LinkTarget(node);
    }

    /// <summary>
    /// Writes <paramref name="path"/> (by default the whole filesystem) into the directory <paramref name="destination"/>:
    /// directories, regular files (holes stay holes), symbolic links (dangling ones too), hard links, modes, times and
    /// extended attributes (on Linux), and ownership when running as root. Entries whose names could lead outside
    /// the destination are refused (see the result's notes); nothing existing is replaced.
    /// </summary>
    /// <exception cref="IOException">Something to be written already exists, or the destination refuses a write.</exception>
    /// <exception cref="CorruptImageException">The image is damaged (a file's data checksum, a directory loop...).</exception>
    public BcachefsExtractResult Extract(string destination, string path = "/") => new BcachefsExtractor(this).Run(destination, path);

    /// <summary>The file type name of an st_mode.</summary>
    internal static string TypeOf(uint mode) => (mode & 0xF000) switch
    {
        0x4000 => "dir",
        0x8000 => "file",
        0xA000 => "symlink",
        0x1000 => "fifo",
        0x2000 => "chr",
        0x6000 => "blk",
        0xC000 => "sock",
        _ => "unknown",
    };

    /// <summary>An inode time (signed count of time_precision units since time_base, image facts §2.5) as a date (to 100 ns).</summary>
    internal DateTimeOffset Time(ulong stored)
    {
        var (seconds, nanoseconds) = UnixTime(stored);
        var ticks = (Int128)seconds * TimeSpan.TicksPerSecond + nanoseconds / 100 + DateTimeOffset.UnixEpoch.Ticks;
        if (ticks < DateTimeOffset.MinValue.Ticks) return DateTimeOffset.MinValue;
        if (ticks > DateTimeOffset.MaxValue.Ticks) return DateTimeOffset.MaxValue;
        return new DateTimeOffset((long)ticks, TimeSpan.Zero);
    }

    /// <summary>An inode time as seconds and nanoseconds since 1970 (exact; seconds clamped to 64 bits).</summary>
    internal (long Seconds, long Nanoseconds) UnixTime(ulong stored)
    {
        var sb = _image.Superblock;
        var precision = sb.TimePrecision == 0 ? 1u : sb.TimePrecision;
        var nanoseconds = ((Int128)(long)stored + (long)sb.TimeBaseLo) * precision;
        var seconds = Int128.DivRem(nanoseconds, 1_000_000_000);
        var (whole, rest) = (seconds.Quotient, seconds.Remainder);
        if (rest < 0) { whole--; rest += 1_000_000_000; }
        return ((long)Int128.Clamp(whole, long.MinValue, long.MaxValue), (long)rest);
    }

    /// <summary>A symbolic link's target: its file data, NUL padded on disk, cut at bi_size.</summary>
    internal string LinkTarget(ResolvedInode node)
    {
        if (node.Inode.Size > 4096) throw Corrupt("inodes", node, $"a symbolic link of {node.Inode.Size} bytes, above the 4096 a target may have");
        using var stream = new BcachefsFileStream(FileData(node));
        var bytes = new byte[stream.Length];
        stream.ReadExactly(bytes);
        var end = Array.IndexOf(bytes, (byte)0);
        return Encoding.UTF8.GetString(bytes, 0, end < 0 ? bytes.Length : end);
    }

    /// <summary>The file data map of an inode.</summary>
    internal BcachefsFileData FileData(ResolvedInode node) => new(_image, this, node);

    /// <summary>The root inode and snapshot of subvolume <paramref name="id"/> (<c>subvolumes</c> key 0:id:0, image facts §2.3).</summary>
    private (ulong Inode, uint Snapshot) Subvolume(uint id, string what)
    {
        var position = new Bpos(0, id, 0);
        var key = _image.Btree("subvolumes").Keys(position).FirstOrDefault();
        if (key is null || key.Position != position || key.Type != 21)
            throw new CorruptImageException("subvolumes", LeafOffset("subvolumes", position), $"{what} (subvolume {id}) has no subvolume key at 0:{id}:0");
        if (key.Value.Length < 16)
            throw new CorruptImageException("subvolumes", LeafOffset("subvolumes", position), $"subvolume {id}: a value of {key.Value.Length} bytes, below the 16 that hold its snapshot and root inode");
        var value = key.Value.Span;
        return (BinaryPrimitives.ReadUInt64LittleEndian(value[8..]), BinaryPrimitives.ReadUInt32LittleEndian(value[4..]));
    }
}
