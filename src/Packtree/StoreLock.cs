namespace Packtree;

/// <summary>
/// The store's reader-writer lock. Reads are shared and nest on a thread; a write is exclusive, does
/// not nest, and may take reads inside it. A waiting writer keeps new readers out, so writers are not
/// starved. Unlike <see cref="ReaderWriterLockSlim"/>, a read left held by a thread that has exited is
/// released by the next writer that waits for it, so one leaked <see cref="ReadScope"/> cannot hang
/// every later write.
/// </summary>
/// <remarks>
/// One word of state holds the number of threads that hold a read (a thread counts once, however deep
/// its reads nest) and a writer bit. A reader enters with one compare-and-swap while the bit is clear;
/// a writer sets the bit, which turns new readers away, then waits for the count to drain to zero.
/// Each thread keeps, per lock, a slot with its nesting depth; the slots are registered with the lock,
/// so a writer that has waited a while can find reads held by dead threads and drop them. Blocking is
/// a brief spin, then <see cref="Monitor.Wait(object, int)"/> on one lock-private object.
/// <para>A read held by a live thread is never taken away: writers wait for it however long (a pool
/// thread never exits, so a read leaked there still blocks writers).</para>
/// </remarks>
internal sealed class StoreLock
{
    private const int WriterBit = 1 << 30;
    private const int ReaderMask = WriterBit - 1;
    private const int SpinLimit = 20;
    private const int MinPruneAt = 16;
    private const int ThreadCacheSize = 4;

    /// <summary>How long a writer waits for readers between two looks for reads held by dead threads.</summary>
    internal const int ReclaimIntervalMilliseconds = 50;

    // The slot for the lock this thread used last: the fast path is one compare.
    [ThreadStatic] private static Slot? _lastSlot;

    // Slots for other locks this thread used recently (several stores on one thread); a miss falls back
    // to the lock's registry, so evicting a slot that holds a read loses nothing.
    [ThreadStatic] private static Slot?[]? _recentSlots;
    [ThreadStatic] private static int _recentNext;

    private readonly object _sync = new();
    private readonly Dictionary<Thread, Slot> _slots = [];
    private int _pruneAt = MinPruneAt;
    private int _state;
    private int _waitingReaders;
    private int _waitingWriters;
    private int _reclaimedReads;

    /// <summary>Whether the current thread holds a read (taken on its own or inside its write).</summary>
    public bool IsReadLockHeld => FindSlot() is { Count: > 0 };

    /// <summary>Whether the current thread holds the write lock.</summary>
    public bool IsWriteLockHeld => FindSlot() is { InWrite: true };

    /// <summary>How many reads held by threads that had exited were released by writers.</summary>
    public int ReclaimedReads => Volatile.Read(ref _reclaimedReads);

    /// <summary>Threads with a slot in the registry (dead ones are dropped as they are found).</summary>
    internal int RegisteredSlots
    {
        get
        {
            lock (_slots) return _slots.Count;
        }
    }

    /// <summary>Whether a writer holds the lock or has claimed it and waits for readers to leave.</summary>
    internal bool IsWriterPending => (Volatile.Read(ref _state) & WriterBit) != 0;

    /// <summary>Threads blocked waiting to read.</summary>
    internal int WaitingReaders => Volatile.Read(ref _waitingReaders);

    /// <summary>
    /// Takes a read. A thread that holds a read already, or the write lock, gets it at once even while
    /// a writer waits (a waiting writer could otherwise wait for it, and it for the writer).
    /// </summary>
    public void EnterRead()
    {
        var slot = _lastSlot;
        if (slot is null || slot.Lock != this) slot = FindSlot(register: true)!;
        if (slot.Count != 0 || slot.InWrite)
        {
            slot.Count++;
            return;
        }
        var state = _state;
        if ((state & WriterBit) == 0 && Interlocked.CompareExchange(ref _state, state + 1, state) == state)
        {
            slot.Count = 1;
            return;
        }
        EnterReadSlow(slot);
    }

    /// <summary>Releases one read of the current thread.</summary>
    /// <exception cref="SynchronizationLockException">The thread holds no read of this lock.</exception>
    public void ExitRead()
    {
        var slot = _lastSlot;
        if (slot is null || slot.Lock != this) slot = FindSlot();
        if (slot is null || slot.Count == 0)
            throw new SynchronizationLockException("ExitRead without a matching EnterRead: this thread holds no read of the store lock.");
        // Reads inside a write, and all but the outermost read, were never counted in the state.
        if (--slot.Count != 0 || slot.InWrite) return;
        if (Interlocked.Decrement(ref _state) == WriterBit) WakeWaiters(); // the last reader out lets a writer in
    }

    /// <summary>Takes the write lock, waiting for readers (and releasing reads left by exited threads).</summary>
    /// <exception cref="InvalidOperationException">The thread holds a read (the write would wait for itself) or the write lock already (writes do not nest).</exception>
    public void EnterWrite()
    {
        var slot = _lastSlot;
        if (slot is null || slot.Lock != this) slot = FindSlot(register: true)!;
        if (slot.InWrite)
            throw new InvalidOperationException("This thread holds the store's write lock already; writes do not nest.");
        if (slot.Count != 0)
            throw new InvalidOperationException("This thread holds a read of the store; a write from inside it would wait for itself. Release the read (dispose the read scope) first.");
        if (Interlocked.CompareExchange(ref _state, WriterBit, 0) != 0) EnterWriteSlow();
        slot.InWrite = true;
    }

    /// <summary>Releases the write lock. Reads the thread took inside the write stay held, as plain reads.</summary>
    /// <exception cref="SynchronizationLockException">The thread does not hold the write lock.</exception>
    public void ExitWrite()
    {
        var slot = _lastSlot;
        if (slot is null || slot.Lock != this) slot = FindSlot();
        if (slot is null || !slot.InWrite)
            throw new SynchronizationLockException("ExitWrite without a matching EnterWrite: this thread does not hold the store's write lock.");
        slot.InWrite = false;
        // A full fence: a waiter that registered before it is seen below, one that registers after sees the bit clear.
        Interlocked.Add(ref _state, (slot.Count != 0 ? 1 : 0) - WriterBit);
        if ((Volatile.Read(ref _waitingReaders) | Volatile.Read(ref _waitingWriters)) != 0) WakeWaiters();
    }

    private void EnterReadSlow(Slot slot)
    {
        var spin = new SpinWait();
        while (true)
        {
            var state = Volatile.Read(ref _state);
            if ((state & WriterBit) == 0)
            {
                if (Interlocked.CompareExchange(ref _state, state + 1, state) == state)
                {
                    slot.Count = 1;
                    return;
                }
                continue; // another reader moved the count: try again at once
            }
            if (spin.Count < SpinLimit) spin.SpinOnce(sleep1Threshold: -1);
            else WaitWhileWriter(ref _waitingReaders);
        }
    }

    private void EnterWriteSlow()
    {
        // Claim the writer bit: from then on new readers wait; then wait for the readers already in.
        var spin = new SpinWait();
        while (true)
        {
            var state = Volatile.Read(ref _state);
            if ((state & WriterBit) == 0)
            {
                if (Interlocked.CompareExchange(ref _state, state | WriterBit, state) == state) break;
                continue;
            }
            if (spin.Count < SpinLimit) spin.SpinOnce(sleep1Threshold: -1);
            else WaitWhileWriter(ref _waitingWriters);
        }

        try
        {
            WaitForReadersToLeave();
        }
        catch
        {
            // Interrupted while waiting: give the bit back, or no one could ever enter again.
            Interlocked.Add(ref _state, -WriterBit);
            WakeWaiters();
            throw;
        }
    }

    /// <summary>Waits (writer bit held) until no thread holds a read, releasing the reads of exited threads now and then.</summary>
    private void WaitForReadersToLeave()
    {
        var spin = new SpinWait();
        while ((Volatile.Read(ref _state) & ReaderMask) != 0)
        {
            if (spin.Count < SpinLimit)
            {
                spin.SpinOnce(sleep1Threshold: -1);
                continue;
            }
            lock (_sync)
            {
                var nextLook = Environment.TickCount64 + ReclaimIntervalMilliseconds;
                while ((Volatile.Read(ref _state) & ReaderMask) != 0)
                {
                    var left = nextLook - Environment.TickCount64;
                    if (left > 0)
                    {
                        Monitor.Wait(_sync, (int)left); // the last reader out pulses
                        continue;
                    }
                    ReclaimDeadReads();
                    nextLook = Environment.TickCount64 + ReclaimIntervalMilliseconds;
                }
            }
        }
    }

    /// <summary>Blocks while a writer holds or claims the lock; <paramref name="waiting"/> tells <see cref="ExitWrite"/> to wake us.</summary>
    private void WaitWhileWriter(ref int waiting)
    {
        lock (_sync)
        {
            // Registered (with a full fence) before the bit is looked at, so ExitWrite cannot miss us.
            Interlocked.Increment(ref waiting);
            try
            {
                while ((Volatile.Read(ref _state) & WriterBit) != 0) Monitor.Wait(_sync);
            }
            finally
            {
                Interlocked.Decrement(ref waiting);
            }
        }
    }

    private void WakeWaiters()
    {
        lock (_sync) Monitor.PulseAll(_sync);
    }

    /// <summary>
    /// Releases the reads of threads that have exited and drops their slots. Only the writer holding
    /// the bit calls it: a dead thread changes its slot no more, and no one else releases its read.
    /// </summary>
    private void ReclaimDeadReads()
    {
        lock (_slots)
        {
            List<Thread>? dead = null;
            foreach (var (thread, slot) in _slots)
            {
                if (thread.IsAlive) continue;
                (dead ??= []).Add(thread);
                if (Volatile.Read(ref slot.Count) == 0 || slot.InWrite) continue;
                slot.Count = 0;
                Interlocked.Decrement(ref _state);
                Interlocked.Increment(ref _reclaimedReads);
            }
            if (dead is null) return;
            foreach (var thread in dead) _slots.Remove(thread);
        }
    }

    /// <summary>The current thread's slot for this lock, from the thread's cache or the registry; registered when asked and missing.</summary>
    private Slot? FindSlot(bool register = false)
    {
        var recent = _recentSlots ??= new Slot?[ThreadCacheSize];
        var last = _lastSlot;
        if (last?.Lock == this) return last;
        for (var i = 0; i < recent.Length; i++)
        {
            if (recent[i] is { } slot && slot.Lock == this)
            {
                (recent[i], _lastSlot) = (last, slot);
                return slot;
            }
        }
        var thread = Thread.CurrentThread;
        Slot? found;
        lock (_slots)
        {
            if (!_slots.TryGetValue(thread, out found))
            {
                if (!register) return null;
                if (_slots.Count >= _pruneAt) PruneDeadSlots();
                found = new Slot(this, thread);
                _slots.Add(thread, found);
            }
        }
        if (last is not null)
        {
            recent[_recentNext] = last;
            _recentNext = (_recentNext + 1) % recent.Length;
        }
        _lastSlot = found;
        return found;
    }

    /// <summary>
    /// Drops the idle slots of exited threads (registry lock held), so many short-lived readers leave
    /// nothing behind; the threshold doubles with the threads alive, which keeps the cost amortised.
    /// Slots still holding a read are left for a writer to release.
    /// </summary>
    private void PruneDeadSlots()
    {
        List<Thread>? dead = null;
        foreach (var (thread, slot) in _slots)
        {
            if (!thread.IsAlive && Volatile.Read(ref slot.Count) == 0 && !slot.InWrite) (dead ??= []).Add(thread);
        }
        if (dead is not null)
        {
            foreach (var thread in dead) _slots.Remove(thread);
        }
        _pruneAt = Math.Max(MinPruneAt, 2 * _slots.Count);
    }

    /// <summary>One thread's hold on one lock: changed only by that thread, or by a writer once the thread is dead.</summary>
    private sealed class Slot(StoreLock owner, Thread thread)
    {
        public readonly StoreLock Lock = owner;
        public readonly Thread Thread = thread;

        /// <summary>Read nesting depth. The thread counts in the lock's state while this is non-zero and it is not writing.</summary>
        public int Count;

        /// <summary>Whether the thread holds the write lock.</summary>
        public bool InWrite;
    }
}
