using System.Text;
using Packtree.Keys;

namespace Packtree.Bcachefs;

// Walking the namespace: paths to inodes, directory entries by hash, visible keys, inodes and xattrs.
public sealed partial class BcachefsFileSystem
{
    private const byte WhiteoutType = 1;
    private const byte HashWhiteoutType = 4;
    private const byte DirentType = 10;
    private const byte XattrType = 11;
    private const byte InodeV3Type = 29;
    private const int MaxNameBytes = 255;

    /// <summary>The inode a path names, with its normalised path.</summary>
    internal ResolvedInode Resolve(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var (inum, snapshot) = _root.Value;
        var node = ReadInode(inum, snapshot, "/");
        foreach (var segment in path.Split('/'))
        {
            if (segment.Length == 0 || segment == ".") continue;
            if (segment == "..") throw new ArgumentException($"Paths in a bcachefs image are resolved from its root without '..': {path}", nameof(path));
            if (segment.Contains('\0', StringComparison.Ordinal)) throw new ArgumentException("A path may not contain NUL.", nameof(path));
            if (!node.Inode.IsDirectory) throw new FileNotFoundException($"{node.Path} is not a directory, so {path} does not exist in {_image.Path}.", path);
            var entry = Lookup(node, segment) ?? throw new FileNotFoundException($"{Join(node.Path, segment)} does not exist in {_image.Path}.", path);
            node = ReadInode(entry.Inode, entry.Snapshot, Join(node.Path, segment));
        }
        return node;
    }

    /// <summary>The entry named <paramref name="name"/> in directory <paramref name="dir"/>: from the name's hash, the slots that follow while they are taken (image facts §4.2).</summary>
    internal DirectoryEntry? Lookup(ResolvedInode dir, string name)
    {
        var bytes = Encoding.UTF8.GetBytes(name);
        if (bytes.Length is 0 or > MaxNameBytes) return null;
        var hash = DirentHash(dir, bytes);
        return Probe(VisibleKeys("dirents", dir.Inum, hash, dir.Snapshot), hash, bytes, key => ReadEntry(dir, key));
    }

    /// <summary>
    /// Linear probing from <paramref name="hash"/>: the slots hash, hash+1, ... while they hold a key; a dirent
    /// with the name ends the search, a hash whiteout (or a snapshot whiteout) keeps the chain going, an empty
    /// slot ends it.
    /// </summary>
    internal static DirectoryEntry? Probe(IEnumerable<BcachefsKey> slots, ulong hash, byte[] name, Func<BcachefsKey, DirectoryEntry> read)
    {
        var expected = hash;
        foreach (var key in slots)
        {
            if (key.Position.Offset != expected) break;
            if (key.Type == DirentType)
            {
                var entry = read(key);
                if (entry.NameBytes.AsSpan().SequenceEqual(name)) return entry;
            }
            else if (key.Type is not (HashWhiteoutType or WhiteoutType)) break;
            if (expected == ulong.MaxValue) break;
            expected++;
        }
        return null;
    }

    /// <summary>The entries of directory <paramref name="dir"/> in key order.</summary>
    internal IEnumerable<DirectoryEntry> Entries(ResolvedInode dir)
    {
        foreach (var key in VisibleKeys("dirents", dir.Inum, 0, dir.Snapshot))
            if (key.Type == DirentType) yield return ReadEntry(dir, key);
    }

    /// <summary>The key offset a name hashes to in directory <paramref name="dir"/>.</summary>
    internal ulong DirentHash(ResolvedInode dir, ReadOnlySpan<byte> name)
    {
        try
        {
            return BcachefsStrHash.Dirent(dir.Inode.StrHashType, dir.Inode.HashSeed, dir.Inode.Is31BitDirents, name);
        }
        catch (NotSupportedException e)
        {
            throw Corrupt("inodes", dir, e.Message);
        }
    }

    /// <summary>The inode <paramref name="inum"/> as snapshot <paramref name="snapshot"/> sees it.</summary>
    internal ResolvedInode ReadInode(ulong inum, uint snapshot, string path)
    {
        var position = new Bpos(0, inum, snapshot);
        BcachefsKey? key = null;
        foreach (var k in VisibleKeys("inodes", 0, inum, snapshot))
        {
            if (k.Position.Offset == inum && k.Type != WhiteoutType) key = k;
            break;
        }
        if (key is null)
            throw new CorruptImageException("inodes", LeafOffset("inodes", position), $"{path} names inode {inum}, which has no inode key visible in snapshot {snapshot}");
        if (key.Type != InodeV3Type)
            throw new NotSupportedException($"{path}: inode {inum} is stored as {key.TypeName}; Packtree reads the inode_v3 inodes of bcachefs 1.36 and later.");
        try
        {
            return new ResolvedInode(path, inum, snapshot, BcachefsInode.Read(key.Value.Span));
        }
        catch (InvalidDataException e)
        {
            throw new CorruptImageException("inodes", LeafOffset("inodes", key.Position), $"{path}: inode {inum} at {key.Position}: {e.Message}", e);
        }
    }

    /// <summary>The extended attributes of an inode by full name.</summary>
    internal Dictionary<string, byte[]> Xattrs(ResolvedInode node)
    {
        var xattrs = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var key in VisibleKeys("xattrs", node.Inum, 0, node.Snapshot))
        {
            if (key.Type != XattrType) continue;
            try
            {
                var xattr = BcachefsXattr.Read(key.Value.Span);
                xattrs[xattr.FullName] = xattr.Value;
            }
            catch (InvalidDataException e)
            {
                throw new CorruptImageException("xattrs", LeafOffset("xattrs", key.Position), $"{node.Path} (inode {node.Inum}): xattr at {key.Position}: {e.Message}", e);
            }
        }
        return xattrs;
    }

    /// <summary>
    /// The keys of btree <paramref name="btree"/> with pos.inode = <paramref name="inode"/> from
    /// <paramref name="fromOffset"/> on, one per offset: the first whose snapshot the view sees. Whiteouts are
    /// returned (callers skip them or, in a hash chain, step over them).
    /// </summary>
    internal IEnumerable<BcachefsKey> VisibleKeys(string btree, ulong inode, ulong fromOffset, uint snapshot) =>
        Visible(_image.Btree(btree).Keys(new Bpos(inode, fromOffset, 0)), inode, _snapshots.Visible(snapshot));

    /// <summary>
    /// From keys in btree order, those of <paramref name="inode"/> that a view sees: per offset the first whose
    /// snapshot is visible (descendants sort first, so that is the nearest). Stops at the next inode.
    /// </summary>
    internal static IEnumerable<BcachefsKey> Visible(IEnumerable<BcachefsKey> keys, ulong inode, IReadOnlyDictionary<uint, int> visible)
    {
        var offset = 0UL;
        var taken = true;
        var first = true;
        foreach (var key in keys)
        {
            if (key.Position.Inode != inode) yield break;
            if (first || key.Position.Offset != offset)
            {
                first = false;
                offset = key.Position.Offset;
                taken = false;
            }
            if (taken || !visible.ContainsKey(key.Position.Snapshot)) continue;
            taken = true;
            yield return key;
        }
    }

    private DirectoryEntry ReadEntry(ResolvedInode dir, BcachefsKey key)
    {
        BcachefsDirent dirent;
        try
        {
            dirent = BcachefsDirent.Read(key.Value.Span);
        }
        catch (InvalidDataException e)
        {
            throw new CorruptImageException("dirents", LeafOffset("dirents", key.Position), $"directory {dir.Path} (inode {dir.Inum}): dirent at {key.Position}: {e.Message}", e);
        }
        var name = Encoding.UTF8.GetString(dirent.Name);
        if (dirent.Type != BcachefsDirent.SubvolType) return new DirectoryEntry(name, dirent.Name, key.Position.Offset, dirent.Target, dir.Snapshot, dirent);
        var (root, snapshot) = Subvolume(dirent.ChildSubvol, $"{Join(dir.Path, name)}");
        return new DirectoryEntry(name, dirent.Name, key.Position.Offset, root, snapshot, dirent);
    }

    /// <summary>An error about an inode's own key.</summary>
    internal CorruptImageException Corrupt(string part, ResolvedInode node, string rule) =>
        new(part, LeafOffset("inodes", new Bpos(0, node.Inum, node.Snapshot)), $"{node.Path} (inode {node.Inum}): {rule}");

    /// <summary>The snapshots visible from <paramref name="snapshot"/>, with their distance from it.</summary>
    internal IReadOnlyDictionary<uint, int> VisibleSnapshots(uint snapshot) => _snapshots.Visible(snapshot);

    /// <summary>The byte offset of the leaf that holds (or would hold) <paramref name="position"/>, or -1 when it cannot be found.</summary>
    internal long LeafOffset(string btreeName, Bpos position)
    {
        try
        {
            var btree = _image.Btree(btreeName);
            if (btree.Root?.Pointer is not { } pointer) return -1;
            var level = btree.Root.Level;
            while (true)
            {
                var node = _image.Cache.Get(btree, pointer, level);
                if (level == 0 || node.Children is not { Length: > 0 } children) return node.ByteOffset;
                var next = Array.FindIndex(children, c => c.MaxKey >= position);
                pointer = children[next < 0 ? children.Length - 1 : next];
                level--;
            }
        }
        catch (Exception e) when (e is CorruptImageException or Packtree.CorruptNodeException or InvalidDataException)
        {
            return -1;
        }
    }

    internal static string Join(string dir, string name) => dir == "/" ? "/" + name : dir + "/" + name;
}

/// <summary>An inode reached by a path, seen from one snapshot.</summary>
internal sealed record ResolvedInode(string Path, ulong Inum, uint Snapshot, BcachefsInode Inode);

/// <summary>A directory entry with the inode and snapshot it leads to (a subvolume entry leads to the subvolume's root).</summary>
internal sealed record DirectoryEntry(string Name, byte[] NameBytes, ulong Offset, ulong Inode, uint Snapshot, BcachefsDirent Dirent);
