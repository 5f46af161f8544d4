using Packtree.Storage;

namespace Packtree.Trees;

/// <summary>
/// Writes one value kept out of line as its bytes arrive (a span at once, or a stream a buffer at a time): each
/// piece goes to the open data bucket with its checksum, and the value's extents await their commit. With
/// compression, the value is taken 64 KiB at a time, each compressed into one piece that does not cross a bucket;
/// a part that does not shrink is stored as given.
/// </summary>
internal sealed class LargeValueWriter(DataBuckets data, ulong id, uint owner, byte compression)
{
    private readonly List<(long Offset, ValueExtent Extent)> _extents = [];
    private byte[]? _chunk;
    private byte[]? _compressed;
    private int _chunkUsed;

    /// <summary>Bytes taken so far.</summary>
    public long Length { get; private set; }

    /// <summary>Takes the next bytes of the value.</summary>
    /// <exception cref="IOException">A write failed.</exception>
    public void Append(ReadOnlySpan<byte> bytes)
    {
        Length += bytes.Length;
        if (compression == 0)
        {
            WriteRaw(bytes);
            return;
        }
        _chunk ??= new byte[PieceCodec.ChunkBytes];
        while (bytes.Length > 0)
        {
            var n = Math.Min(bytes.Length, _chunk.Length - _chunkUsed);
            bytes[..n].CopyTo(_chunk.AsSpan(_chunkUsed));
            _chunkUsed += n;
            bytes = bytes[n..];
            if (_chunkUsed == _chunk.Length) WriteChunk();
        }
    }

    /// <summary>The written value, awaiting its commit.</summary>
    /// <exception cref="IOException">A write failed.</exception>
    public PendingValue Finish()
    {
        if (_chunkUsed > 0) WriteChunk();
        return new(new ValueReference(id, Length), _extents);
    }

    /// <summary>Gives up what was written (the value will not be committed).</summary>
    public void Abandon()
    {
        foreach (var (_, extent) in _extents) data.Abandon(extent.Sector, extent.StoredBytes);
        _extents.Clear();
    }

    private long Written => _extents.Count == 0 ? 0 : _extents[^1].Offset + _extents[^1].Extent.ValueBytes;

    private void WriteRaw(ReadOnlySpan<byte> bytes)
    {
        while (bytes.Length > 0)
        {
            var offset = Written;
            var sector = data.Append(bytes, out var taken);
            var piece = bytes[..taken];
            _extents.Add((offset, new ValueExtent(sector, taken, taken, ValueExtent.ChecksumOf(piece), owner, 0)));
            bytes = bytes[taken..];
        }
    }

    private void WriteChunk()
    {
        var chunk = _chunk.AsSpan(0, _chunkUsed);
        _compressed ??= new byte[PieceCodec.ChunkBytes];
        var size = PieceCodec.Compress(chunk, _compressed);
        if (size == 0) WriteRaw(chunk);
        else
        {
            var offset = Written;
            var stored = _compressed.AsSpan(0, size);
            _extents.Add((offset, new ValueExtent(data.AppendWhole(stored), size, chunk.Length, ValueExtent.ChecksumOf(stored), owner, compression)));
        }
        _chunkUsed = 0;
    }
}
