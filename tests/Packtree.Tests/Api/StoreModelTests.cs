using Packtree.Codegen;
using Packtree.Keys;
using Packtree.Tests.Trees;

namespace Packtree.Tests.Api;

/// <summary>
/// The public API against sorted dictionaries: random puts, overwrites, deletes, gets, seeks, cursor
/// walks both ways, range scans with random bounds and batches across trees, with Verify after each
/// run of steps, under each unpack strategy, in small nodes so the trees grow several levels.
/// </summary>
[Trait("Category", "Slow")]
public sealed class StoreModelTests
{
    public static TheoryData<UnpackStrategy> Strategies => [UnpackStrategy.Generic, UnpackStrategy.ByteAligned, UnpackStrategy.Compiled, UnpackStrategy.Auto];

    [Theory]
    [MemberData(nameof(Strategies))]
    public void TheStoreBehavesLikeSortedDictionaries(UnpackStrategy strategy)
    {
        var operations = Environment.GetEnvironmentVariable("PACKTREE_LONG_TESTS") == "1" ? 1_000_000 : 60_000;
        var random = new Random(1000 + (int)strategy);
        using var store = Store.CreateInMemory(new StoreOptions { NodeBytes = 4096, BlockBytes = 512, UnpackStrategy = strategy, CompileThreshold = 64 });
        var trees = new[] { store.GetOrCreateTree("a"), store.GetOrCreateTree("b") };
        var models = new[] { new SortedDictionary<Bpos, byte[]>(), new SortedDictionary<Bpos, byte[]>() };
        var sets = new[] { new SortedSet<Bpos>(), new SortedSet<Bpos>() }; // the models' keys, for range queries
        var known = new List<Bpos>();
        Span<byte> buffer = stackalloc byte[trees[0].MaxValueBytes];
        var cursor = trees[0].CreateCursor();
        var maxLevels = 0;

        Bpos Pick() => known.Count > 0 && random.Next(3) != 0 ? known[random.Next(known.Count)] : BtreeModelTests.RandomPosition(random);

        for (var op = 0; op < operations; op++)
        {
            var t = random.Next(2);
            var (tree, model) = (trees[t], models[t]);
            var roll = random.Next(100);
            if (roll < 40)
            {
                var key = Pick();
                var value = BtreeModelTests.RandomValue(random, tree.MaxValueBytes);
                tree.Put(key, value);
                model[key] = value;
                sets[t].Add(key);
                known.Add(key);
            }
            else if (roll < 55)
            {
                var key = Pick();
                Assert.Equal(model.Remove(key), tree.Delete(key));
                sets[t].Remove(key);
            }
            else if (roll < 70)
            {
                var key = Pick();
                var found = tree.TryGet(key, buffer, out var length);
                Assert.Equal(model.TryGetValue(key, out var expected), found);
                if (found) Assert.Equal(expected, buffer[..length].ToArray());
                Assert.Equal(found, tree.Contains(key));
                Assert.Equal(expected, tree.Get(key));
            }
            else if (roll < 75)
            {
                var batch = new WriteBatch();
                var applied = new List<(int Tree, Bpos Key, byte[]? Value)>();
                for (var i = random.Next(1, 20); i > 0; i--)
                {
                    var bt = random.Next(2);
                    var key = Pick();
                    var value = random.Next(3) == 0 ? null : BtreeModelTests.RandomValue(random, 40);
                    if (value is null) batch.Delete(trees[bt], key);
                    else batch.Put(trees[bt], key, value);
                    applied.Add((bt, key, value));
                    known.Add(key);
                }
                store.Write(batch);
                foreach (var (bt, key, value) in applied) // in order: a later update of a key wins
                {
                    if (value is null) models[bt].Remove(key);
                    else models[bt][key] = value;
                    if (value is null) sets[bt].Remove(key);
                    else sets[bt].Add(key);
                }
            }
            else if (roll < 95)
            {
                cursor = random.Next(8) == 0 ? tree.CreateCursor() : cursor.Tree == tree ? cursor : tree.CreateCursor();
                CheckCursorWalk(random, cursor, model, sets[t], Pick());
            }
            else
            {
                CheckScan(random, tree, model, sets[t], Pick(), Pick());
            }

            if (op % 5000 == 4999)
            {
                for (var i = 0; i < 2; i++)
                {
                    var shape = trees[i].Verify();
                    Assert.Equal(models[i].Count, shape.Keys);
                    Assert.Equal(models[i].Count, trees[i].Count);
                    maxLevels = Math.Max(maxLevels, shape.Levels);
                    Assert.Equal(models[i].Keys, trees[i].Scan().ToKeys());
                }
            }
        }
        Assert.True(maxLevels >= 3, $"The trees reached only {maxLevels} levels.");
    }

    /// <summary>A seek one way, then a random walk of Next and Prev, each step against the model.</summary>
    private static void CheckCursorWalk(Random random, Cursor cursor, SortedDictionary<Bpos, byte[]> model, SortedSet<Bpos> set, Bpos start)
    {
        cursor.SetRange(KeyRange.All);
        // The model's keys around the start: enough for a 40-step walk either way (the ends of the tree included).
        var before = start == Bpos.Min ? [] : set.GetViewBetween(Bpos.Min, start.Predecessor()).Reverse().Take(41).Reverse();
        var keys = before.Concat(set.GetViewBetween(start, Bpos.Max).Take(41)).ToList();
        var clippedLow = keys.Count > 0 && keys[0] != set.Min;
        var clippedHigh = keys.Count > 0 && keys[^1] != set.Max;
        int index; // where the cursor should be in keys, or -1/keys.Count off either end
        if (random.Next(2) == 0)
        {
            cursor.Seek(start);
            index = LowerBound(keys, start);
        }
        else
        {
            cursor.SeekForPrev(start);
            index = LowerBound(keys, start);
            if (index == keys.Count || keys[index] != start) index--;
        }
        for (var step = 0; step < 40; step++)
        {
            var valid = index >= 0 && index < keys.Count;
            if (!valid && ((index < 0 && clippedLow) || (index >= keys.Count && clippedHigh))) return; // past the window
            Assert.Equal(valid, cursor.IsValid);
            if (!valid) return;
            Assert.Equal(keys[index], cursor.Key);
            Assert.Equal(model[keys[index]], cursor.Value.ToArray());
            if (random.Next(3) == 0)
            {
                cursor.Prev();
                index--;
            }
            else
            {
                cursor.Next();
                index++;
            }
        }
    }

    private static void CheckScan(Random random, Tree tree, SortedDictionary<Bpos, byte[]> model, SortedSet<Bpos> set, Bpos a, Bpos b)
    {
        var range = new KeyRange(random.Next(5) == 0 ? null : Min(a, b), random.Next(5) == 0 ? null : Max(a, b), random.Next(2) == 0, random.Next(2) == 0);
        var reverse = random.Next(2) == 0;
        var candidates = set.GetViewBetween(range.From ?? Bpos.Min, range.To ?? Bpos.Max);
        var expected = candidates.Where(k => In(range, k)).Select(k => KeyValuePair.Create(k, model[k])).ToList();
        if (reverse) expected.Reverse();
        var i = 0;
        foreach (var (key, value) in tree.Scan(range, reverse))
        {
            Assert.True(i < expected.Count, $"Scan {range} reverse={reverse} returned more than {expected.Count} keys.");
            Assert.Equal(expected[i].Key, key);
            Assert.Equal(expected[i].Value, value.ToArray());
            i++;
        }
        Assert.Equal(expected.Count, i);

        // The same range read in place under a read scope.
        i = 0;
        using (var read = tree.Store.BeginRead())
        {
            foreach (var (key, value) in read.Scan(tree, range, reverse))
            {
                Assert.True(i < expected.Count, $"In-place scan {range} reverse={reverse} returned more than {expected.Count} keys.");
                Assert.Equal(expected[i].Key, key);
                Assert.True(expected[i].Value.AsSpan().SequenceEqual(value));
                i++;
            }
        }
        Assert.Equal(expected.Count, i);
    }

    private static bool In(KeyRange range, Bpos key) =>
        (range.From is not { } from || (range.FromInclusive ? key >= from : key > from)) &&
        (range.To is not { } to || (range.ToInclusive ? key <= to : key < to));

    private static int LowerBound(List<Bpos> keys, Bpos key)
    {
        var index = keys.BinarySearch(key);
        return index >= 0 ? index : ~index;
    }

    private static Bpos Min(Bpos a, Bpos b) => a <= b ? a : b;

    private static Bpos Max(Bpos a, Bpos b) => a <= b ? b : a;
}

internal static class ScanExtensions
{
    public static List<Bpos> ToKeys(this ScanEnumerable scan)
    {
        var keys = new List<Bpos>();
        foreach (var entry in scan) keys.Add(entry.Key);
        return keys;
    }
}
