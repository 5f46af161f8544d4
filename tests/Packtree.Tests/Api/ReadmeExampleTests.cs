using Packtree.Keys;

namespace Packtree.Tests.Api;

/// <summary>The README's example, as written there, does what it says.</summary>
public sealed class ReadmeExampleTests
{
    [Fact]
    public void TheReadmeExampleRuns()
    {
        var printed = new List<string>();
        var walked = 0;

        using var store = Store.CreateInMemory();                 // options: node size, unpack strategy, ...
        var events = store.GetOrCreateTree("events");             // named trees, each its own btree

        events.Put(new Bpos(inode: 42, offset: 4096, snapshot: 0), "hello"u8);
        Span<byte> buffer = stackalloc byte[events.MaxInlineValueBytes];
        Assert.True(events.TryGet(new Bpos(42, 4096, 0), buffer, out var length));
        Assert.Equal("hello"u8.ToArray(), buffer[..length].ToArray());

        using (var read = store.BeginRead())                      // values in place, no copy, while the scope lasts
        {
            Assert.True(read.TryGet(events, new Bpos(42, 4096, 0), out var value) && value.SequenceEqual("hello"u8));
            foreach (var (position, bytes) in read.Scan(events, KeyRange.Closed(new Bpos(42, 0, 0), new Bpos(42, 9999, 0)))) walked += bytes.Length;
        }
        Assert.Equal(5, walked);
        walked = 0;

        store.Write(new WriteBatch()                              // atomic across trees
            .Put(events, new Bpos(42, 8192, 0), "world"u8)
            .Delete(events, new Bpos(42, 4096, 0)));

        foreach (var (key, value) in events.Scan(KeyRange.HalfOpen(new Bpos(42, 0, 0), new Bpos(43, 0, 0)), reverse: true))
            printed.Add($"{key}: {value.Length} bytes");

        var cursor = events.CreateCursor();                       // Seek, SeekForPrev, Next, Prev; reusable
        for (var ok = cursor.Seek(new Bpos(42, 0, 0)); ok && cursor.Key.Inode == 42; ok = cursor.Next()) walked++;

        var users = store.GetOrCreateTree("users", KeyKind.Bytes(maxLength: 64));   // byte-string keys, ordered as unsigned bytes
        users.Put("tenant/7/alice"u8, "{...}"u8);
        users.Put("tenant/7/bob"u8, "{...}"u8);
        users.Put("tenant/70/carol"u8, "{...}"u8);
        var prefixed = new List<string>();
        foreach (var entry in users.ScanPrefix("tenant/7/"u8)) prefixed.Add(System.Text.Encoding.UTF8.GetString(entry.KeyBytes));
        Assert.Equal(["tenant/7/alice", "tenant/7/bob"], prefixed);

        var log = store.GetOrCreateTree("log", KeyShape.Of(KeyParts.Int64, KeyParts.DateTime, KeyParts.Int32));  // typed keys
        log.Put((7L, DateTime.UtcNow, 1), "started"u8);
        log.Put((8L, DateTime.UtcNow, 1), "other"u8);
        var tenants = new List<long>();
        foreach (var ((tenant, at, seq), value) in log.ScanPrefix((7L, default, 0), components: 1)) tenants.Add(tenant);
        Assert.Equal([7L], tenants);

        var kind = KeyKind.Parse("int64,datetime,string:32");     // a kind known only at run time: as check prints it, as --keys takes it
        var audit = store.GetOrCreateTree("audit", KeyShape.Of(kind));                                            // keys as object[]
        audit.Put([7L, DateTime.UtcNow, "login"], "{...}"u8);     // one value per kind.Parts entry, of its ValueType
        var logins = new List<string>();
        foreach (var (key, _) in audit.ScanPrefix([7L, default(DateTime), ""], components: 1)) logins.Add((string)key[2]);
        Assert.Equal(["login"], logins);

        var document = new byte[3_000_000];
        new Random(1).NextBytes(document);
        var docs = store.GetOrCreateTree("docs", KeyKind.Bytes(64), new TreeOptions { Compression = ValueCompression.Zstd });
        docs.Put("report.pdf"u8, new MemoryStream(document));    // values up to 1 GiB: past what a leaf keeps, out of line
        using (var stream = docs.OpenRead("report.pdf"u8))      // read-only, seekable, a piece at a time
        {
            stream.Position = 2_000_000;
            var tail = new byte[1_000_000];
            stream.ReadExactly(tail);
            Assert.Equal(document[2_000_000..], tail);
        }
        Assert.Equal(document, docs.Get("report.pdf"u8));

        Assert.Equal(["42:8192:0: 5 bytes"], printed);
        Assert.Equal(1, walked);
    }
}
