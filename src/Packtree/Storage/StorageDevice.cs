namespace Packtree.Storage;

/// <summary>
/// Where a store's bytes live: read, write and flush at byte offsets. The file device is the real one;
/// tests wrap it to tear writes, fail flushes or run out of space.
/// </summary>
internal abstract class StorageDevice : IDisposable
{
    /// <summary>Bytes the device holds now.</summary>
    public abstract long Length { get; }

    /// <summary>Reads <paramref name="destination"/>.Length bytes at <paramref name="offset"/>; bytes past the end read as zeros.</summary>
    public abstract void Read(long offset, Span<byte> destination);

    /// <summary>Writes <paramref name="source"/> at <paramref name="offset"/>, growing the device as needed.</summary>
    /// <exception cref="IOException">The write failed (a full disk, say); what was there may be partly overwritten.</exception>
    public abstract void Write(long offset, ReadOnlySpan<byte> source);

    /// <summary>Tells the device that a range holds nothing of value any more, so it may give the space back (a hole); reads of it return zeros or the old bytes.</summary>
    public virtual void Discard(long offset, long length)
    {
    }

    /// <summary>
    /// The first offset at or after <paramref name="offset"/> that may hold data: a device that knows
    /// where its holes are (a sparse file) lets readers skip them; by default, <paramref name="offset"/>
    /// itself. <see cref="long.MaxValue"/> when nothing follows.
    /// </summary>
    public virtual long NextData(long offset) => offset;

    /// <summary>Returns once everything written so far is on stable storage (fsync).</summary>
    public abstract void Flush();

    /// <summary>Releases the device.</summary>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases the device's resources.</summary>
    protected virtual void Dispose(bool disposing)
    {
    }
}
