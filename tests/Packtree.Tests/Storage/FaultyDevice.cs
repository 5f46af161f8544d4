using Packtree.Storage;

namespace Packtree.Tests.Storage;

/// <summary>A device over a byte array that fails writes (as a full disk) or flushes once told to.</summary>
internal sealed class FaultyDevice : StorageDevice
{
    private byte[] _bytes;
    private long _length;

    public FaultyDevice(byte[]? bytes = null)
    {
        _bytes = bytes ?? new byte[1 << 20];
        _length = bytes?.Length ?? 0;
    }

    /// <summary>Writes beyond this many more bytes fail with "no space left".</summary>
    public long? WritableBytes { get; set; }

    public bool FailFlush { get; set; }

    public override long Length => _length;

    /// <summary>The bytes as they are (a copy): what a reopen would see.</summary>
    public byte[] Snapshot() => _bytes.AsSpan(0, (int)_length).ToArray();

    public override void Read(long offset, Span<byte> destination)
    {
        destination.Clear();
        if (offset >= _length) return;
        var n = (int)Math.Min(destination.Length, _length - offset);
        _bytes.AsSpan((int)offset, n).CopyTo(destination);
    }

    public override void Write(long offset, ReadOnlySpan<byte> source)
    {
        if (WritableBytes is { } left)
        {
            if (source.Length > left)
            {
                WritableBytes = 0;
                throw new IOException("No space left on device.");
            }
            WritableBytes = left - source.Length;
        }
        var end = offset + source.Length;
        if (end > _bytes.Length) Array.Resize(ref _bytes, (int)Math.Max(end, _bytes.Length * 2L));
        source.CopyTo(_bytes.AsSpan((int)offset));
        _length = Math.Max(_length, end);
    }

    public override void Flush()
    {
        if (FailFlush) throw new IOException("Input/output error during flush.");
    }
}
