namespace Packtree.Bcachefs;

/// <summary>
/// Writes a subtree of a bcachefs image to a real directory: directories, regular files (holes left as
/// holes), symbolic links, hard links, modes, times, extended attributes and, as root, ownership. Nothing
/// is written outside the destination: names that could lead out are refused, and nothing existing is
/// replaced or written through.
/// </summary>
internal sealed class BcachefsExtractor(BcachefsFileSystem files)
{
    private const int Chunk = 1 << 20;

    private readonly Dictionary<ulong, string> _linked = [];
    private readonly HashSet<ulong> _directories = [];
    private readonly Dictionary<string, int> _skipped = new(StringComparer.Ordinal);
    private readonly List<string> _notes = [];
    private readonly List<(ResolvedInode Node, string Target)> _pending = [];
    private int _files, _dirs, _symlinks, _hardLinks, _xattrsSet, _xattrsSkipped;
    private long _bytes;

    /// <summary>Extracts <paramref name="path"/> of the image into <paramref name="destination"/>.</summary>
    public BcachefsExtractResult Run(string destination, string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(destination);
        var top = files.Resolve(path);
        var root = Path.GetFullPath(destination);
        if (top.Inode.IsDirectory)
        {
            Directory.CreateDirectory(root);
            Walk(top, root);
        }
        else
        {
            Directory.CreateDirectory(root);
            var name = top.Path[(top.Path.LastIndexOf('/') + 1)..];
            Write(top, Path.Combine(root, name));
        }
        // Directory metadata goes last, deepest first: writing children changes a directory's times, and a
        // read-only directory could not take them.
        for (var i = _pending.Count - 1; i >= 0; i--) ApplyMetadata(_pending[i].Node, _pending[i].Target);
        foreach (var (reason, count) in _skipped) _notes.Add($"{count} extended attribute(s) not set: {reason}");
        return new BcachefsExtractResult(_files, _dirs, _symlinks, _hardLinks, _bytes, _xattrsSet, _xattrsSkipped, _notes);
    }

    private void Walk(ResolvedInode top, string topTarget)
    {
        var stack = new Stack<(ResolvedInode Node, string Target)>();
        stack.Push((top, topTarget));
        _directories.Add(top.Inum);
        while (stack.Count > 0)
        {
            var (dir, target) = stack.Pop();
            _dirs++;
            _pending.Add((dir, target));
            foreach (var entry in files.Entries(dir))
            {
                var childPath = BcachefsFileSystem.Join(dir.Path, entry.Name);
                if (!IsSafeName(entry.Name))
                {
                    _notes.Add($"{dir.Path}: an entry named \"{Escape(entry.Name)}\" was not extracted: a name may not be empty, '.', '..', or hold '/' or NUL");
                    continue;
                }
                var child = files.ReadInode(entry.Inode, entry.Snapshot, childPath);
                var childTarget = Path.Combine(target, entry.Name);
                if (child.Inode.IsDirectory)
                {
                    // A directory has one name; seeing it twice means the image's entries loop.
                    if (!_directories.Add(child.Inum))
                        throw new CorruptImageException("dirents", files.LeafOffset("dirents", new Keys.Bpos(dir.Inum, entry.Offset, dir.Snapshot)),
                            $"{childPath} names directory inode {child.Inum}, which another entry already names: the directory tree loops");
                    MustNotExist(childTarget);
                    Directory.CreateDirectory(childTarget);
                    stack.Push((child, childTarget));
                }
                else
                {
                    Write(child, childTarget);
                }
            }
        }
    }

    /// <summary>Writes one non-directory.</summary>
    private void Write(ResolvedInode node, string target)
    {
        MustNotExist(target);
        switch (BcachefsFileSystem.TypeOf(node.Inode.Mode))
        {
            case "file":
                if (node.Inode.LinkCount > 1 && _linked.TryGetValue(node.Inum, out var first) && BcachefsNative.IsLinux)
                {
                    var errno = BcachefsNative.Link(first, target);
                    if (errno != 0) throw new IOException($"Could not link {target} to {first}: {BcachefsNative.ErrorText(errno)}.");
                    _hardLinks++;
                    return;
                }
                WriteFile(node, target);
                _files++;
                if (node.Inode.LinkCount > 1) _linked[node.Inum] = target;
                ApplyMetadata(node, target);
                return;
            case "symlink":
                var link = files.LinkTarget(node);
                if (link.Length == 0 || link.Contains('\0', StringComparison.Ordinal))
                {
                    _notes.Add($"{node.Path}: a symbolic link with an empty target was not extracted");
                    return;
                }
                File.CreateSymbolicLink(target, link);
                _symlinks++;
                ApplyMetadata(node, target);
                return;
            default:
                _notes.Add($"{node.Path}: a {BcachefsFileSystem.TypeOf(node.Inode.Mode)} (special file) was not extracted");
                return;
        }
    }

    /// <summary>Writes a file's extents at their offsets and sets its length, so holes stay holes.</summary>
    private void WriteFile(ResolvedInode node, string target)
    {
        var data = files.FileData(node);
        using var output = new FileStream(target, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.None);
        byte[]? buffer = null;
        foreach (var extent in data.Extents)
        {
            output.Position = extent.Start;
            var length = extent.End - extent.Start;
            var within = extent.Start - extent.KeyStart;
            if (extent.Layout is { IsDirect: true } layout)
            {
                if (layout.Pointer.Unwritten) continue; // reads as zeros: leave a hole
                buffer ??= new byte[Chunk];
                for (var done = 0L; done < length;)
                {
                    var n = (int)Math.Min(Chunk, length - done);
                    BcachefsExtentReader.ReadDirect(data.Image, layout, within + done, buffer.AsSpan(0, n), extent.What);
                    output.Write(buffer, 0, n);
                    done += n;
                }
            }
            else
            {
                output.Write(data.Load(extent), (int)within, (int)length);
            }
            _bytes += length;
        }
        output.SetLength(data.Length);
    }

    private void ApplyMetadata(ResolvedInode node, string target)
    {
        var inode = node.Inode;
        var isLink = BcachefsFileSystem.TypeOf(inode.Mode) == "symlink";
        // Attributes first: a user.* attribute needs write permission, which the mode may take away.
        SetXattrs(node, target, isLink);
        if (BcachefsNative.IsRoot)
        {
            var errno = BcachefsNative.ChangeOwner(target, (uint)inode.Uid, (uint)inode.Gid);
            if (errno != 0) _notes.Add($"{node.Path}: owner not set: {BcachefsNative.ErrorText(errno)}");
        }
        if (!isLink && !OperatingSystem.IsWindows()) File.SetUnixFileMode(target, (UnixFileMode)(inode.Mode & 0xFFF));
        SetTimes(node, target, isLink);
    }

    private void SetXattrs(ResolvedInode node, string target, bool isLink)
    {
        foreach (var (name, value) in files.Xattrs(node))
        {
            if (!BcachefsNative.IsLinux) { Skip("extended attributes are set on Linux only"); continue; }
            if (name.StartsWith("system.", StringComparison.Ordinal)) { Skip("POSIX ACLs are stored in bcachefs's own format and are not converted"); continue; }
            if (!BcachefsNative.IsRoot && !name.StartsWith("user.", StringComparison.Ordinal)) { Skip("trusted.* and security.* attributes need root"); continue; }
            if (isLink && name.StartsWith("user.", StringComparison.Ordinal)) { Skip("Linux allows no user.* attributes on symbolic links"); continue; }
            var errno = BcachefsNative.SetXattr(target, name, value);
            if (errno == 0) _xattrsSet++;
            else Skip($"the destination refused them ({BcachefsNative.ErrorText(errno)})");
        }
    }

    private void Skip(string reason)
    {
        _xattrsSkipped++;
        _skipped[reason] = _skipped.GetValueOrDefault(reason) + 1;
    }

    private void SetTimes(ResolvedInode node, string target, bool isLink)
    {
        if (BcachefsNative.IsLinux)
        {
            var errno = BcachefsNative.SetTimes(target, files.UnixTime(node.Inode.Atime), files.UnixTime(node.Inode.Mtime));
            if (errno != 0) _notes.Add($"{node.Path}: times not set: {BcachefsNative.ErrorText(errno)}");
        }
        else if (!isLink)
        {
            File.SetLastAccessTimeUtc(target, files.Time(node.Inode.Atime).UtcDateTime);
            File.SetLastWriteTimeUtc(target, files.Time(node.Inode.Mtime).UtcDateTime);
        }
    }

    /// <summary>Whether a name is one path component that stays inside its directory.</summary>
    internal static bool IsSafeName(string name) =>
        name.Length > 0 && name != "." && name != ".." && !name.Contains('/', StringComparison.Ordinal) && !name.Contains('\0', StringComparison.Ordinal)
        && !(OperatingSystem.IsWindows() && name.Contains('\\', StringComparison.Ordinal));

    /// <summary>Refuses to replace (or write through) anything already at <paramref name="target"/>, a dangling link included.</summary>
    private static void MustNotExist(string target)
    {
        try
        {
            File.GetAttributes(target);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return;
        }
        throw new IOException($"{target} already exists; extraction does not replace anything.");
    }

    private static string Escape(string name) => name.Replace("\0", "\\0", StringComparison.Ordinal);
}
