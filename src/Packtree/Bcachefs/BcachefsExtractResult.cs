namespace Packtree.Bcachefs;

/// <summary>What <see cref="BcachefsFileSystem.Extract"/> wrote.</summary>
/// <param name="Files">Regular files written (a hard-linked inode counts once).</param>
/// <param name="Directories">Directories created (the top one included).</param>
/// <param name="Symlinks">Symbolic links created (dangling ones included).</param>
/// <param name="HardLinks">Further names linked to a file already written.</param>
/// <param name="Bytes">File data bytes written (holes not counted).</param>
/// <param name="XattrsSet">Extended attributes set.</param>
/// <param name="XattrsSkipped">Extended attributes not set (see <paramref name="Notes"/>).</param>
/// <param name="Notes">What was skipped or could not be applied, and why.</param>
public sealed record BcachefsExtractResult(int Files, int Directories, int Symlinks, int HardLinks, long Bytes, int XattrsSet,
    int XattrsSkipped, IReadOnlyList<string> Notes);
