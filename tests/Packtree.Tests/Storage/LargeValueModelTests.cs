using System.Text;
using Packtree.Codegen;
using Packtree.Keys;

namespace Packtree.Tests.Storage;

/// <summary>
/// Random puts (as spans, batches and streams), deletes, reads, scans, reopens and crashes of values of every size
/// around the leaf limit and up to several MiB, against a dictionary, under every unpack strategy, compressed or not.
/// </summary>
public sealed class LargeValueModelTests
{
    public static TheoryData<UnpackStrategy, bool> Cases => new()
    {
        { UnpackStrategy.Generic, false }, { UnpackStrategy.ByteAligned, true }, { UnpackStrategy.Compiled, false }, { UnpackStrategy.Auto, true },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void AStoreOfLargeValuesBehavesLikeADictionary(UnpackStrategy strategy, bool compressed)
    {
        using var folder = new TempFolder();
        var path = folder.File("model.packtree");
        var options = new StoreOptions { UnpackStrategy = strategy, Durability = Durability.Buffered, JournalBytes = 1 << 20 };
        var treeOptions = new TreeOptions { Compression = compressed ? ValueCompression.Zstd : ValueCompression.None };
        var random = new Random(strategy.GetHashCode() * 31 + (compressed ? 1 : 0));
        var model = new SortedDictionary<ulong, byte[]>();
        var store = Store.Open(path, options);
        var tree = store.GetOrCreateTree("t", KeyKind.Positions, treeOptions);
        var limit = tree.MaxInlineValueBytes;
        int[] sizes = [0, 1, limit - 1, limit, limit + 1, 65_536, 1 << 20, 3 * (1 << 20) + 7];
        var text = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("order shipped, amount 10 EUR; ", 4 * (1 << 20) / 30 + 1))); // compressible
        byte[] Value(int size)
        {
            var value = new byte[size];
            if (random.Next(2) == 0) random.NextBytes(value);
            else text.AsSpan(random.Next(30), size).CopyTo(value);
            return value;
        }
        int Size() => random.Next(4) == 0 ? random.Next(0, 3 * limit) : sizes[random.Next(sizes.Length)];
        try
        {
            for (var op = 0; op < 120; op++)
            {
                var key = (ulong)random.Next(24);
                switch (random.Next(10))
                {
                    case 0 or 1 or 2:
                        var value = Value(Size());
                        tree.Put(new Bpos(1, key, 0), value);
                        model[key] = value;
                        break;
                    case 3:
                        var streamed = Value(Size());
                        tree.Put(new Bpos(1, key, 0), new MemoryStream(streamed));
                        model[key] = streamed;
                        break;
                    case 4:
                        var batch = new WriteBatch();
                        for (var i = 0; i < 3; i++)
                        {
                            var k = (ulong)random.Next(24);
                            if (random.Next(3) == 0)
                            {
                                batch.Delete(tree, new Bpos(1, k, 0));
                                model.Remove(k);
                            }
                            else
                            {
                                var v = Value(Size());
                                batch.Put(tree, new Bpos(1, k, 0), v);
                                model[k] = v;
                            }
                        }
                        store.Write(batch);
                        break;
                    case 5:
                        Assert.Equal(model.Remove(key), tree.Delete(new Bpos(1, key, 0)));
                        break;
                    case 6:
                        var read = tree.Get(new Bpos(1, key, 0));
                        if (model.TryGetValue(key, out var expected)) Assert.Equal(expected, read);
                        else Assert.Null(read);
                        break;
                    case 7:
                        var reverse = random.Next(2) == 0;
                        var scanned = new List<(ulong, byte[])>();
                        foreach (var (position, bytes) in tree.Scan(KeyRange.All, reverse)) scanned.Add((position.Offset, bytes.ToArray()));
                        var inOrder = model.Select(e => (e.Key, e.Value));
                        Assert.Equal(reverse ? inOrder.Reverse() : inOrder, scanned);
                        WalkACursor(tree, model, random);
                        break;
                    case 8:
                        if (random.Next(2) == 0) store.Dispose();
                        else store.CloseWithoutCheckpoint(); // a crash: buffered commits were written, never flushed, so the journal still has them
                        store = Store.Open(path, options);
                        tree = store.GetOrCreateTree("t");
                        break;
                    default:
                        if (model.TryGetValue(key, out var whole) && whole.Length > 0)
                        {
                            using var stream = tree.OpenRead(new Bpos(1, key, 0));
                            var at = random.Next(whole.Length);
                            stream.Position = at;
                            var part = new byte[Math.Min(whole.Length - at, 100_000)];
                            stream.ReadExactly(part);
                            Assert.Equal(whole.AsSpan(at, part.Length).ToArray(), part);
                        }
                        break;
                }
            }
            foreach (var (key, value) in model) Assert.Equal(value, tree.Get(new Bpos(1, key, 0)));
            Assert.Equal(model.Count, tree.Count);
        }
        finally
        {
            store.Dispose();
        }
        var check = Packtree.Diagnostics.StoreCheck.Run(path);
        Assert.True(check.IsClean, string.Join("; ", check.Problems));
        Assert.Equal(model.Values.Count(v => v.Length > limit), check.OutOfLineValues!.Values);
        Assert.Equal(model.Values.Where(v => v.Length > limit).Sum(v => (long)v.Length), check.OutOfLineValues.ValueBytes);
    }

    /// <summary>A cursor sought to a random key and moved both ways, each step against the model: its runs hold several long values, or one.</summary>
    private static void WalkACursor(Tree tree, SortedDictionary<ulong, byte[]> model, Random random)
    {
        var keys = model.Keys.ToList();
        var cursor = tree.CreateCursor();
        var at = keys.Count == 0 ? 0 : random.Next(keys.Count);
        Assert.Equal(keys.Count > 0, cursor.Seek(new Bpos(1, keys.Count == 0 ? 0 : keys[at], 0)));
        for (var step = 0; step < 12 && cursor.IsValid; step++)
        {
            Assert.Equal(keys[at], cursor.Key.Offset);
            Assert.Equal(model[keys[at]], cursor.Value.ToArray());
            var forward = random.Next(3) > 0;
            at += forward ? 1 : -1;
            Assert.Equal(at >= 0 && at < keys.Count, forward ? cursor.Next() : cursor.Prev());
        }
    }
}
