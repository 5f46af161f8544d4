using Packtree.Keys;

namespace Packtree.Tests.Storage;

/// <summary>
/// <see cref="Durability.Background"/>: a commit returns with its entry in memory; a commit that does not defer, a flush,
/// a checkpoint, a megabyte of entries or the flush timer writes what waits, in order. A crash loses only the deferred
/// commits after the last write, whole. (The timer's interval is a minute here, unless a test waits for it.)
/// </summary>
public sealed class BackgroundDurabilityTests
{
    private static readonly StoreOptions Deferred = new() { Durability = Durability.Background, BufferedFlushMilliseconds = 60_000, JournalBytes = 1 << 20 };

    [Fact]
    public void ACommitInMemoryIsSeenAtOnceAndLostInACrashUntilSomethingWritesIt()
    {
        using var folder = new TempFolder();
        var path = folder.File("background.packtree");
        using (var store = Store.Open(path, Deferred))
        {
            var tree = store.GetOrCreateTree("t");
            tree.Put(new Bpos(1, 1, 0), [1]);
            Assert.Equal([1], tree.Get(new Bpos(1, 1, 0))); // applied: readers see it at once
            store.CloseWithoutCheckpoint();
        }
        using (var store = Store.Open(path, Deferred))
        {
            var tree = store.GetOrCreateTree("t"); // a tree's creation is durable when it returns; the put after it was not
            Assert.Equal(0, tree.Count);
            tree.Put(new Bpos(1, 1, 0), [1]);
            tree.Put(new Bpos(1, 2, 0), [2]);
            store.Flush();
            tree.Put(new Bpos(1, 3, 0), [3]);
            store.Write(new WriteBatch().Put(tree, new Bpos(1, 4, 0), [4]), Durability.Buffered); // writes the deferred entry before it
            tree.Put(new Bpos(1, 5, 0), [5]);
            store.CloseWithoutCheckpoint();
        }
        using (var store = Store.Open(path, Deferred))
        {
            var tree = store.GetOrCreateTree("t");
            Assert.Equal([1UL, 2, 3, 4], Contents(tree).Select(e => e.Item1));
        }
    }

    [Fact]
    public void TheTimerMakesDeferredCommitsDurableWithinItsInterval()
    {
        using var folder = new TempFolder();
        var path = folder.File("timer.packtree");
        using (var store = Store.Open(path, Deferred with { BufferedFlushMilliseconds = 20 }))
        {
            var tree = store.GetOrCreateTree("t");
            var flushes = store.Statistics.JournalFlushes; // the tree's creation's
            for (var i = 0; i < 10; i++) tree.Put(new Bpos(1, (ulong)i, 0), [(byte)i]);
            var deadline = DateTime.UtcNow.AddSeconds(30); // only a guard against a hang: the timer fires every 20 ms
            while (store.Statistics.JournalFlushes == flushes && DateTime.UtcNow < deadline) Thread.Sleep(10);
            Assert.True(store.Statistics.JournalFlushes > flushes);
            store.CloseWithoutCheckpoint();
        }
        using (var store = Store.Open(path, Deferred))
            Assert.Equal(10, store.GetOrCreateTree("t").Count);
    }

    [Fact]
    public void AMegabyteOfDeferredEntriesIsWrittenWithoutAFlush()
    {
        using var folder = new TempFolder();
        var path = folder.File("megabyte.packtree");
        var value = new byte[1000];
        int written;
        using (var store = Store.Open(path, Deferred with { JournalBytes = 64 << 20 }))
        {
            var tree = store.GetOrCreateTree("t");
            var filler = store.GetOrCreateTree("filler");
            for (var i = 0; i < 4000; i++) filler.Put(new Bpos(1, (ulong)i, 0), value); // a store of megabytes: its journal may hold as much before a checkpoint
            store.Checkpoint();
            var flushes = store.Statistics.JournalFlushes;
            for (var i = 0; i < 1100; i++) tree.Put(new Bpos(1, (ulong)i, 0), value); // past 1 MiB of entries
            written = (int)store.Statistics.JournalUsedBytes; // entries appended since the last checkpoint, written or not
            Assert.Equal(flushes, store.Statistics.JournalFlushes);
            store.CloseWithoutCheckpoint();
        }
        using (var store = Store.Open(path, Deferred))
        {
            var count = store.GetOrCreateTree("t").Count;
            Assert.InRange(count, 900, 1099); // those up to the write of the first megabyte (entries of about 1,070 bytes), not those after it
            Assert.True(written > 1 << 20);
        }
    }

    /// <summary>
    /// Random commits, each Background, Buffered or Flush, batches among them, with flushes, checkpoints and crashes; the
    /// journal small, so that it wraps and checkpoints run with entries in memory. After each crash the store holds the
    /// commits up to one boundary: at or after the last commit surely written (a Buffered or Flush commit, a flush or a
    /// checkpoint), and never part of a commit.
    /// </summary>
    [Fact]
    public void ACrashKeepsTheCommitsUpToABoundaryAtOrAfterTheLastWrite()
    {
        using var folder = new TempFolder();
        var path = folder.File("model.packtree");
        var random = new Random(41);
        var model = new SortedDictionary<ulong, byte[]>();
        List<SortedDictionary<ulong, byte[]>> since = [new(model)]; // the model after the last sure write, then after each deferred commit
        var store = Store.Open(path, Deferred);
        var tree = store.GetOrCreateTree("t");
        store.Flush();
        int crashes = 0, lost = 0;
        try
        {
            for (var step = 0; step < 6000; step++)
            {
                var durability = random.Next(6) switch { 0 => Durability.Flush, 1 => Durability.Buffered, _ => Durability.Background };
                switch (random.Next(40))
                {
                    case 0:
                        store.Flush();
                        since = [new(model)];
                        break;
                    case 1:
                        store.Checkpoint();
                        since = [new(model)];
                        break;
                    case 2:
                        store.CloseWithoutCheckpoint();
                        store = Store.Open(path, Deferred);
                        tree = store.GetOrCreateTree("t");
                        var found = Contents(tree);
                        var at = since.FindIndex(m => m.Select(e => (e.Key, e.Value)).SequenceEqual(found, Same));
                        Assert.True(at >= 0, $"step {step}: after the crash the store is at no commit since the last sure write ({since.Count} candidates)");
                        crashes++;
                        lost += since.Count - 1 - at;
                        model = since[at];
                        since = [new(model)];
                        break;
                    case < 8:
                        var batch = new WriteBatch();
                        for (var i = 0; i < 3; i++)
                        {
                            var k = (ulong)random.Next(200);
                            if (random.Next(3) == 0)
                            {
                                batch.Delete(tree, new Bpos(1, k, 0));
                                model.Remove(k);
                            }
                            else
                            {
                                var v = Value(random);
                                batch.Put(tree, new Bpos(1, k, 0), v);
                                model[k] = v;
                            }
                        }
                        store.Write(batch, durability);
                        Committed(durability);
                        break;
                    default:
                        var key = (ulong)random.Next(200);
                        var value = Value(random);
                        store.Write(new WriteBatch().Put(tree, new Bpos(1, key, 0), value), durability);
                        model[key] = value;
                        Committed(durability);
                        break;
                }
            }
        }
        finally
        {
            store.Dispose();
        }
        Assert.True(crashes > 60 && lost > 120, $"{crashes} crashes lost {lost} deferred commits");
        using var reopened = Store.Open(path);
        Assert.Equal(model.Select(e => (e.Key, e.Value)), Contents(reopened.GetOrCreateTree("t")), Same);

        void Committed(Durability durability)
        {
            if (durability == Durability.Background) since.Add(new(model));
            else since = [new(model)];
        }
    }

    private static readonly IEqualityComparer<(ulong, byte[])> Same = EqualityComparer<(ulong, byte[])>.Create(
        (a, b) => a.Item1 == b.Item1 && a.Item2.AsSpan().SequenceEqual(b.Item2), e => e.Item1.GetHashCode());

    private static List<(ulong, byte[])> Contents(Tree tree)
    {
        var contents = new List<(ulong, byte[])>();
        foreach (var (key, value) in tree.Scan()) contents.Add((key.Offset, value.ToArray()));
        return contents;
    }

    private static byte[] Value(Random random)
    {
        var value = new byte[random.Next(0, 300)];
        random.NextBytes(value);
        return value;
    }
}
