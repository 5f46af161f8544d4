namespace Packtree.Bcachefs;

/// <summary>One thing wrong with an image's metadata, as <c>CheckMetadata</c> reports it.</summary>
/// <param name="Part">Which part: <c>superblock</c>, <c>layout</c>, <c>journal</c>, <c>roots</c>, <c>node</c>.</param>
/// <param name="Btree">The btree concerned, if any.</param>
/// <param name="Level">The node level concerned, if any.</param>
/// <param name="ByteOffset">Byte offset in the image where the problem lies.</param>
/// <param name="Rule">What is wrong.</param>
public sealed record BcachefsProblem(string Part, string? Btree, int? Level, long ByteOffset, string Rule)
{
    /// <summary>One line: part, btree and level when known, byte offset, rule.</summary>
    public override string ToString() =>
        $"{Part}{(Btree is null ? "" : $" {Btree}")}{(Level is null ? "" : $" level {Level}")} at byte {ByteOffset}: {Rule}";
}
