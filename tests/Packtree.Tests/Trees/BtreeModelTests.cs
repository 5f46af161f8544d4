using Packtree.Codegen;
using Packtree.Keys;
using Packtree.Nodes;
using Packtree.Trees;

namespace Packtree.Tests.Trees;

/// <summary>The btree against a sorted dictionary: random puts, overwrites, deletes and gets over trees grown several levels deep in small nodes.</summary>
[Trait("Category", "Slow")]
public sealed class BtreeModelTests
{
    public static TheoryData<UnpackStrategy> Strategies => [UnpackStrategy.Generic, UnpackStrategy.ByteAligned, UnpackStrategy.Compiled, UnpackStrategy.Auto];

    [Theory]
    [MemberData(nameof(Strategies))]
    public void ATreeBehavesLikeASortedDictionary(UnpackStrategy strategy)
    {
        var seeds = Environment.GetEnvironmentVariable("PACKTREE_LONG_TESTS") == "1" ? 40 : 4;
        for (var seed = 0; seed < seeds; seed++)
        {
            var random = new Random(seed * 31 + (int)strategy);
            var tree = NewTree(4096, strategy);
            var model = new SortedDictionary<Bpos, byte[]>();
            var positions = new List<Bpos>();
            var maxLevels = 0;
            for (var op = 0; op < 60_000; op++)
            {
                var roll = random.Next(100);
                if (roll < 55 || positions.Count == 0)
                {
                    var position = positions.Count > 0 && random.Next(4) == 0 ? positions[random.Next(positions.Count)] : RandomPosition(random);
                    var value = RandomValue(random, tree.MaxValueBytes);
                    Assert.Equal(model.ContainsKey(position), tree.Put(position, value));
                    if (!model.ContainsKey(position)) positions.Add(position);
                    model[position] = value;
                }
                else if (roll < 75)
                {
                    var position = random.Next(3) == 0 ? RandomPosition(random) : positions[random.Next(positions.Count)];
                    Assert.Equal(model.Remove(position), tree.Delete(position));
                }
                else
                {
                    var position = random.Next(3) == 0 ? RandomPosition(random) : positions[random.Next(positions.Count)];
                    var found = tree.TryFind(position, out var leaf, out var at);
                    Assert.Equal(model.TryGetValue(position, out var expected), found);
                    if (found) Assert.Equal(expected, Btree.ValueOf(leaf, at).ToArray());
                }
                if (op % 2000 == 1999)
                {
                    var shape = tree.Verify();
                    maxLevels = Math.Max(maxLevels, shape.Levels);
                    Assert.Equal(model.Count, shape.Keys);
                    AssertSameContents(tree, model);
                }
                if (op == 40_000) // delete most keys: merges shrink the tree
                {
                    var before = tree.Verify().Nodes;
                    foreach (var position in model.Keys.Where(_ => random.Next(10) != 0).ToList())
                    {
                        Assert.True(tree.Delete(position));
                        model.Remove(position);
                    }
                    var after = tree.Verify().Nodes;
                    Assert.True(after * 3 < before, $"{before} nodes before deleting 90% of the keys, {after} after: siblings were not merged.");
                    AssertSameContents(tree, model);
                }
            }
            Assert.True(maxLevels >= 3, $"The tree reached only {maxLevels} levels.");
        }
    }

    internal static Btree NewTree(int nodeBytes, UnpackStrategy strategy = UnpackStrategy.Auto) =>
        new(new InMemoryNodeStore(new NodeCodec(new NodeGeometry(nodeBytes, 512), 0x7ee), new KeyCodecOptions { Strategy = strategy, CompileThreshold = 64 }), id: 1);

    internal static Bpos RandomPosition(Random random) => random.Next(4) switch
    {
        0 => new Bpos((ulong)random.Next(0, 3), (ulong)random.Next(0, 100_000), uint.MaxValue),
        1 => new Bpos((ulong)random.Next(0, 3), (ulong)random.NextInt64(), (uint)random.Next(0, 3)),
        2 => new Bpos((ulong)random.NextInt64(), (ulong)random.Next(0, 10), 0),
        _ => new Bpos(1, (ulong)random.Next(0, 1000), (uint)random.Next()),
    };

    internal static byte[] RandomValue(Random random, int max)
    {
        var length = random.Next(10) switch
        {
            0 => 0,
            1 => random.Next(0, max + 1),
            _ => random.Next(0, 24),
        };
        var value = new byte[length];
        random.NextBytes(value);
        return value;
    }

    private static void AssertSameContents(Btree tree, SortedDictionary<Bpos, byte[]> model)
    {
        using var expected = model.GetEnumerator();
        var leaf = tree.LeafFor(Bpos.Min);
        while (true)
        {
            foreach (var (key, _) in leaf.LiveKeys())
            {
                Assert.True(expected.MoveNext(), $"The tree has an extra key at {key.Position}.");
                Assert.Equal(expected.Current.Key, key.Position);
                Assert.True(tree.TryFind(key.Position, out var l, out var at));
                Assert.Equal(expected.Current.Value, Btree.ValueOf(l, at).ToArray());
            }
            if (leaf.Header.MaxKey == Bpos.Max) break;
            leaf = tree.LeafFor(leaf.Header.MaxKey.Successor());
        }
        Assert.False(expected.MoveNext(), "The tree misses keys.");
    }
}
