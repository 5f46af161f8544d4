using System.Text;
using Packtree.Tests.Storage;

namespace Packtree.Tests.Api;

/// <summary>
/// Trees of typed keys against a sorted dictionary of the same .NET tuples: puts, deletes, lookups, batches, ranges and
/// prefix scans of leading components, with negative numbers, extreme times, Guids and strings; in memory and on a store
/// file reopened along the way.
/// </summary>
public sealed class TypedKeyStoreTests
{
    private static readonly long[] Tenants = [long.MinValue, -42, -1, 0, 1, 42, long.MaxValue];

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ATypedTreeBehavesLikeASortedDictionaryOfTuples(bool onDisk)
    {
        using var folder = new TempFolder();
        var path = folder.File("typed.packtree");
        var options = new StoreOptions { NodeBytes = 4096, BlockBytes = 512, CacheBytes = 32 * 4096, CompileThreshold = 64, Durability = Durability.Buffered };
        var shape = KeyShape.Of(KeyParts.Int64, KeyParts.DateTime, KeyParts.Int32);
        var store = onDisk ? Store.Open(path, options) : Store.CreateInMemory(options);
        try
        {
            var events = store.GetOrCreateTree("events", shape);
            var model = new SortedDictionary<(long, DateTime, int), byte[]>();
            var random = new Random(onDisk ? 3 : 4);
            (long, DateTime, int) NextKey() => (
                random.Next(4) == 0 ? random.NextInt64(long.MinValue, long.MaxValue) : Tenants[random.Next(Tenants.Length)],
                random.Next(20) switch
                {
                    0 => DateTime.MinValue,
                    1 => DateTime.MaxValue,
                    _ => new DateTime(2026, 11, 29, 0, 0, 0, DateTimeKind.Utc).AddSeconds(random.Next(-100_000, 100_000)),
                },
                random.Next(3) == 0 ? random.Next(int.MinValue, int.MaxValue) : random.Next(-3, 4));
            for (var op = 0; op < 2500; op++)
            {
                switch (random.Next(14))
                {
                    case < 6:
                    {
                        var key = NextKey();
                        var value = BitConverter.GetBytes(op);
                        events.Put(key, value);
                        model[key] = value;
                        break;
                    }
                    case < 8:
                    {
                        var key = model.Count > 0 && random.Next(2) == 0 ? model.Keys.ElementAt(random.Next(model.Count)) : NextKey();
                        Assert.Equal(model.Remove(key), events.Delete(key));
                        break;
                    }
                    case < 10:
                    {
                        var key = model.Count > 0 && random.Next(2) == 0 ? model.Keys.ElementAt(random.Next(model.Count)) : NextKey();
                        Assert.Equal(model.GetValueOrDefault(key), events.Get(key));
                        Assert.Equal(model.ContainsKey(key), events.Contains(key));
                        break;
                    }
                    case 10:
                    {
                        var batch = new WriteBatch();
                        for (var i = 0; i < 20; i++)
                        {
                            var key = NextKey();
                            batch.Put(events, key, [(byte)i]);
                            model[key] = [(byte)i];
                        }
                        store.Write(batch);
                        break;
                    }
                    case 11:
                    {
                        var (a, b) = (NextKey(), NextKey());
                        var (from, to) = a.CompareTo(b) <= 0 ? (a, b) : (b, a);
                        var reverse = random.Next(2) == 0;
                        var expected = model.Keys.Where(k => k.CompareTo(from) >= 0 && k.CompareTo(to) <= 0).ToList();
                        if (reverse) expected.Reverse();
                        Assert.Equal(expected, Keys(events.Scan(from, to, reverse)));
                        break;
                    }
                    case 12:
                    {
                        var key = model.Count > 0 ? model.Keys.ElementAt(random.Next(model.Count)) : NextKey();
                        var components = random.Next(0, 4);
                        var expected = model.Keys.Where(k => components switch
                        {
                            0 => true,
                            1 => k.Item1 == key.Item1,
                            2 => k.Item1 == key.Item1 && k.Item2 == key.Item2,
                            _ => k.Equals(key),
                        }).ToList();
                        Assert.Equal(expected, Keys(events.ScanPrefix(key, components)));
                        break;
                    }
                    default:
                        if (onDisk && random.Next(10) == 0)
                        {
                            store.Dispose();
                            store = Store.Open(path, options);
                            events = store.GetOrCreateTree("events", shape);
                        }
                        Assert.Equal(model.Count, events.Count);
                        break;
                }
            }
            Assert.Equal(model.Keys.ToList(), Keys(events.Scan()));
            Assert.Equal(((IEnumerable<(long, DateTime, int)>)model.Keys).Reverse().ToList(), Keys(events.Scan(reverse: true)));
            events.Untyped.Verify();
        }
        finally
        {
            store.Dispose();
        }
    }

    [Fact]
    public void GuidAndStringKeysOrderAsTheirValuesAndAreRefusedWhenTooLong()
    {
        using var store = Store.CreateInMemory(new StoreOptions { NodeBytes = 8192, BlockBytes = 512 });
        var users = store.GetOrCreateTree("users", KeyShape.Of(KeyParts.Guid, KeyParts.String(16)));
        var random = new Random(9);
        var keys = new List<(Guid, string)>();
        var guids = new[] { Guid.Empty, Guid.AllBitsSet, Guid.NewGuid(), new Guid("00000001-0000-0000-0000-000000000000"), new Guid("ffffffff-0000-0000-0000-000000000000") };
        string[] names = ["", "a", "ab", "b", "é", "日本", "zzzzzzzzzzzzzzzz"];
        foreach (var guid in guids)
        {
            foreach (var name in names)
            {
                users.Put((guid, name), Encoding.UTF8.GetBytes(name));
                keys.Add((guid, name));
            }
        }
        var ordered = keys.OrderBy(k => k.Item1).ThenBy(k => Encoding.UTF8.GetBytes(k.Item2), Comparer<byte[]>.Create((a, b) => a.AsSpan().SequenceCompareTo(b))).ToList();
        Assert.Equal(ordered, Keys(users.Scan()));
        Assert.Equal(names.Length, Keys(users.ScanPrefix((guids[2], ""), 1)).Count);
        var tooLong = Assert.Throws<ArgumentException>(() => users.Put((Guid.Empty, new string('x', 17)), [1]));
        Assert.Contains("Tree 'users'", tooLong.Message);
        Assert.Contains("at most 16 UTF-8 bytes; this string has 17", tooLong.Message);
        Assert.Equal(keys.Count, users.Count);
        Assert.Equal("guid,string:16", users.Untyped.KeyKind.ToString()); // as KeyKind.Parse reads it
        var other = Assert.Throws<ArgumentException>(() => store.GetOrCreateTree("users", KeyShape.Of(KeyParts.Guid, KeyParts.String(32))));
        Assert.Contains("holds guid,string:16 keys, not guid,string:32", other.Message);
        Assert.Throws<ArgumentException>(() => users.Untyped.Put("raw"u8, [1]));
    }

    private static List<TKey> Keys<TKey>(TypedScan<TKey> scan)
    {
        var keys = new List<TKey>();
        foreach (var (key, _) in scan) keys.Add(key);
        return keys;
    }
}
