namespace Packtree;

/// <summary>
/// How a tree keeps its values, fixed when it is created and kept in the store: which values stay in its leaves and
/// how those kept out of line are compressed.
/// </summary>
public sealed record TreeOptions
{
    /// <summary>
    /// The longest value kept in the tree's leaves, beside its key; longer ones go to data buckets. Null (the default):
    /// as long as the leaves take (<see cref="Tree.MaxInlineValueBytes"/> of a tree with default options). A lower limit
    /// keeps leaves small for trees of large values.
    /// </summary>
    public int? MaxInlineValueBytes { get; init; }

    /// <summary>How values kept out of line are compressed; none by default.</summary>
    public ValueCompression Compression { get; init; }

    /// <summary>The defaults.</summary>
    public static TreeOptions Default { get; } = new();
}
