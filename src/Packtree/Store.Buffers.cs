namespace Packtree;

// The trees' write buffers, store-wide (docs/DESIGN.md §6.6): their memory is counted together, and applied together
// when it passes the store's limit, at a checkpoint, after replay, and before a read scope.
public sealed partial class Store
{
    private long _bufferedBytes;

    /// <summary>Memory the write buffers of every tree hold (read without a lock: a hint until a lock is taken).</summary>
    internal long BufferedBytes => Volatile.Read(ref _bufferedBytes);

    /// <summary>A tree's buffer grew or was applied (write lock held, or opening).</summary>
    internal void BufferedBytesChanged(long change) => Volatile.Write(ref _bufferedBytes, _bufferedBytes + change);

    /// <summary>Applies every tree's write buffer to its btree (write lock held, or opening).</summary>
    internal void ApplyWriteBuffers()
    {
        if (_bufferedBytes == 0) return;
        foreach (var tree in _treesById.Values) tree.ApplyBuffer();
    }
}
