namespace Packtree.Bcachefs;

/// <summary>A directory entry of a bcachefs filesystem image.</summary>
/// <param name="Name">The entry's name (its bytes as UTF-8).</param>
/// <param name="Inode">The inode the entry names (for a subvolume entry, the subvolume's root inode).</param>
/// <param name="Type">The entry's d_type name as bcachefs prints it: <c>dir</c>, <c>reg</c>, <c>lnk</c>, <c>subvol</c>...</param>
/// <param name="Offset">The entry's key offset in the dirents btree (the hash of its name, or the slot probing gave it).</param>
public sealed record BcachefsEntry(string Name, ulong Inode, string Type, ulong Offset);
