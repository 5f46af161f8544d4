using Microsoft.Data.Sqlite;

namespace Packtree.Bench.Values;

/// <summary>
/// SQLite's incremental blob I/O on the rowid table of <see cref="Peers.SqliteEngine"/>: a value put as a
/// zero-filled blob of its length and then written through a blob handle in one transaction, and read
/// through a read-only blob handle. SQLite's values stop at its length limit (1,000,000,000 bytes by default).
/// </summary>
public sealed class SqliteBlobStreams(SqliteConnection connection) : IValueStreams
{
    private const int Chunk = 1 << 20;

    public void Put(byte[] key, Stream value)
    {
        var length = value.Length;
        var limit = SQLitePCL.raw.sqlite3_limit(connection.Handle, SQLitePCL.raw.SQLITE_LIMIT_LENGTH, -1);
        if (length > limit) throw new NotSupportedException($"SQLite's values stop at its length limit ({limit:N0} bytes); this one has {length:N0}");
        using var transaction = connection.BeginTransaction();
        using (var insert = connection.CreateCommand())
        {
            insert.Transaction = transaction;
            insert.CommandText = "INSERT OR REPLACE INTO kv (k, v) VALUES ($k, zeroblob($n)) RETURNING rowid;";
            insert.Parameters.AddWithValue("$k", key);
            insert.Parameters.AddWithValue("$n", length);
            var rowid = (long)insert.ExecuteScalar()!;
            using var blob = new SqliteBlob(connection, "kv", "v", rowid);
            value.CopyTo(blob, Chunk);
        }
        transaction.Commit();
    }

    public Stream OpenRead(byte[] key)
    {
        using var select = connection.CreateCommand();
        select.CommandText = "SELECT rowid FROM kv WHERE k = $k;";
        select.Parameters.AddWithValue("$k", key);
        var rowid = select.ExecuteScalar() as long? ?? throw new KeyNotFoundException("No such key.");
        return new SqliteBlob(connection, "kv", "v", rowid, readOnly: true);
    }
}
