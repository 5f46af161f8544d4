using Packtree.Keys;
using Packtree.Storage;

namespace Packtree.Tests.Storage;

/// <summary>Concurrent durable commits share flushes (group commit), counted, not timed.</summary>
public sealed class GroupCommitTests
{
    /// <summary>A device whose flush takes as long as a disk's would, counting flushes.</summary>
    private sealed class SlowFlushDevice(TimeSpan flush) : StorageDevice
    {
        private readonly FaultyDevice _inner = new();
        private int _flushes;

        public int Flushes => Volatile.Read(ref _flushes);

        public override long Length => _inner.Length;

        public override void Read(long offset, Span<byte> destination)
        {
            lock (_inner) _inner.Read(offset, destination);
        }

        public override void Write(long offset, ReadOnlySpan<byte> source)
        {
            lock (_inner) _inner.Write(offset, source);
        }

        public override void Flush()
        {
            Thread.Sleep(flush);
            Interlocked.Increment(ref _flushes);
        }
    }

    [Fact]
    public void EightDurableWritersShareFlushes()
    {
        const int Writers = 8, PutsEach = 150;
        var device = new SlowFlushDevice(TimeSpan.FromMilliseconds(2));
        using var store = Store.Open(device, new StoreOptions { NodeBytes = 4096, BlockBytes = 512, JournalBytes = 4 << 20, Durability = Durability.Flush });
        var tree = store.GetOrCreateTree("t");
        var before = device.Flushes;
        var threads = Enumerable.Range(0, Writers).Select(w => new Thread(() =>
        {
            for (var i = 0; i < PutsEach; i++) tree.Put(new Bpos((ulong)w, (ulong)i, 0), BitConverter.GetBytes(i));
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        var flushes = device.Flushes - before;
        // One writer needs a flush per commit; eight waiting together must share them: at most a quarter.
        Assert.True(flushes * 4 <= Writers * PutsEach, $"{Writers * PutsEach} durable commits took {flushes} flushes");
        Assert.Equal(Writers * PutsEach, tree.Count);
    }
}
