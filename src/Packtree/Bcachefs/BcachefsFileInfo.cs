namespace Packtree.Bcachefs;

/// <summary>What an inode of a bcachefs filesystem image says about a path (symbolic links are not followed).</summary>
/// <param name="Path">The path asked for, normalised (<c>/</c>-separated, from the root).</param>
/// <param name="Inode">The inode number.</param>
/// <param name="Type">The file type from the mode: <c>dir</c>, <c>file</c>, <c>symlink</c>, <c>fifo</c>, <c>chr</c>, <c>blk</c>, <c>sock</c> or <c>unknown</c>.</param>
/// <param name="Mode">The full st_mode (type and permission bits).</param>
/// <param name="Uid">The owner's user id.</param>
/// <param name="Gid">The owner's group id.</param>
/// <param name="LinkCount">The link count as stat reports it (directories count their "." and their parent's entry).</param>
/// <param name="Size">The size in bytes (for a symbolic link, the target's length).</param>
/// <param name="Sectors">The 512-byte sectors allocated to the file's data.</param>
/// <param name="Atime">Last access.</param>
/// <param name="Mtime">Last change of the data.</param>
/// <param name="Ctime">Last change of the inode.</param>
/// <param name="Otime">Creation.</param>
/// <param name="Xattrs">The extended attributes by full name (<c>user.x</c>, <c>trusted.y</c>...), values as stored.</param>
public sealed record BcachefsFileInfo(string Path, ulong Inode, string Type, uint Mode, uint Uid, uint Gid, int LinkCount, ulong Size,
    ulong Sectors, DateTimeOffset Atime, DateTimeOffset Mtime, DateTimeOffset Ctime, DateTimeOffset Otime,
    IReadOnlyDictionary<string, byte[]> Xattrs);
