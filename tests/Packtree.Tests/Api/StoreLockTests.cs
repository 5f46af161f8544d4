using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;

namespace Packtree.Tests.Api;

/// <summary>
/// The store's reader-writer lock: shared reads that nest, exclusive writes, writers ahead of new
/// readers, reads left by exited threads released for the next writer, misuse refused. Timeouts here
/// only turn a hang into a failure; no outcome depends on timing.
/// </summary>
public sealed class StoreLockTests
{
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(10);

    [Fact]
    public void AReadLeftByAnExitedThreadIsReleasedForTheNextWriter()
    {
        var gate = new StoreLock();
        new Worker(() =>
        {
            gate.EnterRead();
            gate.EnterRead(); // nested, and neither released: as a read scope never disposed
        }).Join();

        var wrote = false;
        new Worker(() =>
        {
            gate.EnterWrite();
            wrote = gate.IsWriteLockHeld;
            gate.ExitWrite();
        }).Join();

        Assert.True(wrote);
        Assert.Equal(1, gate.ReclaimedReads);
        Assert.Equal(1, gate.RegisteredSlots); // the writer's; the dead reader's slot was dropped
        // The lock is whole again: this thread reads and writes.
        gate.EnterRead();
        gate.ExitRead();
        gate.EnterWrite();
        gate.ExitWrite();
        Assert.False(gate.IsReadLockHeld);
    }

    [Fact]
    public void ALiveReaderIsNotReclaimedButWaitedFor()
    {
        var gate = new StoreLock();
        var held = new ManualResetEventSlim();
        var release = new ManualResetEventSlim();
        new Worker(() => gate.EnterRead()).Join(); // a dead one too
        var reader = new Worker(() =>
        {
            gate.EnterRead();
            held.Set();
            release.Wait();
            gate.ExitRead();
        });
        held.Wait(HangGuard);
        var writerIn = 0;
        var writer = new Worker(() =>
        {
            gate.EnterWrite();
            Volatile.Write(ref writerIn, 1);
            gate.ExitWrite();
        });
        WaitUntil(() => gate.ReclaimedReads == 1, "the dead reader's hold to be released");
        Assert.Equal(0, Volatile.Read(ref writerIn)); // the live reader still holds
        release.Set();
        reader.Join();
        writer.Join();
        Assert.Equal(1, writerIn);
        Assert.Equal(1, gate.ReclaimedReads);
    }

    [Fact]
    public void NestedReadsDoNotWaitForAWaitingWriter()
    {
        var gate = new StoreLock();
        var outerHeld = new ManualResetEventSlim();
        var writerIn = 0;
        var reader = new Worker(() =>
        {
            gate.EnterRead();
            outerHeld.Set();
            WaitUntil(() => gate.IsWriterPending, "the writer to wait");
            // The writer waits for this thread: were nested reads to wait for the writer, this would deadlock.
            gate.EnterRead();
            gate.EnterRead();
            Assert.True(gate.IsReadLockHeld);
            gate.ExitRead();
            gate.ExitRead();
            Assert.True(gate.IsReadLockHeld);
            Assert.Equal(0, Volatile.Read(ref writerIn)); // the outer read still keeps it out
            gate.ExitRead();
            Assert.False(gate.IsReadLockHeld);
        });
        outerHeld.Wait(HangGuard);
        var writer = new Worker(() =>
        {
            gate.EnterWrite();
            Volatile.Write(ref writerIn, 1);
            gate.ExitWrite();
        });
        reader.Join();
        writer.Join();
        Assert.Equal(1, writerIn);
        Assert.Equal(0, gate.ReclaimedReads);
    }

    [Fact]
    public void ReadersShare()
    {
        var gate = new StoreLock();
        gate.EnterRead();
        var inside = false;
        new Worker(() =>
        {
            gate.EnterRead();
            inside = gate.IsReadLockHeld;
            gate.ExitRead();
        }).Join();
        gate.ExitRead();
        Assert.True(inside);
    }

    [Fact]
    public void AWaitingWriterGoesBeforeNewReaders()
    {
        var gate = new StoreLock();
        var log = new ConcurrentQueue<string>();
        gate.EnterRead();
        var writer = new Worker(() =>
        {
            gate.EnterWrite();
            log.Enqueue("writer in");
            log.Enqueue("writer out");
            gate.ExitWrite();
        });
        WaitUntil(() => gate.IsWriterPending, "the writer to wait");
        var reader = new Worker(() =>
        {
            gate.EnterRead();
            log.Enqueue("new reader in");
            gate.ExitRead();
        });
        WaitUntil(() => gate.WaitingReaders == 1, "the new reader to wait");
        log.Enqueue("first reader out");
        gate.ExitRead();
        writer.Join();
        reader.Join();
        Assert.Equal(["first reader out", "writer in", "writer out", "new reader in"], log);
    }

    [Fact]
    public void AWriterMayReadInsideItsWriteAndKeepsThoseReadsAfterIt()
    {
        var gate = new StoreLock();
        gate.EnterWrite();
        gate.EnterRead();
        gate.EnterRead();
        Assert.True(gate.IsReadLockHeld);
        Assert.True(gate.IsWriteLockHeld);
        gate.ExitRead();
        Assert.True(gate.IsWriteLockHeld);
        gate.ExitWrite(); // one read is still held: a downgrade, as with ReaderWriterLockSlim
        Assert.False(gate.IsWriteLockHeld);
        Assert.True(gate.IsReadLockHeld);

        var readerIn = false;
        new Worker(() =>
        {
            gate.EnterRead();
            readerIn = true;
            gate.ExitRead();
        }).Join();
        Assert.True(readerIn);

        var writerIn = 0;
        var writer = new Worker(() =>
        {
            gate.EnterWrite();
            Volatile.Write(ref writerIn, 1);
            gate.ExitWrite();
        });
        WaitUntil(() => gate.IsWriterPending, "the writer to wait");
        Assert.Equal(0, Volatile.Read(ref writerIn));
        gate.ExitRead();
        writer.Join();
        Assert.Equal(1, writerIn);
        Assert.False(gate.IsReadLockHeld);
    }

    [Fact]
    public void AWriterInterruptedWhileWaitingGivesTheLockBack()
    {
        var gate = new StoreLock();
        gate.EnterRead();
        Exception? thrown = null;
        var writer = new Worker(() =>
        {
            try
            {
                gate.EnterWrite();
                gate.ExitWrite();
            }
            catch (ThreadInterruptedException e)
            {
                thrown = e;
            }
        });
        WaitUntil(() => gate.IsWriterPending, "the writer to wait");
        writer.Interrupt(); // delivered once it blocks, which it must: this thread keeps its read
        writer.Join();
        Assert.IsType<ThreadInterruptedException>(thrown);
        Assert.False(gate.IsWriterPending);
        new Worker(() =>
        {
            gate.EnterRead(); // not kept out by a writer that is gone
            gate.ExitRead();
        }).Join();
        gate.ExitRead();
        new Worker(() =>
        {
            gate.EnterWrite();
            gate.ExitWrite();
        }).Join();
    }

    [Fact]
    public void MisuseIsRefusedAndLeavesTheLockWhole()
    {
        var gate = new StoreLock();
        var other = new StoreLock();

        gate.EnterRead();
        var write = Assert.Throws<InvalidOperationException>(gate.EnterWrite);
        Assert.Contains("holds a read", write.Message);
        Assert.Throws<SynchronizationLockException>(other.ExitRead); // a read of another lock is not this one's
        Assert.Throws<SynchronizationLockException>(gate.ExitWrite);
        gate.ExitRead();

        var read = Assert.Throws<SynchronizationLockException>(gate.ExitRead);
        Assert.Contains("without a matching EnterRead", read.Message);
        var exitWrite = Assert.Throws<SynchronizationLockException>(gate.ExitWrite);
        Assert.Contains("without a matching EnterWrite", exitWrite.Message);

        gate.EnterWrite();
        var nested = Assert.Throws<InvalidOperationException>(gate.EnterWrite);
        Assert.Contains("do not nest", nested.Message);
        gate.ExitWrite();

        Assert.False(gate.IsReadLockHeld);
        Assert.False(gate.IsWriteLockHeld);
        new Worker(() =>
        {
            gate.EnterWrite();
            gate.ExitWrite();
        }).Join();
    }

    [Fact]
    public void WritersExcludeEveryoneAndReadersNeverSeeAWriteHalfDone()
    {
        const int Readers = 4, Writers = 2, ReadsEach = 20_000, WritesEach = 2_000;
        var gate = new StoreLock();
        var data = new Shared();
        var failures = new ConcurrentQueue<string>();

        void Write(int index)
        {
            var random = new Random(index);
            for (var i = 0; i < WritesEach; i++)
            {
                gate.EnterWrite();
                if (Interlocked.Increment(ref data.ActiveWriters) != 1) failures.Enqueue("two writers at once");
                if (Volatile.Read(ref data.ActiveReaders) != 0) failures.Enqueue("a writer beside a reader");
                var value = (long)index << 32 | (uint)i;
                data.A = value;
                // Widen the half-written window; a yield lets a thread on this core try to get in.
                if (random.Next(8) == 0) Thread.Yield();
                else Thread.SpinWait(random.Next(1, 50));
                data.B = value;
                data.Writes++; // not atomic: a lost update means two writers overlapped
                if (random.Next(8) == 0)
                {
                    gate.EnterRead(); // a read inside the write
                    if (data.A != data.B) failures.Enqueue("a read inside a write saw its own write half done");
                    gate.ExitRead();
                }
                Interlocked.Decrement(ref data.ActiveWriters);
                gate.ExitWrite();
            }
        }

        void Read(int index)
        {
            var random = new Random(100 + index);
            for (var i = 0; i < ReadsEach; i++)
            {
                gate.EnterRead();
                var nested = random.Next(4) == 0;
                if (nested) gate.EnterRead();
                Interlocked.Increment(ref data.ActiveReaders);
                if (Volatile.Read(ref data.ActiveWriters) != 0) failures.Enqueue("a reader beside a writer");
                var a = data.A;
                if (random.Next(16) == 0) Thread.Yield();
                else Thread.SpinWait(random.Next(1, 20));
                var b = data.B;
                if (a != b) failures.Enqueue($"a reader saw a write half done: {a:x} then {b:x}");
                Interlocked.Decrement(ref data.ActiveReaders);
                if (nested) gate.ExitRead();
                gate.ExitRead();
            }
        }

        var workers = Enumerable.Range(0, Writers).Select(i => new Worker(() => Write(i)))
            .Concat(Enumerable.Range(0, Readers).Select(i => new Worker(() => Read(i)))).ToList();
        foreach (var worker in workers) worker.Join(TimeSpan.FromMinutes(2));

        Assert.Empty(failures);
        Assert.Equal(Writers * WritesEach, data.Writes);
        Assert.Equal(0, gate.ReclaimedReads);
        Assert.False(gate.IsWriterPending);
    }

    [Fact]
    public void OneThreadHoldsReadsOnManyLocksAtOnce()
    {
        // More locks than the thread's slot cache keeps, so some slots are found again in the lock's registry.
        var gates = Enumerable.Range(0, 9).Select(_ => new StoreLock()).ToArray();
        foreach (var gate in gates) gate.EnterRead();
        foreach (var gate in gates.Reverse()) gate.EnterRead();
        foreach (var gate in gates) Assert.True(gate.IsReadLockHeld);
        foreach (var gate in gates) gate.ExitRead();
        foreach (var gate in gates) Assert.True(gate.IsReadLockHeld);
        for (var i = 0; i < gates.Length; i += 2) gates[i].ExitRead();
        for (var i = 0; i < gates.Length; i++) Assert.Equal(i % 2 == 1, gates[i].IsReadLockHeld);
        for (var i = 1; i < gates.Length; i += 2) gates[i].ExitRead();
        foreach (var gate in gates)
        {
            Assert.False(gate.IsReadLockHeld);
            Assert.Equal(1, gate.RegisteredSlots); // found again, never registered twice
        }
        new Worker(() =>
        {
            foreach (var gate in gates)
            {
                gate.EnterWrite();
                gate.ExitWrite();
            }
        }).Join();
    }

    [Fact]
    public void ShortLivedThreadsLeaveNoSlotsBehind()
    {
        const int Waves = 20, ThreadsPerWave = 10;
        var gate = new StoreLock();
        for (var wave = 0; wave < Waves; wave++)
        {
            var workers = Enumerable.Range(0, ThreadsPerWave).Select(i => new Worker(() =>
            {
                gate.EnterRead();
                gate.EnterRead();
                gate.ExitRead();
                gate.ExitRead();
                if (i == 0)
                {
                    gate.EnterWrite();
                    gate.ExitWrite();
                }
            })).ToList();
            foreach (var worker in workers) worker.Join();
        }
        // 200 threads registered; the slots of the dead are dropped as new ones come, so at most about
        // twice the threads alive at once remain, not one per thread ever seen.
        Assert.InRange(gate.RegisteredSlots, 1, 4 * ThreadsPerWave);
        Assert.Equal(0, gate.ReclaimedReads);
        new Worker(() =>
        {
            gate.EnterWrite();
            gate.ExitWrite();
        }).Join();
    }

    private static void WaitUntil(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + HangGuard;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Timed out waiting for {what}.");
            Thread.Sleep(1);
        }
    }

    private sealed class Shared
    {
        public long A, B;
        public int Writes, ActiveWriters, ActiveReaders;
    }

    /// <summary>A thread of its own (the lock is per thread); Join fails on a hang and rethrows what the thread threw.</summary>
    private sealed class Worker
    {
        private readonly Thread _thread;
        private Exception? _failure;

        public Worker(Action action)
        {
            _thread = new Thread(() =>
            {
                try
                {
                    action();
                }
                catch (Exception e)
                {
                    _failure = e;
                }
            }) { IsBackground = true };
            _thread.Start();
        }

        public void Interrupt() => _thread.Interrupt();

        public void Join() => Join(HangGuard);

        public void Join(TimeSpan timeout)
        {
            Assert.True(_thread.Join(timeout), "The thread hung.");
            if (_failure is not null) ExceptionDispatchInfo.Throw(_failure);
        }
    }
}
