namespace Packtree.Bcachefs;

/// <summary>
/// A read-only, seekable stream over a file of a bcachefs image. A read returns bytes of one extent or one
/// hole at a time, so the bytes before a damaged extent are all returned before its error is thrown; an
/// extent's checksum is verified before any of its bytes is returned.
/// </summary>
internal sealed class BcachefsFileStream(BcachefsFileData data) : Stream
{
    private long _position;
    private BcachefsFileData.Extent? _loaded;
    private byte[]? _loadedBytes;
    private bool _disposed;

    public override bool CanRead => !_disposed;
    public override bool CanSeek => !_disposed;
    public override bool CanWrite => false;
    public override long Length => data.Length;

    public override long Position
    {
        get => _position;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            _position = value;
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (buffer.IsEmpty || _position >= data.Length) return 0;
        var extents = data.Extents;
        var index = data.Find(_position);
        int count;
        if (index == extents.Count || extents[index].Start > _position)
        {
            var holeEnd = index == extents.Count ? data.Length : extents[index].Start;
            count = (int)Math.Min(buffer.Length, holeEnd - _position);
            buffer[..count].Clear();
        }
        else
        {
            var extent = extents[index];
            count = (int)Math.Min(buffer.Length, extent.End - _position);
            var within = _position - extent.KeyStart;
            if (extent.Layout is { IsDirect: true } layout)
            {
                BcachefsExtentReader.ReadDirect(data.Image, layout, within, buffer[..count], extent.What);
            }
            else
            {
                if (!ReferenceEquals(_loaded, extent))
                {
                    _loadedBytes = data.Load(extent);
                    _loaded = extent;
                }
                _loadedBytes.AsSpan((int)within, count).CopyTo(buffer);
            }
        }
        _position += count;
        return count;
    }

    public override long Seek(long offset, SeekOrigin origin)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var target = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            SeekOrigin.End => data.Length + offset,
            _ => throw new ArgumentOutOfRangeException(nameof(origin)),
        };
        if (target < 0) throw new IOException($"A seek to {target} is before the start of {data.Path}.");
        return _position = target;
    }

    public override void Flush() { }
    public override void SetLength(long value) => throw new NotSupportedException($"{data.Path} is read-only: it lives in a bcachefs image.");
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException($"{data.Path} is read-only: it lives in a bcachefs image.");

    protected override void Dispose(bool disposing)
    {
        _disposed = true;
        _loadedBytes = null;
        base.Dispose(disposing);
    }
}
