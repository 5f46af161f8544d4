using Packtree.Storage;

namespace Packtree.Trees;

/// <summary>
/// Writes one value kept out of line as its bytes arrive (a span at once, or a stream a buffer at a time): each
/// piece goes to the open data bucket with its checksum, and the value's extents await their commit.
/// </summary>
internal sealed class LargeValueWriter(DataBuckets data, ulong id, uint owner)
{
    private readonly List<(long Offset, ValueExtent Extent)> _extents = [];

    /// <summary>Bytes written so far.</summary>
    public long Length { get; private set; }

    /// <summary>Writes the next bytes of the value.</summary>
    /// <exception cref="IOException">A write failed.</exception>
    public void Append(ReadOnlySpan<byte> bytes)
    {
        while (bytes.Length > 0)
        {
            var sector = data.Append(bytes, out var taken);
            var piece = bytes[..taken];
            _extents.Add((Length, new ValueExtent(sector, taken, taken, ValueExtent.ChecksumOf(piece), owner, 0)));
            Length += taken;
            bytes = bytes[taken..];
        }
    }

    /// <summary>The written value, awaiting its commit.</summary>
    public PendingValue Finish() => new(new ValueReference(id, Length), _extents);

    /// <summary>Gives up what was written (the value will not be committed).</summary>
    public void Abandon()
    {
        foreach (var (_, extent) in _extents) data.Abandon(extent.Sector, extent.StoredBytes);
        _extents.Clear();
    }
}
