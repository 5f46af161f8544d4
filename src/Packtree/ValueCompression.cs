namespace Packtree;

/// <summary>How a tree compresses its values kept out of line (values in the leaves are never compressed).</summary>
public enum ValueCompression
{
    /// <summary>Stored as given.</summary>
    None = 0,

    /// <summary>zstd (level 3), 64 KiB of the value at a time; a piece that does not shrink by an eighth is stored as given.</summary>
    Zstd = 1,
}
