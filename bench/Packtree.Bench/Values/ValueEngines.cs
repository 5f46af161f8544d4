using Packtree.Bench.Peers;
using RocksDbSharp;

namespace Packtree.Bench.Values;

/// <summary>
/// The engines of the values suite and how each is opened. None syncs per put (as in the peers suite's fills).
/// LMDB's map is made large enough for the case (a sparse file), and its scan copies each value out as its get does
/// (it hands values out in place, where one byte summed would read one page of a value); RocksDB keeps values in blob files (its
/// integrated BlobDB, with blob garbage collection), as it advises for large values; SQLite keeps them in a
/// rowid table with a unique index on the key, as it advises for rows larger than a small part of a page.
/// </summary>
public static class ValueEngines
{
    /// <summary>Name, what to install when its native library is missing, whether it streams values, and how to open it in a folder for a case of so many bytes.</summary>
    public static IReadOnlyList<(string Name, string Needs, bool Streams, Func<string, long, IValueEngine> Open)> All { get; } =
    [
        ("packtree", "nothing", true, (folder, _) => new PacktreeValueEngine(folder, compress: false)),
        ("packtree_zstd", "nothing", true, (folder, _) => new PacktreeValueEngine(folder, compress: true)),
        (OutOfLine, "nothing", false, (folder, _) => new PacktreeValueEngine(folder, compress: false, maxInlineValueBytes: 0)),
        ("lmdb", "the system LMDB library: apt-get install liblmdb0 (Debian)", false, (folder, bytes) =>
        {
            var lmdb = new LmdbEngine(folder, sync: false, MapBytes(bytes));
            return new PeerValueEngine(lmdb, $"map of {MapBytes(bytes) >> 30} GiB; values over half a page on overflow pages; scan copies each value out of the map",
                scan: lmdb.ScanAllCopying);
        }),
        ("rocksdb", "the native librocksdb bundled with the RocksDB package (glibc 2.31 or later)", false, (folder, _) =>
            new PeerValueEngine(new RocksDbEngine(folder, sync: false, BlobFiles), $"values of {MinBlobBytes:N0} bytes or more in blob files (blob GC on), SST blocks compressed as by default")),
        ("sqlite", "nothing (bundled e_sqlite3)", true, (folder, _) =>
        {
            var sqlite = new SqliteEngine(folder, sync: false, rowidTable: true);
            return new PeerValueEngine(sqlite, "rowid table, unique index on the key, 4 KiB pages", new SqliteBlobStreams(sqlite.Connection));
        }),
    ];

    /// <summary>Packtree with every value out of line: beside packtree on values its leaves could keep, it measures the leaf limit's default.</summary>
    public const string OutOfLine = "packtree_outofline";

    /// <summary>Whether <paramref name="engine"/> runs on values of <paramref name="valueBytes"/>: packtree_outofline only where packtree keeps them in leaves.</summary>
    public static bool RunsOn(string engine, int valueBytes) => engine != OutOfLine || valueBytes <= 2000;

    /// <summary>The smallest value RocksDB puts in a blob file: values this large are what blob files are for.</summary>
    public const int MinBlobBytes = 4096;

    /// <summary>
    /// LMDB's map for a case of <paramref name="bytes"/> value bytes: room for the data several times over
    /// (copy-on-write pages, the free list, overflow pages rounding values up), at least 16 GiB.
    /// </summary>
    public static long MapBytes(long bytes) => Math.Max(16L << 30, (bytes * 4 + (1L << 30)) >> 30 << 30);

    private static DbOptions BlobFiles(DbOptions options)
    {
        Native.Instance.rocksdb_options_set_enable_blob_files(options.Handle, 1);
        Native.Instance.rocksdb_options_set_min_blob_size(options.Handle, MinBlobBytes);
        Native.Instance.rocksdb_options_set_enable_blob_gc(options.Handle, 1);
        return options;
    }
}
