namespace Packtree.Bench;

/// <summary>The suites, by the name that runs each, in the order <c>all</c> runs them.</summary>
public static class Suites
{
    public static IReadOnlyList<(string Name, string Description, Func<BenchSettings, BenchDocument> Run)> All { get; } =
    [
        ("keys", "The key layer on its own: pack, unpack and packed compare, ns per key.", s => KeysSuite.Run(s.Quick)),
        ("unpack", "What per-node code generation buys: every unpack strategy side by side, compile cost and break-even.", s => UnpackSuite.Run(s.Quick)),
        ("node", "A full 256 KiB btree node: lookups, iteration per strategy, memory per key, rewrite and split.", s => NodeSuite.Run(s.Quick)),
        ("tree", "A whole store (in memory and on a file) against SortedDictionary: bcachefs's btree perf tests (--keys N).", TreeSuite.Run),
        ("codegen", "Key code end to end: the tree suite's keys in a tree per strategy (portable, compiled, Auto), in memory and on a file, lookups and scans in rotating rounds (--keys N, --rounds).", StrategyRounds.Run),
        ("commits", "Durable commits by 1, 2, 4 and 8 threads on a store file: what group commit buys.", CommitsSuite.Run),
        ("bcachefs", "A real bcachefs image: keys listed per second, MB/s extracted, and the unpack strategies side by side on its own nodes (--image).", BcachefsSuite.Run),
        ("peers", "Packtree against LMDB, RocksDB, SQLite, ZoneTree and FASTER, interleaved in rounds (--keys, --threads, --rounds).", PeersSuite.Run),
        ("values", "Values of 4 KiB to 1 MiB and a streamed 1 GiB value: Packtree against LMDB, RocksDB and SQLite, interleaved in rounds (--sizes, --value-mib, --stream-mib, --rounds).", ValuesSuite.Run),
    ];

    public static string Names => string.Join(", ", All.Select(s => s.Name));
}
