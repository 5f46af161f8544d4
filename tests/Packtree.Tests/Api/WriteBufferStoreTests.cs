using Packtree.Diagnostics;
using Packtree.Keys;
using Packtree.Tests.Storage;

namespace Packtree.Tests.Api;

/// <summary>What a store with write buffers promises: every read sees a commit at once, counts are exact, a crash loses nothing committed, values kept out of line mix with buffered ones.</summary>
public sealed class WriteBufferStoreTests
{
    private static readonly StoreOptions Huge = new() { NodeBytes = 4096, BlockBytes = 512, WriteBufferBytes = long.MaxValue, Durability = Durability.Flush };

    private static Bpos Key(int i) => new(1, (ulong)i * 3, 0);

    [Fact]
    public void TheCountIsExactWhileUpdatesWaitInTheBuffer()
    {
        using var store = Store.CreateInMemory(Huge);
        var tree = store.GetOrCreateTree("t");
        for (var i = 0; i < 100; i++) tree.Put(Key(i), [1]);
        tree.Verify(); // applied: 100 keys in the btree
        Assert.Equal(0, store.BufferedBytes);
        tree.Put(Key(5), [2]); // replaces a key of the btree
        tree.Put(Key(200), [2]); // new
        tree.Put(Key(201), [2]); // new, then deleted in the buffer
        Assert.True(tree.Delete(Key(201)));
        Assert.False(tree.Delete(Key(202))); // in neither
        Assert.True(tree.Delete(Key(7))); // in the btree
        Assert.False(tree.Delete(Key(7))); // deleted in the buffer already
        Assert.True(store.BufferedBytes > 0);
        Assert.Equal(100 + 1 - 1, tree.Count);
        Assert.Equal(100, tree.Count); // asked again: from the count kept for the buffer's version
        Assert.Equal([2], tree.Get(Key(5)));
        Assert.Null(tree.Get(Key(7)));
        Assert.False(tree.Contains(Key(201)));
        Assert.True(tree.Contains(Key(200)));
        var shape = tree.Verify();
        Assert.Equal(100, shape.Keys);
        Assert.Equal(0, store.BufferedBytes);
    }

    [Fact]
    public void AReadScopeAppliesTheBuffersAndReadsInPlace()
    {
        using var store = Store.CreateInMemory(Huge);
        var tree = store.GetOrCreateTree("t");
        for (var i = 0; i < 50; i++) tree.Put(Key(i), [(byte)i]);
        Assert.True(store.BufferedBytes > 0);
        using (var read = store.BeginRead())
        {
            Assert.Equal(0, store.BufferedBytes);
            Assert.True(read.TryGet(tree, Key(9), out var value));
            Assert.Equal([9], value.ToArray());
            var keys = new List<Bpos>();
            foreach (var entry in read.Scan(tree, KeyRange.All, reverse: true)) keys.Add(entry.Key);
            Assert.Equal(Enumerable.Range(0, 50).Reverse().Select(Key), keys);
        }
    }

    [Fact]
    public void ValuesKeptOutOfLineAndBufferedValuesMixAtOneKey()
    {
        using var store = Store.CreateInMemory(Huge);
        var tree = store.GetOrCreateTree("t");
        var large = new byte[tree.MaxInlineValueBytes + 1];
        Random.Shared.NextBytes(large);
        tree.Put(Key(1), [1]); // buffered
        tree.Put(Key(2), [2]); // buffered
        tree.Put(Key(1), large); // out of line: the buffer goes to the btree first, then the reference
        Assert.Equal(0, store.BufferedBytes);
        Assert.Equal(large, tree.Get(Key(1)));
        tree.Put(Key(1), [3]); // the tree owns values out of line now: straight to the btree, dropping the old value
        Assert.Equal(0, store.BufferedBytes);
        Assert.Equal([3], tree.Get(Key(1)));
        Assert.Equal([2], tree.Get(Key(2)));
        Assert.Equal(2, tree.Count);
        var check = StoreCheck.Run(store);
        Assert.True(check.IsClean, string.Join("; ", check.Problems));
    }

    [Fact]
    public void ACrashWithUpdatesInTheBufferLosesNoCommit()
    {
        using var folder = new TempFolder();
        var path = folder.File("crash.packtree");
        var model = new SortedDictionary<Bpos, byte[]>();
        var random = new Random(7);
        using (var store = Store.Open(path, Huge))
        {
            var tree = store.GetOrCreateTree("t");
            for (var i = 0; i < 3000; i++) // some in the btree at the checkpoint, the rest only in the journal and the buffer
            {
                var key = Key(random.Next(1000));
                if (random.Next(4) == 0)
                {
                    tree.Delete(key);
                    model.Remove(key);
                }
                else
                {
                    var value = BitConverter.GetBytes(i);
                    tree.Put(key, value);
                    model[key] = value;
                }
                if (i == 1500) store.Checkpoint();
            }
            Assert.True(store.BufferedBytes > 0);
            store.CloseWithoutCheckpoint();
        }
        foreach (var options in new[] { Huge with { ReadOnly = true }, Huge, Huge with { WriteBufferBytes = 0 } })
        {
            using var reopened = Store.Open(path, options);
            var tree = reopened.GetOrCreateTree("t");
            Assert.Equal(0, reopened.BufferedBytes); // replay filled the buffers and applied them
            Assert.Equal(model.Count, tree.Count);
            var scanned = new List<(Bpos, byte[])>();
            foreach (var (key, value) in tree.Scan()) scanned.Add((key, value.ToArray()));
            Assert.Equal(model.Select(p => (p.Key, p.Value)), scanned);
        }
        var check = StoreCheck.Run(path);
        Assert.True(check.IsClean, string.Join("; ", check.Problems));
    }

    [Theory]
    [InlineData(Durability.Flush)]
    [InlineData(Durability.Buffered)]
    public void BuffersLeftIdleAreAppliedInTheBackground(Durability durability)
    {
        using var folder = new TempFolder();
        using var store = Store.Open(folder.File("idle.packtree"), Huge with { Durability = durability, BufferedFlushMilliseconds = 20 });
        var tree = store.GetOrCreateTree("t");
        for (var i = 0; i < 500; i++) tree.Put(Key(i), [(byte)i]);
        // Nothing else applies them: the journal (16 MiB) takes these commits without a checkpoint, and no read scope opens.
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (store.BufferedBytes > 0 && waited.Elapsed < TimeSpan.FromSeconds(10)) Thread.Sleep(10);
        Assert.Equal(0, store.BufferedBytes);
        Assert.Equal(500, tree.Count);
        Assert.Equal([7], tree.Get(Key(7)));
    }

    [Fact]
    public void ANegativeBufferSizeIsRefusedAndZeroTurnsBuffersOff()
    {
        var refused = Assert.Throws<ArgumentException>(() => Store.CreateInMemory(new StoreOptions { WriteBufferBytes = -1 }));
        Assert.Contains("WriteBufferBytes is -1", refused.Message);
        using var store = Store.CreateInMemory(new StoreOptions { WriteBufferBytes = 0 });
        var tree = store.GetOrCreateTree("t");
        tree.Put(Key(1), [1]);
        Assert.Null(tree.Buffer);
        Assert.Equal(0, store.BufferedBytes);
        Assert.Equal([1], tree.Get(Key(1)));
    }

    [Fact]
    public void BuffersPastTheirLimitAreAppliedInOneSortedBatch()
    {
        using var store = Store.CreateInMemory(new StoreOptions { NodeBytes = 4096, BlockBytes = 512, WriteBufferBytes = 64 * 1024 });
        var a = store.GetOrCreateTree("a");
        var b = store.GetOrCreateTree("b");
        var largest = 0L;
        for (var i = 0; i < 5000; i++)
        {
            (i % 2 == 0 ? a : b).Put(Key(i * 7919 % 5000), new byte[40]);
            largest = Math.Max(largest, store.BufferedBytes);
        }
        Assert.InRange(largest, 32 * 1024, 64 * 1024 + 200); // up to the limit and one entry past it, counted across both trees
        Assert.True(a.Buffer!.Count + b.Buffer!.Count < 5000);
        Assert.Equal(2500, a.Count);
        Assert.Equal(2500, b.Count);
        a.Verify();
        b.Verify();
    }
}
