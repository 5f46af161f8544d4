using System.Reflection;
using System.Runtime.InteropServices;
using LightningDB;

namespace Packtree.Bench.Peers;

/// <summary>
/// LMDB through LightningDB: a write transaction per put, a read-only transaction per read. The
/// package's bundled native library needs a newer glibc than Debian 12 has, so its "lmdb" import is
/// mapped to the system's liblmdb.so.0 (Debian package liblmdb0) when that exists.
/// </summary>
public sealed class LmdbEngine : IPeerEngine
{
    private static int _resolverSet;
    private readonly LightningEnvironment _environment;
    private readonly LightningDatabase _database;
    private readonly bool _owner;
    private byte[] _copy = [];

    /// <summary>Opens the store in <paramref name="folder"/>; its map (address space, sparse on disk) is <paramref name="mapBytes"/>, 16 GiB by default.</summary>
    public LmdbEngine(string folder, bool sync, long mapBytes = 16L << 30)
    {
        UseSystemLibrary();
        _environment = new LightningEnvironment(folder, new EnvironmentConfiguration { MapSize = mapBytes, MaxDatabases = 1 });
        _environment.Open(sync ? EnvironmentOpenFlags.None : EnvironmentOpenFlags.NoSync);
        using (var tx = _environment.BeginTransaction())
        {
            _database = tx.OpenDatabase(configuration: new DatabaseConfiguration { Flags = DatabaseOpenFlags.Create });
            tx.Commit().ThrowOnError();
        }
        _owner = true;
        Durability = sync ? "fsync per commit" : "MDB_NOSYNC: no fsync (the OS writes the map back)";
    }

    private LmdbEngine(LmdbEngine shared)
    {
        _environment = shared._environment;
        _database = shared._database;
        Durability = shared.Durability;
    }

    public bool SupportsScans => true;

    public bool SupportsSyncCommits => true;

    public string Durability { get; }

    public long Checksum { get; private set; }

    /// <summary>Maps LightningDB's "lmdb" import to the system library when the bundled one cannot load.</summary>
    public static void UseSystemLibrary()
    {
        if (Interlocked.Exchange(ref _resolverSet, 1) == 1) return;
        NativeLibrary.SetDllImportResolver(typeof(LightningEnvironment).Assembly, (name, assembly, path) =>
        {
            if (name != "lmdb") return IntPtr.Zero;
            foreach (var candidate in new[] { "liblmdb.so.0", "liblmdb.so" })
            {
                if (NativeLibrary.TryLoad(candidate, out var handle)) return handle;
            }
            return IntPtr.Zero;
        });
    }

    public void Put(in BenchKey key, ReadOnlySpan<byte> value)
    {
        using var tx = _environment.BeginTransaction();
        tx.Put(_database, key.Bytes, value).ThrowOnError();
        tx.Commit().ThrowOnError();
    }

    public bool Get(in BenchKey key, Span<byte> value)
    {
        using var tx = _environment.BeginTransaction(TransactionBeginFlags.ReadOnly);
        var (code, _, found) = tx.Get(_database, key.Bytes);
        if (code != MDBResultCode.Success) return false;
        found.AsSpan().CopyTo(value);
        return true;
    }

    public int Scan(in BenchKey from, int count)
    {
        using var tx = _environment.BeginTransaction(TransactionBeginFlags.ReadOnly);
        using var cursor = tx.CreateCursor(_database);
        if (cursor.SetRange(key: from.Bytes) != MDBResultCode.Success) return 0;
        var n = 0;
        var (code, _, value) = cursor.GetCurrent();
        while (code == MDBResultCode.Success && n < count)
        {
            Checksum += value.AsSpan()[0];
            n++;
            (code, _, value) = cursor.Next();
        }
        return n;
    }

    public long ScanAll(bool reverse)
    {
        using var tx = _environment.BeginTransaction(TransactionBeginFlags.ReadOnly);
        using var cursor = tx.CreateCursor(_database);
        long n = 0;
        for (var (code, _, value) = reverse ? cursor.Last() : cursor.First(); code == MDBResultCode.Success; (code, _, value) = reverse ? cursor.Previous() : cursor.Next())
        {
            Checksum += value.AsSpan()[0];
            n++;
        }
        return n;
    }

    /// <summary>
    /// Reads every key in order, each value copied out of the map as <see cref="Get"/> copies it (LMDB hands values
    /// out in place, where one byte summed would read one page of a value while other engines copy it whole).
    /// </summary>
    public long ScanAllCopying()
    {
        using var tx = _environment.BeginTransaction(TransactionBeginFlags.ReadOnly);
        using var cursor = tx.CreateCursor(_database);
        long n = 0;
        for (var (code, _, value) = cursor.First(); code == MDBResultCode.Success; (code, _, value) = cursor.Next())
        {
            var bytes = value.AsSpan();
            if (_copy.Length < bytes.Length) _copy = new byte[bytes.Length];
            bytes.CopyTo(_copy);
            Checksum += _copy[0];
            n++;
        }
        return n;
    }

    public IPeerEngine ForThread() => new LmdbEngine(this);

    public void Flush() => _environment.Flush(force: true);

    public void Dispose()
    {
        if (!_owner) return;
        _database.Dispose();
        _environment.Dispose();
    }
}
