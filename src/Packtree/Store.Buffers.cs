namespace Packtree;

// The trees' write buffers, store-wide (docs/DESIGN.md §6.6): their memory is counted together, and applied together
// when it passes the store's limit, at a checkpoint, after replay, and before a read scope.
public sealed partial class Store
{
    private long _bufferedBytes;
    private long _lastCommitTicks; // Environment.TickCount64 at the last commit
    private int _applyingWhenIdle;

    /// <summary>Memory the write buffers of every tree hold (read without a lock: a hint until a lock is taken).</summary>
    internal long BufferedBytes => Volatile.Read(ref _bufferedBytes);

    /// <summary>A tree's buffer grew or was applied (write lock held, or opening).</summary>
    internal void BufferedBytesChanged(long change) => Volatile.Write(ref _bufferedBytes, _bufferedBytes + change);

    /// <summary>
    /// On each tick of the flush timer: once no commit has come for a flush interval, the write buffers are applied in
    /// the background (by age), so that a store that stopped writing reads its nodes alone. On a pool thread of its
    /// own, not the timer's: closing waits for the timer, and a close holds the write lock this needs.
    /// </summary>
    private void ApplyWriteBuffersWhenIdle()
    {
        if (BufferedBytes == 0 || _disposed || Environment.TickCount64 - Volatile.Read(ref _lastCommitTicks) < Options.BufferedFlushMilliseconds) return;
        if (Interlocked.Exchange(ref _applyingWhenIdle, 1) == 1) return;
        ThreadPool.UnsafeQueueUserWorkItem(_ =>
        {
            try
            {
                EnterWrite();
                try
                {
                    ApplyWriteBuffers();
                }
                finally
                {
                    ExitWrite();
                }
            }
            catch (Exception e) when (e is ObjectDisposedException or InvalidOperationException or IOException or CorruptStoreException or CorruptNodeException)
            {
                // Closed, read-only or failed meanwhile, or a node could not be read: the buffers stay whole, and the next
                // commit, checkpoint or read scope that applies them meets the failure itself.
            }
            finally
            {
                Volatile.Write(ref _applyingWhenIdle, 0);
            }
        }, null);
    }

    /// <summary>Applies every tree's write buffer to its btree (write lock held, or opening).</summary>
    internal void ApplyWriteBuffers()
    {
        if (_bufferedBytes == 0) return;
        foreach (var tree in _treesById.Values) tree.ApplyBuffer();
    }
}
