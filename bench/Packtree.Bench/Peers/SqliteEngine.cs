using Microsoft.Data.Sqlite;

namespace Packtree.Bench.Peers;

/// <summary>
/// SQLite through Microsoft.Data.Sqlite: a WITHOUT ROWID table keyed on the 20-byte big-endian key, WAL
/// mode, each put its own (autocommit) transaction; prepared statements; a connection per thread.
/// </summary>
public sealed class SqliteEngine : IPeerEngine
{
    private readonly SqliteConnection _connection;
    private readonly SqliteCommand _put;
    private readonly SqliteCommand _get;
    private readonly SqliteCommand _scan;
    private readonly string _connectionString;

    /// <summary>
    /// Opens the store in <paramref name="folder"/>: the key as the primary key of a WITHOUT ROWID table, or with
    /// <paramref name="rowidTable"/> a rowid table with a unique index on the key, as SQLite advises for rows
    /// larger than a small fraction of a page (blobs) and as its incremental blob I/O needs.
    /// </summary>
    public SqliteEngine(string folder, bool sync, bool rowidTable = false) : this($"Data Source={Path.Combine(folder, "kv.sqlite")};Pooling=False", sync, create: true, rowidTable)
    {
    }

    private SqliteEngine(string connectionString, bool sync, bool create, bool rowidTable = false)
    {
        _connectionString = connectionString;
        _connection = new SqliteConnection(connectionString);
        _connection.Open();
        Execute("PRAGMA journal_mode=WAL;");
        Execute(sync ? "PRAGMA synchronous=FULL;" : "PRAGMA synchronous=NORMAL;");
        if (create) Execute(rowidTable ? "CREATE TABLE IF NOT EXISTS kv (k BLOB PRIMARY KEY, v BLOB NOT NULL);" : "CREATE TABLE IF NOT EXISTS kv (k BLOB PRIMARY KEY, v BLOB NOT NULL) WITHOUT ROWID;");
        _put = Prepare("INSERT OR REPLACE INTO kv (k, v) VALUES ($k, $v);", "$k", "$v");
        _get = Prepare("SELECT v FROM kv WHERE k = $k;", "$k");
        _scan = Prepare("SELECT v FROM kv WHERE k >= $k ORDER BY k LIMIT $n;", "$k", "$n");
        Sync = sync;
        Durability = sync ? "WAL, synchronous=FULL: fsync per commit" : "WAL, synchronous=NORMAL: fsync at WAL checkpoints only";
    }

    private bool Sync { get; }

    /// <summary>The connection, for what the statements here do not cover (incremental blob I/O).</summary>
    public SqliteConnection Connection => _connection;

    public bool SupportsScans => true;

    public bool SupportsSyncCommits => true;

    public string Durability { get; }

    public long Checksum { get; private set; }

    public void Put(in BenchKey key, ReadOnlySpan<byte> value)
    {
        _put.Parameters[0].Value = key.Bytes;
        _put.Parameters[1].Value = value.ToArray();
        _put.ExecuteNonQuery();
    }

    public bool Get(in BenchKey key, Span<byte> value)
    {
        _get.Parameters[0].Value = key.Bytes;
        using var reader = _get.ExecuteReader();
        if (!reader.Read()) return false;
        var length = reader.GetBytes(0, 0, null, 0, 0);
        var bytes = (byte[])reader.GetValue(0);
        bytes.CopyTo(value);
        return length >= 0;
    }

    public int Scan(in BenchKey from, int count)
    {
        _scan.Parameters[0].Value = from.Bytes;
        _scan.Parameters[1].Value = count;
        using var reader = _scan.ExecuteReader();
        var n = 0;
        while (reader.Read())
        {
            Checksum += ((byte[])reader.GetValue(0))[0];
            n++;
        }
        return n;
    }

    public long ScanAll(bool reverse)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = reverse ? "SELECT v FROM kv ORDER BY k DESC;" : "SELECT v FROM kv ORDER BY k;";
        using var reader = command.ExecuteReader();
        long n = 0;
        while (reader.Read())
        {
            Checksum += ((byte[])reader.GetValue(0))[0];
            n++;
        }
        return n;
    }

    public IPeerEngine ForThread() => new SqliteEngine(_connectionString, Sync, create: false);

    public void Flush() => Execute("PRAGMA wal_checkpoint(TRUNCATE);");

    public void Dispose()
    {
        _put.Dispose();
        _get.Dispose();
        _scan.Dispose();
        _connection.Dispose();
    }

    private void Execute(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private SqliteCommand Prepare(string sql, params string[] parameters)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        foreach (var name in parameters) command.Parameters.Add(new SqliteParameter { ParameterName = name });
        command.Prepare();
        return command;
    }
}
