namespace Packtree.Bench.Values;

/// <summary>
/// A read-only stream of <paramref name="length"/> random bytes made as they are read, 64 KiB at a time (never
/// held whole): each block comes from its own seed, so the same bytes come back at any position and after a seek.
/// </summary>
public sealed class GeneratedStream(long length, ulong seed) : Stream
{
    private const int BlockBytes = 64 << 10;
    private readonly byte[] _block = new byte[BlockBytes];
    private long _blockIndex = -1;
    private long _position;

    public override bool CanRead => true;

    public override bool CanSeek => true;

    public override bool CanWrite => false;

    public override long Length => length;

    public override long Position
    {
        get => _position;
        set => _position = value is >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value));
    }

    public override int Read(Span<byte> buffer)
    {
        var done = 0;
        while (done < buffer.Length && _position < length)
        {
            var index = _position / BlockBytes;
            if (index != _blockIndex)
            {
                new SplitMix(SplitMix.Seed(index, pass: 0) ^ seed).Fill(_block);
                _blockIndex = index;
            }
            var offset = (int)(_position % BlockBytes);
            var count = (int)Math.Min(Math.Min(BlockBytes - offset, buffer.Length - done), length - _position);
            _block.AsSpan(offset, count).CopyTo(buffer[done..]);
            done += count;
            _position += count;
        }
        return done;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override long Seek(long offset, SeekOrigin origin) => Position = origin switch
    {
        SeekOrigin.Begin => offset,
        SeekOrigin.Current => _position + offset,
        _ => length + offset,
    };

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
