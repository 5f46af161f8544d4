namespace Packtree.Diagnostics;

/// <summary>
/// Figures about the values a store keeps out of line (longer than its trees keep in their leaves), as
/// <see cref="StoreCheck"/> counted them from the trees' references and the values tree.
/// </summary>
public sealed record OutOfLineValuesReport
{
    internal OutOfLineValuesReport(long values, long valueBytes, long pieces, int dataBuckets, long storedBytes, long pieceValueBytes)
    {
        Values = values;
        ValueBytes = valueBytes;
        Pieces = pieces;
        DataBuckets = dataBuckets;
        StoredBytes = storedBytes;
        PieceValueBytes = pieceValueBytes;
    }

    /// <summary>Values kept out of line: references in the trees' leaves.</summary>
    public long Values { get; }

    /// <summary>The length of those values, summed.</summary>
    public long ValueBytes { get; }

    /// <summary>Pieces in the values tree (each lies within one data bucket).</summary>
    public long Pieces { get; }

    /// <summary>Data buckets holding pieces.</summary>
    public int DataBuckets { get; }

    /// <summary>Bytes the pieces take in the store file, as stored (compressed or not; sectors not rounded up).</summary>
    public long StoredBytes { get; }

    /// <summary>Bytes of value the pieces stand for (equal to <see cref="StoredBytes"/> while nothing is compressed).</summary>
    public long PieceValueBytes { get; }

    /// <summary>Value bytes per stored byte of the pieces: 1 while nothing is compressed (and when there are no pieces).</summary>
    public double CompressionRatio => StoredBytes == 0 ? 1.0 : (double)PieceValueBytes / StoredBytes;
}
