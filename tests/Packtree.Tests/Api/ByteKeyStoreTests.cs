using Packtree.Codegen;
using Packtree.Keys;
using Packtree.Tests.Keys;
using Packtree.Tests.Storage;

namespace Packtree.Tests.Api;

/// <summary>
/// Trees of byte keys through the public API against a <see cref="SortedDictionary{TKey, TValue}"/> with an ordinal byte
/// comparer: puts, deletes, lookups, batches, cursors both ways, ranges, prefix scans and read scopes, in memory and on a
/// store file reopened along the way (small cache and journal, so nodes are evicted and checkpoints come often), under
/// each unpack strategy. Keys stress the packing: shared prefixes, prefixes of each other, empty, longest, all 0x00 and 0xFF.
/// </summary>
public sealed class ByteKeyStoreTests
{
    private static readonly IComparer<byte[]> Ordinal = ByteArrays.Order;

    public static TheoryData<UnpackStrategy, bool> Cases => new()
    {
        { UnpackStrategy.Auto, false },
        { UnpackStrategy.Generic, false },
        { UnpackStrategy.ByteAligned, false },
        { UnpackStrategy.Compiled, false },
        { UnpackStrategy.Auto, true },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void AByteKeyTreeBehavesLikeASortedDictionary(UnpackStrategy strategy, bool onDisk)
    {
        using var folder = new TempFolder();
        var path = folder.File("bytes.packtree");
        var options = new StoreOptions { NodeBytes = 4096, BlockBytes = 512, UnpackStrategy = strategy, CompileThreshold = 64, CacheBytes = 32 * 4096, JournalBytes = 1024 * 1024, Durability = Durability.Buffered };
        var kind = KeyKind.Bytes(48);
        var store = onDisk ? Store.Open(path, options) : Store.CreateInMemory(options);
        try
        {
            var tree = store.GetOrCreateTree("bytes", kind);
            var model = new SortedDictionary<byte[], byte[]>(Ordinal);
            var random = new Random(onDisk ? 11 : 7 + (int)strategy);
            var keys = new StressByteKeys(random, kind.MaxBytes);
            for (var op = 0; op < 3000; op++)
            {
                var where = $"operation {op} ({strategy}, {(onDisk ? "file" : "memory")})";
                switch (random.Next(24))
                {
                    case < 8:
                    {
                        var key = keys.Next();
                        var value = new byte[random.Next(0, 40)];
                        random.NextBytes(value);
                        tree.Put(key, value);
                        model[key] = value;
                        break;
                    }
                    case < 11:
                    {
                        var key = Existing(model, random) ?? keys.Next();
                        Assert.True(model.Remove(key) == tree.Delete(key), where);
                        break;
                    }
                    case < 14:
                    {
                        var key = Existing(model, random) ?? keys.Next();
                        var expected = model.GetValueOrDefault(key);
                        Assert.Equal(expected, tree.Get(key));
                        Assert.Equal(expected is not null, tree.Contains(key));
                        var buffer = new byte[tree.MaxInlineValueBytes];
                        Assert.Equal(expected is not null, tree.TryGet(key, buffer, out var length));
                        if (expected is not null) Assert.Equal(expected, buffer[..length]);
                        using var read = store.BeginRead();
                        Assert.Equal(expected is not null, read.TryGet(tree, key, out var inPlace));
                        if (expected is not null) Assert.Equal(expected, inPlace.ToArray());
                        break;
                    }
                    case < 16:
                    {
                        var batch = new WriteBatch();
                        for (var i = random.Next(1, 30); i > 0; i--)
                        {
                            var key = random.Next(3) == 0 ? Existing(model, random) ?? keys.Next() : keys.Next();
                            if (random.Next(4) == 0)
                            {
                                batch.Delete(tree, key);
                                model.Remove(key);
                            }
                            else
                            {
                                var value = BitConverter.GetBytes(op * 100 + i);
                                batch.Put(tree, key, value);
                                model[key] = value;
                            }
                        }
                        store.Write(batch);
                        break;
                    }
                    case < 18:
                        CheckCursor(tree, model, keys.Next(), random.Next(2) == 0, where);
                        break;
                    case < 20:
                    {
                        var a = keys.Next();
                        var b = keys.Next();
                        var (from, to) = Ordinal.Compare(a, b) <= 0 ? (a, b) : (b, a);
                        var range = new BytesRange(from, to, FromInclusive: random.Next(2) == 0, ToInclusive: random.Next(2) == 0);
                        var expected = model.Where(p => Ordinal.Compare(p.Key, from) >= (range.FromInclusive ? 0 : 1) && Ordinal.Compare(p.Key, to) <= (range.ToInclusive ? 0 : -1)).ToList();
                        var reverse = random.Next(2) == 0;
                        if (reverse) expected.Reverse();
                        Assert.Equal(expected.Select(p => p.Key), Keys(tree.Scan(range, reverse)));
                        break;
                    }
                    case < 22:
                    {
                        var source = Existing(model, random) ?? keys.Next();
                        var prefix = source[..random.Next(0, source.Length + 1)];
                        var expected = model.Keys.Where(k => k.AsSpan().StartsWith(prefix)).ToList();
                        Assert.Equal(expected, Keys(tree.ScanPrefix(prefix)));
                        using var read = store.BeginRead();
                        var inPlace = new List<byte[]>();
                        foreach (var entry in read.Scan(tree, BytesRange.StartingWith(prefix), reverse: true)) inPlace.Add(entry.KeyBytes.ToArray());
                        expected.Reverse();
                        Assert.Equal(expected, inPlace);
                        break;
                    }
                    case 22 when onDisk:
                        store.Dispose();
                        store = Store.Open(path, options);
                        tree = store.GetOrCreateTree("bytes", kind);
                        Assert.Equal(kind, tree.KeyKind);
                        break;
                    default:
                        Assert.Equal(model.Count, tree.Count);
                        break;
                }
            }
            Assert.Equal(model.Keys, Keys(tree.Scan()));
            Assert.Equal(model.Values, Values(tree.Scan()));
            tree.Verify();
        }
        finally
        {
            store.Dispose();
        }
    }

    [Fact]
    public void KeysOfTheWrongKindOrTooLongAreRefusedNamingTheTreeAndNothingIsWritten()
    {
        using var store = Store.CreateInMemory(new StoreOptions { NodeBytes = 8192, BlockBytes = 512 });
        var bytes = store.GetOrCreateTree("names", KeyKind.Bytes(16));
        var positions = store.GetOrCreateTree("events");
        var tooLong = Assert.Throws<KeyTooLongException>(() => bytes.Put(new byte[17], [1]));
        Assert.Equal(("names", 16, 17), (tooLong.TreeName, tooLong.MaxBytes, tooLong.ActualBytes));
        Assert.Contains("Tree 'names' takes keys of at most 16 bytes; this one has 17", tooLong.Message);
        Assert.Throws<KeyTooLongException>(() => new WriteBatch().Put(bytes, new byte[17], []));
        Assert.Throws<KeyTooLongException>(() => bytes.CreateCursor().Seek(new byte[20]));
        var wrong = Assert.Throws<ArgumentException>(() => bytes.Put(new Bpos(1, 2, 3), [1]));
        Assert.Contains("Tree 'names' holds bytes (at most 16) keys; a position (Bpos) is the wrong kind", wrong.Message);
        wrong = Assert.Throws<ArgumentException>(() => positions.Put("abc"u8, [1]));
        Assert.Contains("Tree 'events' holds positions keys; a byte key is the wrong kind", wrong.Message);
        Assert.Throws<ArgumentException>(() => positions.Scan(BytesRange.All));
        Assert.Throws<ArgumentException>(() => bytes.Scan(KeyRange.All));
        Assert.Throws<InvalidOperationException>(() =>
        {
            var cursor = bytes.CreateCursor();
            bytes.Put("k"u8, [1]);
            cursor.Seek("k"u8);
            return cursor.Key;
        });
        var kind = Assert.Throws<ArgumentException>(() => store.GetOrCreateTree("names", KeyKind.Bytes(32)));
        Assert.Contains("Tree 'names' holds bytes (at most 16) keys, not bytes (at most 32)", kind.Message);
        Assert.Equal(1, bytes.Count);
        Assert.Equal(0, positions.Count);
        var small = Assert.Throws<ArgumentException>(() => Store.CreateInMemory(new StoreOptions { NodeBytes = 4096, BlockBytes = 512 }).GetOrCreateTree("wide", KeyKind.Bytes(1024)));
        Assert.Contains("too small for keys of (Bytes(1024))", small.Message);
    }

    [Fact]
    public void TheEmptyKeyTheLongestKeyAndAllOnesOrderAndRoundTrip()
    {
        using var store = Store.CreateInMemory(new StoreOptions { NodeBytes = 16384, BlockBytes = 512 });
        var tree = store.GetOrCreateTree("edges", KeyKind.Bytes());
        byte[][] keys = [[], [0], [0, 0], [0, 1], [0xFF], [.. Enumerable.Repeat((byte)0xFF, 511)], [.. Enumerable.Repeat((byte)0x00, 511)], [1, 0xFF, 0xFF]];
        foreach (var key in keys) tree.Put(key, key.Length == 0 ? [9] : key[..Math.Min(key.Length, 8)]);
        var expected = keys.OrderBy(k => k, Ordinal).ToList();
        Assert.Equal(expected, Keys(tree.Scan()));
        Assert.Equal(((IEnumerable<byte[]>)expected).Reverse(), Keys(tree.Scan(reverse: true)));
        Assert.Equal([9], tree.Get([]));
        Assert.Equal(Enumerable.Repeat((byte)0xFF, 8), tree.Get(keys[5]));
        Assert.Equal(expected.Where(k => k.Length > 0 && k[0] == 0).ToList(), Keys(tree.ScanPrefix([0])));
        Assert.Equal(expected, Keys(tree.ScanPrefix([])));
    }

    [Fact]
    public void ByteKeyTreesSurviveReopeningFromTheJournalAndFromACheckpoint()
    {
        using var folder = new TempFolder();
        var path = folder.File("reopen.packtree");
        var options = new StoreOptions { NodeBytes = 8192, BlockBytes = 512 };
        var expected = new SortedDictionary<byte[], byte[]>(Ordinal);
        using (var store = Store.Open(path, options))
        {
            var tree = store.GetOrCreateTree("users", KeyKind.Bytes(200));
            for (var i = 0; i < 3000; i++)
            {
                var key = System.Text.Encoding.UTF8.GetBytes($"user/{i * 7919 % 5000:D5}/profile");
                tree.Put(key, BitConverter.GetBytes(i));
                expected[key] = BitConverter.GetBytes(i);
            }
            store.Checkpoint();
            for (var i = 0; i < 500; i++)
            {
                var key = System.Text.Encoding.UTF8.GetBytes($"user/{i:D5}/profile");
                if (expected.Remove(key)) tree.Delete(key);
            }
            tree.Put("zzz"u8, "last"u8); // after the checkpoint: only in the journal
            expected["zzz"u8.ToArray()] = "last"u8.ToArray();
        }
        using (var store = Store.Open(path, options))
        {
            Assert.True(store.TryGetTree("users", out var tree));
            Assert.Equal(KeyKind.Bytes(200), tree.KeyKind);
            Assert.Equal(expected.Keys, Keys(tree.Scan()));
            Assert.Equal(expected.Values, Values(tree.Scan()));
            Assert.Equal("last"u8.ToArray(), tree.Get("zzz"u8));
            tree.Verify();
        }
        var check = Packtree.Diagnostics.StoreCheck.Run(path);
        Assert.True(check.IsClean, string.Join("; ", check.Problems));
    }

    private static void CheckCursor(Tree tree, SortedDictionary<byte[], byte[]> model, byte[] from, bool forward, string where)
    {
        var cursor = tree.CreateCursor();
        var expected = (forward ? model.Keys.Where(k => Ordinal.Compare(k, from) >= 0) : model.Keys.Reverse().Where(k => Ordinal.Compare(k, from) <= 0)).Take(50).ToList();
        var actual = new List<byte[]>();
        for (var ok = forward ? cursor.Seek(from) : cursor.SeekForPrev(from); ok && actual.Count < 50; ok = forward ? cursor.Next() : cursor.Prev())
        {
            actual.Add(cursor.KeyBytes.ToArray());
            Assert.Equal(model[actual[^1]], cursor.Value.ToArray());
        }
        Assert.True(expected.Count == actual.Count && expected.Zip(actual).All(p => Ordinal.Compare(p.First, p.Second) == 0), $"{where}: the cursor {(forward ? "forward" : "back")} from {Convert.ToHexString(from)} disagrees with the model");
    }

    private static byte[]? Existing(SortedDictionary<byte[], byte[]> model, Random random) =>
        model.Count > 0 && random.Next(3) != 0 ? model.Keys.ElementAt(random.Next(model.Count)) : null;

    private static List<byte[]> Keys(ScanEnumerable scan)
    {
        var keys = new List<byte[]>();
        foreach (var entry in scan) keys.Add(entry.KeyBytes.ToArray());
        return keys;
    }

    private static List<byte[]> Values(ScanEnumerable scan)
    {
        var values = new List<byte[]>();
        foreach (var entry in scan) values.Add(entry.Value.ToArray());
        return values;
    }
}
