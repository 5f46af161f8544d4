namespace Packtree.Bench.Peers;

/// <summary>The engines of the peer benchmark, and how each is set up.</summary>
public static class PeerCatalog
{
    /// <summary>
    /// Name, what to install when its native library is missing, and how to open it in a folder. Only Packtree
    /// and FASTER key differently on byte keys; the others take every key as its bytes.
    /// </summary>
    public static IReadOnlyList<(string Name, string Needs, PeerOpen Open)> Engines { get; } =
    [
        ("packtree", "nothing", (folder, sync, byteKeys) => new PacktreeEngine(folder, sync, byteKeys)),
        // Packtree held to its portable key code, for the ratio of what compiled code buys end to end (Auto ÷ portable).
        ("packtree_portable", "nothing", (folder, sync, byteKeys) => new PacktreeEngine(folder, sync, byteKeys, Codegen.UnpackStrategy.ByteAligned)),
        // Packtree with commits acknowledged from memory and journaled in the background, as ZoneTree's and FASTER's are.
        ("packtree_background", "nothing", (folder, sync, byteKeys) => new PacktreeEngine(folder, sync, byteKeys, background: true)),
        // Packtree without write buffers (StoreOptions.WriteBufferBytes = 0), for the ratio of what they buy end to end.
        ("packtree_nobuffer", "nothing", (folder, sync, byteKeys) => new PacktreeEngine(folder, sync, byteKeys, writeBufferBytes: 0)),
        ("lmdb", "the system LMDB library: apt-get install liblmdb0 (Debian)", (folder, sync, _) => new LmdbEngine(folder, sync)),
        ("rocksdb", "the native librocksdb bundled with the RocksDB package (glibc 2.31 or later)", (folder, sync, _) => new RocksDbEngine(folder, sync)),
        ("sqlite", "nothing (bundled e_sqlite3)", (folder, sync, _) => new SqliteEngine(folder, sync)),
        ("zonetree", "nothing", (folder, sync, _) => new ZoneTreeEngine(folder, sync)),
        ("faster", "nothing", (folder, _, byteKeys) => byteKeys ? new FasterEngine<FasterBytesKey>(folder) : new FasterEngine<FasterPositionKey>(folder)),
    ];

    /// <summary>Whether an exception means the engine's native library could not be loaded (the engine is then skipped, not failed).</summary>
    public static bool IsMissingNativeLibrary(Exception e) =>
        e is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException ||
        (e is TypeInitializationException { InnerException: { } inner } && IsMissingNativeLibrary(inner)) ||
        (e.InnerException is { } cause && IsMissingNativeLibrary(cause));
}
