using System.Buffers.Binary;
using System.Diagnostics;
using Packtree.Keys;

namespace Packtree.Tests.Api;

/// <summary>
/// Readers and writers at once: every read is checked against what the writer of its key had committed before
/// and had started by after it — batches are seen whole, values never go back in time, scans stay in
/// order — while the trees split and merge under them and write buffers fill and are applied.
/// </summary>
/// <remarks>Each writer owns the slots equal to its index modulo the writers, and numbers its own commits.</remarks>
[Trait("Category", "Slow")]
public sealed class ConcurrencyTests
{
    private const int Slots = 6000;
    private const long Commits = 3000;

    [Theory]
    [InlineData(false, 1, 0L)]
    [InlineData(true, 1, 0L)]
    [InlineData(false, 3, 4096L)]
    [InlineData(true, 3, 4096L)]
    [InlineData(true, 2, long.MaxValue)]
    public void ReadersSeeOnlyWholeCommittedBatches(bool onDisk, int writers, long writeBufferBytes)
    {
        // On disk with a cache of a few dozen nodes: readers load and evict nodes concurrently, checkpoints run under them.
        using var folder = new Storage.TempFolder();
        var options = new StoreOptions { NodeBytes = 4096, BlockBytes = 512, CacheBytes = 16 * 4096 * 3, JournalBytes = 1024 * 1024, Durability = Durability.Buffered, WriteBufferBytes = writeBufferBytes };
        using var store = onDisk ? Store.Open(folder.File("concurrent.packtree"), options) : Store.CreateInMemory(options);
        var a = store.GetOrCreateTree("a");
        var b = store.GetOrCreateTree("b");
        var lastWrite = new long[Slots]; // the owner's commit that last put each slot, or minus the commit that deleted it
        var started = new long[writers];
        var committed = new long[writers];
        var stop = new CancellationTokenSource();
        var failures = new List<string>();
        var reads = new long[4];

        void Writer(int writer)
        {
            var random = new Random(1 + writer);
            var batch = new WriteBatch();
            for (long commit = 1; commit <= Commits / writers; commit++)
            {
                batch.Clear();
                var slots = Enumerable.Range(0, random.Next(1, 8)).Select(_ => random.Next(Slots / writers) * writers + writer).Distinct().ToArray();
                var delete = random.Next(4) == 0;
                foreach (var slot in slots)
                {
                    if (delete)
                    {
                        batch.Delete(a, Key(slot)).Delete(b, Key(slot));
                        continue;
                    }
                    var value = Value(commit, random.Next(0, 60));
                    batch.Put(a, Key(slot), value).Put(b, Key(slot), value);
                }
                batch.Put(a, LatestKey(writer), Value(commit, 0));
                Volatile.Write(ref started[writer], commit);
                store.Write(batch);
                foreach (var slot in slots) Volatile.Write(ref lastWrite[slot], delete ? -commit : commit);
                Volatile.Write(ref committed[writer], commit);
            }
        }

        void Reader(int index)
        {
            var random = new Random(100 + index);
            var cursor = a.CreateCursor();
            while (!stop.IsCancellationRequested)
            {
                var slot = random.Next(Slots);
                var owner = slot % writers;
                var low = Volatile.Read(ref committed[owner]);
                var slotLow = Volatile.Read(ref lastWrite[slot]);
                switch (random.Next(3))
                {
                    case 0:
                    {
                        bool inA, inB;
                        long valueA = 0, valueB = 0, latest = 0;
                        using (var read = store.BeginRead())
                        {
                            inA = read.TryGet(a, Key(slot), out var spanA);
                            inB = read.TryGet(b, Key(slot), out var spanB);
                            if (inA) valueA = BinaryPrimitives.ReadInt64LittleEndian(spanA);
                            if (inB) valueB = BinaryPrimitives.ReadInt64LittleEndian(spanB);
                            if (read.TryGet(a, LatestKey(owner), out var spanLatest)) latest = BinaryPrimitives.ReadInt64LittleEndian(spanLatest);
                        }
                        var high = Volatile.Read(ref started[owner]);
                        if (inA != inB || valueA != valueB) Fail($"slot {slot}: tree a has {(inA ? valueA : "nothing")}, tree b {(inB ? valueB : "nothing")} in one read scope");
                        if (latest < low || latest > high) Fail($"latest commit read {latest}, outside [{low}, {high}]");
                        if (inA && (valueA > high || (slotLow > 0 && valueA < slotLow))) Fail($"slot {slot}: value of commit {valueA}, last committed put {slotLow}, started {high}");
                        break;
                    }
                    case 1:
                    {
                        var value = a.Get(Key(slot));
                        var high = Volatile.Read(ref started[owner]);
                        if (value is not null && BinaryPrimitives.ReadInt64LittleEndian(value) is var v && (v > high || (slotLow > 0 && v < slotLow)))
                            Fail($"slot {slot}: Get read commit {v}, last committed put {slotLow}, started {high}");
                        if (value is null && slotLow > 0 && high == low) // no commit ran meanwhile: the committed put must be there
                            Fail($"slot {slot}: Get found nothing though commit {slotLow} put it and nothing ran since");
                        break;
                    }
                    default:
                    {
                        var previous = -1L;
                        var steps = 0;
                        for (var ok = random.Next(2) == 0 ? cursor.Seek(Key(slot)) : cursor.SeekForPrev(Key(slot)); ok && steps < 300; ok = cursor.Next(), steps++)
                        {
                            var key = cursor.Key;
                            if (key.Inode == ulong.MaxValue) break; // the writers' latest commits, after every slot
                            if ((long)key.Offset <= previous) Fail($"scan went from offset {previous} to {key}");
                            previous = (long)key.Offset;
                            var v = BinaryPrimitives.ReadInt64LittleEndian(cursor.Value);
                            if (v > Volatile.Read(ref started[(int)(key.Offset / 4096) % writers])) Fail($"scan read commit {v} of {key} before it started");
                        }
                        break;
                    }
                }
                reads[index]++;
            }
        }

        void Fail(string what)
        {
            lock (failures) failures.Add(what);
        }

        var readers = Enumerable.Range(0, 3).Select(i => new Thread(() => Reader(i))).ToList();
        var writerThreads = Enumerable.Range(0, writers).Select(i => new Thread(() => Writer(i))).ToList();
        writerThreads.ForEach(w => w.Start());
        readers.ForEach(r => r.Start());
        // Bounded by work, not time: the writers make their commits; readers go on until they are done and each has checked enough.
        writerThreads.ForEach(w => w.Join());
        SpinWait.SpinUntil(() => Enumerable.Range(0, 3).All(i => Volatile.Read(ref reads[i]) > 200) || failures.Count > 0, TimeSpan.FromMinutes(2));
        stop.Cancel();
        readers.ForEach(r => r.Join());

        Assert.Empty(failures.Take(10));
        Assert.All(reads.Take(3), r => Assert.True(r > 100, $"a reader made only {r} checks"));
        Assert.All(committed, c => Assert.Equal(Commits / writers, c));
        if (onDisk) Assert.True(store.Statistics.NodesEvicted > 0 && store.Statistics.NodesRead > 0, $"{store.Statistics}");
        a.Verify();
        b.Verify();
        for (var slot = 0; slot < Slots; slot++)
        {
            var value = a.Get(Key(slot));
            Assert.Equal(lastWrite[slot] > 0, value is not null);
            if (value is not null) Assert.Equal(lastWrite[slot], BinaryPrimitives.ReadInt64LittleEndian(value));
            Assert.Equal(value, b.Get(Key(slot)));
        }
    }

    private static Bpos LatestKey(int writer) => new(ulong.MaxValue, (ulong)writer, 0);

    private static Bpos Key(int slot) => new(7, (ulong)slot * 4096, uint.MaxValue);

    private static byte[] Value(long commit, int padding)
    {
        var value = new byte[8 + padding];
        BinaryPrimitives.WriteInt64LittleEndian(value, commit);
        return value;
    }
}
