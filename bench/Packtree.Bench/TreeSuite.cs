using System.Diagnostics;
using Packtree.Keys;
using Spectre.Console;

namespace Packtree.Bench;

/// <summary>
/// bcachefs's btree perf tests as workloads — rand_insert, seq_insert, rand_lookup, seq_lookup (a full
/// scan), rand_mixed (¾ lookups, ¼ updates), rand_delete, seq_delete — on keys like its tests (random
/// u64 offsets in one inode, snapshot U32_MAX) with 8-byte values, each update its own commit, one
/// thread; the same workloads on a store file (buffered commits: journaled, flushed every 100 ms) and on
/// <see cref="SortedDictionary{TKey, TValue}"/> in the same run.
/// </summary>
public static class TreeSuite
{
    private static readonly string[] Workloads = ["rand_insert", "seq_insert", "rand_lookup", "seq_lookup", "rand_mixed", "rand_delete", "seq_delete"];

    public static BenchDocument Run(BenchSettings settings)
    {
        var count = settings.Keys ?? (settings.Quick ? 100_000 : 1_000_000);
        var document = new BenchDocument("tree");
        var random = new Random(42);
        var randomKeys = new Bpos[count];
        var seen = new HashSet<ulong>();
        for (var i = 0; i < count; i++)
        {
            ulong offset;
            do offset = (ulong)random.NextInt64(long.MinValue, long.MaxValue); while (!seen.Add(offset));
            randomKeys[i] = new Bpos(0, offset, uint.MaxValue);
        }
        var lookupOrder = randomKeys.OrderBy(_ => random.Next()).ToArray();
        var sequentialKeys = Enumerable.Range(0, count).Select(i => new Bpos(0, (ulong)i, uint.MaxValue)).ToArray();
        var mixed = Enumerable.Range(0, count).Select(_ => (Key: randomKeys[random.Next(count)], Update: random.Next(4) == 0)).ToArray();
        document.Add("all", "workload", "keys", count, "keys");

        var folder = Path.Combine(Path.GetTempPath(), $"packtree-bench-tree-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        var files = new List<Store>();
        Tree FileTree()
        {
            var store = Store.Open(Path.Combine(folder, $"{files.Count}.packtree"), new StoreOptions { Durability = Durability.Buffered });
            files.Add(store);
            return store.GetOrCreateTree("bench");
        }
        var targets = new (string Name, Func<IOrderedTarget> Create)[]
        {
            ("packtree", () => new PacktreeTarget(Store.CreateInMemory().GetOrCreateTree("bench"))),
            ("packtree_file", () => new PacktreeTarget(FileTree())),
            ("sorted_dictionary", () => new SortedDictionaryTarget()),
        };
        AnsiConsole.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new ElapsedTimeColumn()).Start(progress =>
        {
            foreach (var (name, create) in targets)
            {
                var task = progress.AddTask(name, maxValue: Workloads.Length);
                RunTarget(document, name, create, randomKeys, lookupOrder, sequentialKeys, mixed, () => task.Increment(1));
            }
        });
        foreach (var store in files) store.Dispose();
        Directory.Delete(folder, recursive: true);
        Print(document, count);
        return document;
    }

    private static void RunTarget(BenchDocument document, string name, Func<IOrderedTarget> create, Bpos[] randomKeys, Bpos[] lookupOrder, Bpos[] sequentialKeys, (Bpos Key, bool Update)[] mixed, Action step)
    {
        var value = new byte[8];
        var buffer = new byte[2048];
        ulong sink = 0;

        void Timed(string workload, int operations, Action body)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            var start = Stopwatch.GetTimestamp();
            body();
            var seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
            document.Add(workload, name, "ops_per_second", operations / seconds, "ops/s");
            step();
        }

        var before = GC.GetTotalMemory(forceFullCollection: true);
        var target = create();
        Timed("rand_insert", randomKeys.Length, () =>
        {
            for (var i = 0; i < randomKeys.Length; i++)
            {
                value[0] = (byte)i;
                target.Put(randomKeys[i], value);
            }
        });
        var after = GC.GetTotalMemory(forceFullCollection: true);
        document.Add("rand_insert", name, "bytes_per_key", (double)(after - before) / randomKeys.Length, "bytes");

        Timed("rand_lookup", lookupOrder.Length, () =>
        {
            foreach (var key in lookupOrder) sink += (ulong)target.Get(key, buffer);
        });
        Timed("seq_lookup", randomKeys.Length, () => sink += target.ScanAll());
        Timed("rand_mixed", mixed.Length, () =>
        {
            foreach (var (key, update) in mixed)
            {
                if (update) target.Put(key, value);
                else sink += (ulong)target.Get(key, buffer);
            }
        });
        Timed("rand_delete", lookupOrder.Length, () =>
        {
            foreach (var key in lookupOrder) sink += target.Delete(key) ? 1UL : 0;
        });

        target = create();
        Timed("seq_insert", sequentialKeys.Length, () =>
        {
            foreach (var key in sequentialKeys) target.Put(key, value);
        });
        Timed("seq_delete", sequentialKeys.Length, () =>
        {
            foreach (var key in sequentialKeys) sink += target.Delete(key) ? 1UL : 0;
        });
        document.Add("all", name, "checksum", sink, "");
    }

    private static void Print(BenchDocument document, int count)
    {
        var table = new Table().Title($"Packtree.Bench tree — {count:N0} keys (random u64 offsets, inode 0, snapshot U32_MAX), 8-byte values, one commit per update, 1 thread");
        table.AddColumns("workload", "packtree, ops/s", "packtree file, ops/s", "SortedDictionary, ops/s", "packtree / SortedDictionary", "file / memory");
        foreach (var workload in Workloads)
        {
            var ours = document.Find(workload, "packtree", "ops_per_second")!.Value;
            var file = document.Find(workload, "packtree_file", "ops_per_second")!.Value;
            var theirs = document.Find(workload, "sorted_dictionary", "ops_per_second")!.Value;
            table.AddRow(workload, $"{ours:N0}", $"{file:N0}", $"{theirs:N0}", $"{ours / theirs:F2}×", $"{file / ours:F2}×");
        }
        var ourBytes = document.Find("rand_insert", "packtree", "bytes_per_key")!.Value;
        var theirBytes = document.Find("rand_insert", "sorted_dictionary", "bytes_per_key")!.Value;
        var fileBytes = document.Find("rand_insert", "packtree_file", "bytes_per_key")!.Value;
        table.AddRow("memory per key after rand_insert", $"{ourBytes:F1} B", $"{fileBytes:F1} B", $"{theirBytes:F1} B", $"{ourBytes / theirBytes:F2}×", "");
        AnsiConsole.Write(table);
    }
}
