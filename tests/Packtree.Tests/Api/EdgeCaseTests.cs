using System.Diagnostics.Metrics;
using Packtree.Keys;
using Packtree.Trees;

namespace Packtree.Tests.Api;

/// <summary>Tests that listen to the meters, and tests that count allocations, run one at a time: a listener's callback runs on the thread that records.</summary>
[CollectionDefinition(nameof(MeterListeners))]
public sealed class MeterListeners;

/// <summary>The corners: empty trees, one key, the least and greatest positions, snapshots, value sizes at and past the limit, bad options and misuse.</summary>
[Collection(nameof(MeterListeners))]
public sealed class EdgeCaseTests
{
    [Fact]
    public void AnEmptyTreeHasNothingAnywhere()
    {
        using var store = Store.CreateInMemory();
        var tree = store.GetOrCreateTree("empty");
        Assert.Equal(0, tree.Count);
        Assert.Null(tree.Get(Bpos.Min));
        Assert.False(tree.Contains(Bpos.Max));
        Assert.False(tree.Delete(new Bpos(1, 2, 3)));
        var cursor = tree.CreateCursor();
        Assert.False(cursor.Seek(Bpos.Min));
        Assert.False(cursor.SeekForPrev(Bpos.Max));
        Assert.False(cursor.Next());
        Assert.Throws<InvalidOperationException>(() => cursor.Key);
        Assert.Empty(tree.Scan().ToKeys());
        Assert.Empty(tree.Scan(reverse: true).ToKeys());
        Assert.Equal(new TreeShape(1, 1, 1, 0, 0), tree.Verify());
    }

    [Fact]
    public void TheLeastAndGreatestPositionsAndSnapshotsAreKeysLikeAnyOther()
    {
        using var store = Store.CreateInMemory(new StoreOptions { NodeBytes = 4096, BlockBytes = 512 });
        var tree = store.GetOrCreateTree("corners");
        var keys = new List<Bpos> { Bpos.Min, Bpos.Max, Bpos.PosMax, new(5, 5, 0), new(5, 5, 1), new(5, 5, uint.MaxValue), new(ulong.MaxValue, 0, 0), new(0, ulong.MaxValue, 7) };
        // Enough neighbours for several levels, so the corners sit in the first and last leaves of a deep tree.
        for (var i = 0; i < 3000; i++) keys.Add(new Bpos((ulong)(i % 7), (ulong)i * 977, (uint)(i % 3)));
        foreach (var key in keys) tree.Put(key, BitConverter.GetBytes(key.GetHashCode()));
        var shape = tree.Verify();
        Assert.True(shape.Levels >= 2);
        Assert.Equal(keys.Distinct().Count(), shape.Keys);
        foreach (var key in keys) Assert.Equal(BitConverter.GetBytes(key.GetHashCode()), tree.Get(key));

        var cursor = tree.CreateCursor();
        Assert.True(cursor.SeekToFirst());
        Assert.Equal(Bpos.Min, cursor.Key);
        Assert.False(cursor.Prev());
        Assert.True(cursor.SeekToLast());
        Assert.Equal(Bpos.Max, cursor.Key);
        Assert.False(cursor.Next());
        Assert.True(cursor.SeekForPrev(new Bpos(5, 5, 2)));
        Assert.Equal(new Bpos(5, 5, 1), cursor.Key);
        Assert.True(cursor.Next());
        Assert.Equal(new Bpos(5, 5, uint.MaxValue), cursor.Key);

        // Keys differing only in snapshot are separate, in snapshot order.
        Assert.Equal([new Bpos(5, 5, 0), new Bpos(5, 5, 1), new Bpos(5, 5, uint.MaxValue)], tree.Scan(KeyRange.Closed(new Bpos(5, 5, 0), new Bpos(5, 5, uint.MaxValue))).ToKeys());
        Assert.True(tree.Delete(new Bpos(5, 5, 1)));
        Assert.Equal([new Bpos(5, 5, 0), new Bpos(5, 5, uint.MaxValue)], tree.Scan(KeyRange.Closed(new Bpos(5, 5, 0), new Bpos(5, 5, uint.MaxValue))).ToKeys());

        Assert.True(tree.Delete(Bpos.Min));
        Assert.True(tree.Delete(Bpos.Max));
        Assert.False(tree.Contains(Bpos.Max));
        tree.Verify();
    }

    [Fact]
    public void ValuesOfEveryLengthUpToTheLimitRoundTripAndOneMoreByteIsRefused()
    {
        using var store = Store.CreateInMemory(new StoreOptions { MaxValueBytes = 5000 });
        var tree = store.GetOrCreateTree("values");
        Assert.Equal(2000, tree.MaxInlineValueBytes);
        Assert.Equal(5000, tree.MaxValueBytes);
        var lengths = Enumerable.Range(0, 2200).Concat([4095, 4096, 4097, 4999, 5000]).ToArray(); // in the leaf, then out of line
        var random = new Random(3);
        foreach (var length in lengths)
        {
            var value = new byte[length];
            random.NextBytes(value);
            tree.Put(new Bpos(1, (ulong)length, 0), value);
        }
        var buffer = new byte[tree.MaxValueBytes];
        random = new Random(3);
        foreach (var length in lengths)
        {
            var value = new byte[length];
            random.NextBytes(value);
            Assert.True(tree.TryGet(new Bpos(1, (ulong)length, 0), buffer, out var read));
            Assert.Equal(length, read);
            Assert.True(value.AsSpan().SequenceEqual(buffer.AsSpan(0, read)));
            Assert.Equal(value, tree.Get(new Bpos(1, (ulong)length, 0)));
        }
        tree.Verify();

        var live = store.Large.Data.LiveBytes;
        Assert.True(live >= lengths.Where(l => l > 2000).Sum(l => (long)l), $"{live} bytes live out of line");
        var tooLarge = Assert.Throws<ValueTooLargeException>(() => tree.Put(new Bpos(2, 0, 0), new byte[5001]));
        Assert.Equal(5000, tooLarge.MaxBytes);
        Assert.Equal(5001, tooLarge.ActualBytes);
        Assert.Contains("at most 5000 bytes; this one has 5001", tooLarge.Message, StringComparison.Ordinal);
        Assert.Throws<ValueTooLargeException>(() => new WriteBatch().Put(tree, new Bpos(2, 0, 0), new byte[5001]));
        Assert.False(tree.Contains(new Bpos(2, 0, 0)));
        Assert.Equal(live, store.Large.Data.LiveBytes); // nothing refused was written

        var small = new byte[10];
        var shortBuffer = Assert.Throws<ArgumentException>(() => tree.TryGet(new Bpos(1, 11, 0), small, out _));
        Assert.Contains("11 bytes; the destination has room for 10", shortBuffer.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SmallNodesTakeSmallerValuesAndSaySo()
    {
        using var store = Store.CreateInMemory(new StoreOptions { NodeBytes = 4096, BlockBytes = 512 });
        var tree = store.GetOrCreateTree("small");
        Assert.InRange(tree.MaxInlineValueBytes, 800, 1999);
        tree.Put(Bpos.Min, new byte[tree.MaxInlineValueBytes]);
        var longer = Enumerable.Range(0, tree.MaxInlineValueBytes + 1).Select(i => (byte)i).ToArray();
        tree.Put(new Bpos(1, 0, 0), longer); // kept out of line
        Assert.Equal(longer, tree.Get(new Bpos(1, 0, 0)));
        tree.Delete(new Bpos(1, 0, 0));
        // Many of the largest values still split cleanly.
        for (var i = 0; i < 200; i++) tree.Put(new Bpos(0, (ulong)i, 0), new byte[tree.MaxInlineValueBytes]);
        Assert.Equal(200, tree.Verify().Keys);
    }

    [Theory]
    [InlineData(2048, 512, "NodeBytes is 2048")]
    [InlineData(1 << 20, 4096, "NodeBytes is 1048576")]
    [InlineData(12288, 512, "NodeBytes is 12288")]
    [InlineData(8192, 256, "BlockBytes is 256")]
    [InlineData(8192, 8192, "BlockBytes (8192) must be below NodeBytes (8192)")]
    public void BadOptionsAreRefusedByName(int nodeBytes, int blockBytes, string message)
    {
        var error = Assert.ThrowsAny<ArgumentException>(() => Store.CreateInMemory(new StoreOptions { NodeBytes = nodeBytes, BlockBytes = blockBytes }));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.Contains("CompileThreshold is -1", Assert.ThrowsAny<ArgumentException>(() => Store.CreateInMemory(new StoreOptions { CompileThreshold = -1 })).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MisuseGetsClearErrors()
    {
        var store = Store.CreateInMemory();
        var tree = store.GetOrCreateTree("t");
        Assert.Same(tree, store.GetOrCreateTree("t"));
        Assert.Equal(["t"], store.TreeNames);
        Assert.Throws<ArgumentException>(() => store.GetOrCreateTree(""));
        Assert.Throws<ArgumentException>(() => store.GetOrCreateTree("a\nb"));

        using (var other = Store.CreateInMemory())
        {
            var foreign = other.GetOrCreateTree("t");
            Assert.Contains("another store", Assert.Throws<ArgumentException>(() => store.Write(new WriteBatch().Put(foreign, Bpos.Min, []))).Message, StringComparison.Ordinal);
        }

        using (var read = store.BeginRead())
        {
            Assert.False(read.TryGet(tree, Bpos.Min, out _));
            Assert.False(tree.Contains(Bpos.Min)); // reads nest
            Assert.Contains("read scope", Assert.Throws<InvalidOperationException>(() => tree.Put(Bpos.Min, [1])).Message, StringComparison.Ordinal);
        }
        tree.Put(Bpos.Min, [1, 2, 3]);
        using (var read = store.BeginRead())
        {
            Assert.True(read.TryGet(tree, Bpos.Min, out var value));
            Assert.Equal([1, 2, 3], value.ToArray());
        }

        store.Dispose();
        Assert.Throws<ObjectDisposedException>(() => tree.Get(Bpos.Min));
        Assert.Throws<ObjectDisposedException>(() => tree.Put(Bpos.Min, [1]));
        store.Dispose(); // twice is fine
    }

    [Fact]
    public void BatchesApplyInOrderAcrossTrees()
    {
        using var store = Store.CreateInMemory();
        var a = store.GetOrCreateTree("a");
        var b = store.GetOrCreateTree("b");
        a.Put(new Bpos(1, 1, 0), [9]);
        var batch = new WriteBatch()
            .Put(a, new Bpos(1, 1, 0), [1])
            .Put(b, new Bpos(1, 1, 0), [2])
            .Delete(a, new Bpos(1, 1, 0))
            .Put(a, new Bpos(1, 2, 0), [3])
            .Put(b, new Bpos(1, 1, 0), [4]);
        Assert.Equal(5, batch.Count);
        store.Write(batch);
        Assert.Null(a.Get(new Bpos(1, 1, 0)));
        Assert.Equal([3], a.Get(new Bpos(1, 2, 0)));
        Assert.Equal([4], b.Get(new Bpos(1, 1, 0)));
        batch.Clear();
        Assert.Equal(0, batch.Count);
        store.Write(batch);
    }

    [Fact]
    public void OperationsAreCountedThroughMetrics()
    {
        // Meters are process-wide and other tests run in parallel: count only what this test's thread records, exactly.
        var thread = Environment.CurrentManagedThreadId;
        var seen = new Dictionary<string, long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name is StoreMetrics.MeterName or TreeMetrics.MeterName) l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
        {
            if (Environment.CurrentManagedThreadId != thread) return; // nothing allocated on other tests' threads
            lock (seen) seen[instrument.Name] = seen.GetValueOrDefault(instrument.Name) + value;
        });
        listener.Start();

        using var store = Store.CreateInMemory(new StoreOptions { NodeBytes = 4096, BlockBytes = 512 });
        var tree = store.GetOrCreateTree("metrics");
        for (var i = 0; i < 2000; i++) tree.Put(new Bpos(1, (ulong)i, 0), new byte[16]);
        tree.Verify(); // applies the write buffer (the splits happen here), else the deletions would cancel the puts in it
        for (var i = 0; i < 100; i++) tree.Get(new Bpos(1, (ulong)i, 0));
        for (var i = 0; i < 1900; i++) tree.Delete(new Bpos(1, (ulong)i, 0));
        tree.Verify(); // the merges happen here
        listener.RecordObservableInstruments();

        lock (seen)
        {
            Assert.Equal(2000, seen.GetValueOrDefault("packtree.puts"));
            Assert.Equal(100, seen.GetValueOrDefault("packtree.lookups"));
            Assert.Equal(1900, seen.GetValueOrDefault("packtree.deletes"));
            Assert.True(seen.GetValueOrDefault("packtree.tree.splits") > 0);
            Assert.True(seen.GetValueOrDefault("packtree.tree.merges") > 0);
            Assert.True(seen.GetValueOrDefault("packtree.tree.new_roots") > 0);
            Assert.Equal(2, seen.GetValueOrDefault("packtree.tree.buffer_applies"));
        }
    }
}

/// <summary>Reads that promise no allocation keep the promise.</summary>
/// <remarks>In the collection of the test that listens to the meters, so that no listener of this assembly runs while allocations are counted.</remarks>
[Collection(nameof(MeterListeners))]
public sealed class AllocationTests
{
    [Codegen.FactUnlessVerificationForced]
    public void LookupsAndScansThroughAReusedCursorAllocateNothing()
    {
        using var store = Store.CreateInMemory(new StoreOptions { NodeBytes = 8192, BlockBytes = 512 });
        var tree = store.GetOrCreateTree("alloc");
        for (var i = 0; i < 5000; i++) tree.Put(new Bpos(3, (ulong)i * 7, 0), BitConverter.GetBytes(i));
        var cursor = tree.CreateCursor();
        var buffer = new byte[tree.MaxInlineValueBytes];

        long Run()
        {
            long sum = 0;
            foreach (var entry in cursor.Scan(KeyRange.All)) sum += entry.Value[0];
            foreach (var entry in cursor.Scan(KeyRange.HalfOpen(new Bpos(3, 700, 0), new Bpos(3, 7000, 0)), reverse: true)) sum += entry.Value[0];
            for (var i = 0; i < 1000; i++)
            {
                if (tree.TryGet(new Bpos(3, (ulong)i * 7, 0), buffer, out var length)) sum += length;
                if (tree.Contains(new Bpos(3, (ulong)i * 7 + 1, 0))) sum++;
            }
            using (var read = store.BeginRead())
            {
                if (read.TryGet(tree, new Bpos(3, 14, 0), out var value)) sum += value[0];
            }
            return sum;
        }

        var expected = Run(); // warm up: runs grown (merged with the write buffer, which the read scope applies), code compiled
        Assert.Equal(expected, Run()); // and again: a merge swaps the cursor's run with a second one, which grows here
        var before = GC.GetAllocatedBytesForCurrentThread();
        var sum = Run();
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(expected, sum);
        Assert.Equal(0, allocated);
    }
}

/// <summary>A cursor continues a run where it stopped only while the leaf is unchanged; any change makes it search again.</summary>
public sealed class CursorResumeTests
{
    [Fact]
    public void AChangeBetweenRunsIsSeenByTheNextRun()
    {
        using var store = Store.CreateInMemory();
        var tree = store.GetOrCreateTree("resume");
        for (var i = 0; i < 100; i++) tree.Put(new Bpos(1, (ulong)i * 10, 0), [(byte)i]);
        var cursor = tree.CreateCursor();
        Assert.True(cursor.Seek(Bpos.Min));
        for (var i = 0; i < 7; i++) Assert.True(cursor.Next()); // the first run (8 keys) is used up
        Assert.Equal(new Bpos(1, 70, 0), cursor.Key);

        tree.Delete(new Bpos(1, 80, 0)); // the key the next run would start with
        tree.Put(new Bpos(1, 75, 0), [0xee]); // and a new one before it
        Assert.True(cursor.Next());
        Assert.Equal(new Bpos(1, 75, 0), cursor.Key);
        Assert.Equal([0xee], cursor.Value.ToArray());
        Assert.True(cursor.Next());
        Assert.Equal(new Bpos(1, 90, 0), cursor.Key);

        // Unchanged, runs continue in place: every key once, in order.
        var seen = new List<Bpos> { cursor.Key };
        while (cursor.Next()) seen.Add(cursor.Key);
        Assert.Equal(Enumerable.Range(9, 91).Select(i => new Bpos(1, (ulong)i * 10, 0)), seen);
        Assert.True(cursor.SeekToLast());
        var backwards = new List<Bpos> { cursor.Key };
        while (cursor.Prev()) backwards.Add(cursor.Key);
        Assert.Equal(100, backwards.Count);
        Assert.Equal(backwards.OrderByDescending(k => k), backwards);
    }
}
