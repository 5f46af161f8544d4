using Packtree.Codegen;
using Packtree.Keys;
using Packtree.Nodes;
using Packtree.Trees;

namespace Packtree.Tests.Trees;

/// <summary>
/// Trees of byte-string and typed keys against a sorted model: random puts (overwrites included), deletes of present
/// and absent keys, lookups, walks of the leaves both ways from random keys, runs of keys sharing long prefixes and
/// mass deletes, in nodes small enough that trees split into several levels and merge again, with
/// <see cref="Btree.Verify()"/> along the way. Byte keys stress packing: long shared prefixes, keys that are
/// prefixes of each other, the empty key, the longest key, all-0x00 and all-0xFF bytes.
/// </summary>
public sealed class SchemaTreeModelTests
{
    public static TheoryData<UnpackStrategy, int, int> ByteCases => new()
    {
        { UnpackStrategy.Auto, 64, 2048 },
        { UnpackStrategy.Generic, 64, 2048 },
        { UnpackStrategy.ByteAligned, 24, 2048 },
        { UnpackStrategy.Compiled, 64, 2048 },
        { UnpackStrategy.Auto, 511, 8192 },
    };

    [Theory]
    [MemberData(nameof(ByteCases))]
    public void AByteKeyTreeBehavesLikeASortedDictionary(UnpackStrategy strategy, int maxBytes, int nodeBytes)
    {
        var schema = KeySchema.ByteString(maxBytes);
        for (var seed = 0; seed < 3; seed++)
        {
            var random = new Random(seed * 7919 + maxBytes);
            var keys = new Packtree.Tests.Keys.StressByteKeys(random, maxBytes);
            Run(NewTree(schema, nodeBytes, strategy), random, () => Fields(schema, keys.Next()), $"seed {seed}, {schema}, {nodeBytes}-byte nodes, {strategy}");
        }
    }

    [Fact]
    public void ATypedKeyTreeBehavesLikeItsModel()
    {
        var schema = new KeySchema(new KeyComponent(KeyComponentKind.Int64), new KeyComponent(KeyComponentKind.DateTime), new KeyComponent(KeyComponentKind.Int32));
        var random = new Random(5);
        long[] tenants = [long.MinValue, -1, 0, 1, 42, long.MaxValue];
        Run(NewTree(schema, 1024, UnpackStrategy.Auto), random, () =>
        {
            var fields = new ulong[schema.FieldCount];
            var writer = new KeyFieldWriter(schema, fields);
            writer.Int64(random.Next(3) == 0 ? random.NextInt64(long.MinValue, long.MaxValue) : tenants[random.Next(tenants.Length)]);
            writer.DateTime(random.Next(10) == 0 ? (random.Next(2) == 0 ? DateTime.MinValue : DateTime.MaxValue)
                : new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddSeconds(random.Next(0, 100_000)));
            writer.Int32(random.Next(4) == 0 ? random.Next(int.MinValue, int.MaxValue) : random.Next(-3, 3));
            return fields;
        }, "typed (Int64, DateTime, Int32), 1 KiB nodes");
    }

    [Fact]
    public void ANodeTooSmallForTheSchemaIsRefusedNamingTheSizeToUse()
    {
        var schema = KeySchema.ByteString(511);
        var error = Assert.Throws<ArgumentException>(() => NewTree(schema, 2048, UnpackStrategy.Auto));
        Assert.Contains("2048 bytes are too small for keys of (Bytes(511))", error.Message);
        Assert.Contains($"at least {Btree.MinNodeBytes(schema)} bytes", error.Message);
        Assert.True(NewTree(schema, Btree.MinNodeBytes(schema), UnpackStrategy.Auto).MaxValueBytes >= 64);
    }

    private static Btree NewTree(KeySchema schema, int nodeBytes, UnpackStrategy strategy) =>
        new(new InMemoryNodeStore(new NodeCodec(new NodeGeometry(nodeBytes, 512), 0x7ee), new KeyCodecOptions { Strategy = strategy, CompileThreshold = 64 }), id: 1, schema);

    private static ulong[] Fields(KeySchema schema, byte[] key)
    {
        var fields = new ulong[schema.FieldCount];
        var writer = new KeyFieldWriter(schema, fields);
        writer.Bytes(key);
        return fields;
    }

    private static void Run(Btree tree, Random random, Func<ulong[]> nextKey, string what)
    {
        var schema = tree.Schema;
        var model = new SortedDictionary<ulong[], byte[]>(Comparer<ulong[]>.Create((a, b) => KeyFields.Compare(a, b)));
        var maxLevel = 0;
        for (var op = 0; op < 2500; op++)
        {
            var where = $"{what}, operation {op}";
            switch (random.Next(20))
            {
                case < 9:
                {
                    var key = nextKey();
                    var value = new byte[random.Next(8) == 0 ? random.Next(0, Math.Min(tree.MaxValueBytes, 300) + 1) : random.Next(0, 17)];
                    random.NextBytes(value);
                    Assert.True(model.ContainsKey(key) == tree.Put(key, value), where);
                    model[key] = value;
                    break;
                }
                case < 13:
                {
                    var key = model.Count > 0 && random.Next(3) != 0 ? model.Keys.ElementAt(random.Next(model.Count)) : nextKey();
                    Assert.True(model.Remove(key) == tree.Delete(key), where);
                    break;
                }
                case < 16:
                {
                    var key = model.Count > 0 && random.Next(2) == 0 ? model.Keys.ElementAt(random.Next(model.Count)) : nextKey();
                    var found = tree.TryFind(key, out var leaf, out var at);
                    Assert.True(model.TryGetValue(key, out var expected) == found, where);
                    if (found) Assert.Equal(expected, Btree.ValueOf(leaf, at).ToArray());
                    break;
                }
                case < 18:
                {
                    var from = nextKey();
                    var forward = random.Next(2) == 0;
                    var expected = (forward ? model.Keys.Where(k => KeyFields.Compare(k, from) >= 0) : model.Keys.Reverse().Where(k => KeyFields.Compare(k, from) <= 0)).Take(40).ToList();
                    var actual = Walk(tree, from, forward, 40);
                    Assert.True(expected.Count == actual.Count, $"{where}: the walk {(forward ? "forward" : "back")} from {KeyFields.Text(schema, from)} gave {actual.Count} keys, the model {expected.Count}");
                    for (var i = 0; i < expected.Count; i++) Assert.True(KeyFields.Equal(expected[i], actual[i]), $"{where}: key {i} of the walk is {KeyFields.Text(schema, actual[i])}, the model's {KeyFields.Text(schema, expected[i])}");
                    break;
                }
                case 18:
                {
                    // A run of keys close together (and sharing prefixes), then sometimes most keys deleted.
                    for (var i = 0; i < 300; i++)
                    {
                        var key = nextKey();
                        tree.Put(key, BitConverter.GetBytes(i));
                        model[key] = BitConverter.GetBytes(i);
                    }
                    maxLevel = Math.Max(maxLevel, tree.RootLevel);
                    if (random.Next(2) == 0)
                    {
                        foreach (var key in model.Keys.Where(_ => random.Next(10) != 0).ToList())
                        {
                            Assert.True(tree.Delete(key), where);
                            model.Remove(key);
                        }
                    }
                    break;
                }
                default:
                    tree.Verify();
                    break;
            }
            Assert.True(model.Count == tree.Count, where);
        }
        tree.Verify();
        Assert.Equal(model.Keys.ToList(), Walk(tree, KeyFields.Min(schema), forward: true, int.MaxValue), Comparer<ulong[]>.Create((a, b) => KeyFields.Compare(a, b)).ToEquality());
        Assert.True(maxLevel >= 1, $"{what}: the tree never grew past one leaf");
    }

    /// <summary>Up to <paramref name="count"/> keys from <paramref name="from"/> on (or back), walking leaf to leaf as cursors do.</summary>
    private static List<ulong[]> Walk(Btree tree, ulong[] from, bool forward, int count)
    {
        var schema = tree.Schema;
        var bound = forward ? KeyFields.Max(schema) : KeyFields.Min(schema);
        var iterator = new BtreeNode.NodeIterator();
        BtreeNode? leaf = tree.SeekLeaf(from, forward, iterator);
        var keys = new List<ulong[]>();
        while (leaf is not null && keys.Count < count)
        {
            if (iterator.AtEnd)
            {
                leaf = tree.NextLeaf(leaf, forward, bound, iterator);
                continue;
            }
            keys.Add(leaf.KeyAt(iterator.CurrentOffset));
            iterator.Step(forward);
        }
        return keys;
    }
}

internal static class ComparerExtensions
{
    /// <summary>An equality comparer from an order: equal when the order says 0.</summary>
    public static IEqualityComparer<T> ToEquality<T>(this IComparer<T> comparer) => EqualityComparer<T>.Create((a, b) => comparer.Compare(a!, b!) == 0, _ => 0);
}
