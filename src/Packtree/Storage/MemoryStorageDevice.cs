namespace Packtree.Storage;

/// <summary>
/// A device in memory, in chunks allocated as they are first written and dropped when discarded whole: what a
/// store in memory keeps its out-of-line value data on, so that it shares the file's code for it.
/// </summary>
internal sealed class MemoryStorageDevice(int chunkBytes) : StorageDevice
{
    private readonly Dictionary<long, byte[]> _chunks = [];
    private readonly object _lock = new();
    private long _length;

    /// <inheritdoc />
    public override long Length
    {
        get
        {
            lock (_lock) return _length;
        }
    }

    /// <summary>Bytes of memory the chunks hold.</summary>
    public long AllocatedBytes
    {
        get
        {
            lock (_lock) return (long)_chunks.Count * chunkBytes;
        }
    }

    /// <inheritdoc />
    public override void Read(long offset, Span<byte> destination)
    {
        lock (_lock)
        {
            while (destination.Length > 0)
            {
                var (chunk, within, count) = Piece(offset, destination.Length);
                if (_chunks.TryGetValue(chunk, out var bytes)) bytes.AsSpan(within, count).CopyTo(destination);
                else destination[..count].Clear();
                destination = destination[count..];
                offset += count;
            }
        }
    }

    /// <inheritdoc />
    public override void Write(long offset, ReadOnlySpan<byte> source)
    {
        lock (_lock)
        {
            _length = Math.Max(_length, offset + source.Length);
            while (source.Length > 0)
            {
                var (chunk, within, count) = Piece(offset, source.Length);
                if (!_chunks.TryGetValue(chunk, out var bytes)) _chunks[chunk] = bytes = new byte[chunkBytes];
                source[..count].CopyTo(bytes.AsSpan(within));
                source = source[count..];
                offset += count;
            }
        }
    }

    /// <summary>Drops the chunks the range covers whole.</summary>
    public override void Discard(long offset, long length)
    {
        lock (_lock)
        {
            for (var chunk = (offset + chunkBytes - 1) / chunkBytes; (chunk + 1) * chunkBytes <= offset + length; chunk++) _chunks.Remove(chunk);
        }
    }

    /// <inheritdoc />
    public override void Flush()
    {
    }

    private (long Chunk, int Within, int Count) Piece(long offset, int length)
    {
        var within = (int)(offset % chunkBytes);
        return (offset / chunkBytes, within, Math.Min(length, chunkBytes - within));
    }
}
