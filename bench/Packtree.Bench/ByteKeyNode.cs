using Packtree.Bench.Peers;
using Packtree.Keys;
using Packtree.Nodes;
using Packtree.Trees;

namespace Packtree.Bench;

/// <summary>
/// A full node of byte keys, as a leaf of a byte-key tree of about a million keys holds them: a run of neighbouring
/// keys in key order (8-byte values), with the keys between them that it does not hold (for misses).
/// </summary>
internal sealed class ByteKeyNode
{
    /// <summary>The keys of a byte-key tree in these benchmarks: up to <see cref="ByteKeys.MaxBytes"/> bytes.</summary>
    internal static readonly KeySchema Schema = KeySchema.ByteString(ByteKeys.MaxBytes);

    private const int ValueBytes = 8;

    private ByteKeyNode(BtreeNode node, byte[][] keys, byte[][] misses) => (Node, Keys, Misses) = (node, keys, misses);

    /// <summary>The node: one bset, written and read back, in the format computed for its keys.</summary>
    public BtreeNode Node { get; }

    /// <summary>The node's keys in order.</summary>
    public byte[][] Keys { get; }

    /// <summary>Keys of the same kind within the node's range that it does not hold.</summary>
    public byte[][] Misses { get; }

    /// <summary>
    /// db_bench keys (<c>%016d</c>): each number from 1,000,000 on is the node's or a miss, at random; half of the
    /// numbers below 2,000,000, as in a tree of a million of them.
    /// </summary>
    public static ByteKeyNode DbBench(NodeCodec codec)
    {
        var random = new Random(21);
        var candidates = Enumerable.Range(1_000_000, 100_000).Select(n => ByteKeys.DbBenchKey(n)).ToArray();
        return Make(codec, candidates, random);
    }

    /// <summary>
    /// YCSB keys: those of records 0 to 1,999,999 in key order, from the middle on; each the node's or a miss, at
    /// random, as in a tree of a million of them.
    /// </summary>
    public static ByteKeyNode Ycsb(NodeCodec codec)
    {
        var all = Enumerable.Range(0, 2_000_000).Select(i => ByteKeys.YcsbKey(i)).ToArray();
        Array.Sort(all, OrdinalBytesComparer.Instance);
        return Make(codec, all[1_000_000..1_100_000], new Random(22));
    }

    /// <summary>Bytes the node's keys take before their values, averaged over its keys.</summary>
    public double StoredKeyBytesPerKey() => Node.KeyOffsets().Average(at => BsetKeys.KeyBytes(Node.Format, Node.RawBuffer, at));

    /// <summary>The key fields of <paramref name="key"/> in the node's schema, into <paramref name="fields"/>.</summary>
    internal static void Fields(ReadOnlySpan<byte> key, Span<ulong> fields) => new KeyFieldWriter(Schema, fields).Bytes(key);

    /// <summary>Half the sorted <paramref name="candidates"/> (at random) go into the node until it is full; the rest in its range are misses.</summary>
    private static ByteKeyNode Make(NodeCodec codec, byte[][] candidates, Random random)
    {
        var chosen = candidates.Select(_ => random.Next(2) == 0).ToArray();
        var keys = candidates.Where((_, i) => chosen[i]).ToArray();
        // First over a wide range to learn how many keys fill a node; then over exactly those keys' range, as a
        // leaf the tree split off would cover them.
        var fit = Fill(codec, keys, keys.Length).Count;
        keys = keys[..fit];
        var (node, count) = Fill(codec, keys, fit);
        if (count != fit) throw new InvalidOperationException($"A node over the range of {fit} keys took only {count} of them.");
        node.Rewrite();
        var disk = new byte[codec.Geometry.NodeBytes];
        node.Write(disk);
        var read = BtreeNode.Read(codec, disk, node.Seq, node.WrittenSectors, "bench");
        var last = keys[^1];
        var misses = candidates.Where((k, i) => !chosen[i] && k.AsSpan().SequenceCompareTo(last) < 0).ToArray();
        return new ByteKeyNode(read, keys, misses);
    }

    /// <summary>A node over the range of <paramref name="keys"/>[0] to [<paramref name="limit"/> - 1], filled in order until full (compacted once when full, as the tree does).</summary>
    private static (BtreeNode Node, int Count) Fill(NodeCodec codec, byte[][] keys, int limit)
    {
        var min = new ulong[Schema.FieldCount];
        var max = new ulong[Schema.FieldCount];
        Fields(keys[0], min);
        Fields(keys[limit - 1], max);
        var format = new BkeyFormatBuilder(Schema).AddKeyFields(min).AddKeyFields(max).Build();
        var node = BtreeNode.Create(codec, new NodeHeader(codec.Magic, NodeHeader.MakeFlags(0, 0, 1), min, max, format), BtreeNode.NewSeq());
        Span<ulong> fields = stackalloc ulong[Schema.FieldCount];
        var value = new byte[ValueBytes];
        var type = TreeValues.TypeFor(ValueBytes);
        for (var i = 0; i < limit; i++)
        {
            Fields(keys[i], fields);
            value[0] = (byte)i;
            if (node.Insert(fields, type, value, 0, out _) == InsertResult.NodeFull)
            {
                node.Rewrite();
                if (node.Insert(fields, type, value, 0, out _) == InsertResult.NodeFull) return (node, i);
            }
        }
        return (node, limit);
    }
}
