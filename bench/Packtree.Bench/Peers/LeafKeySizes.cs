using Packtree.Keys;
using Packtree.Nodes;
using Packtree.Trees;

namespace Packtree.Bench.Peers;

/// <summary>
/// How a byte-key tree's leaves store its keys, from a walk of every leaf: the bytes each live key takes before
/// its value (its header and fields, packed in its node's format or unpacked), the key bits of its node's format
/// (the width of every key field together), and the key's own length, averaged over the keys.
/// </summary>
public readonly record struct LeafKeySizes(long Keys, int Leaves, double KeyBytesPerKey, double KeyBitsPerKey, double RawBytesPerKey, double PackedPercent, int Formats, int Shapes)
{
    /// <summary>Stored key bytes as a share of the raw key length, in percent (the aim: at most 40).</summary>
    public double PercentOfRaw => RawBytesPerKey == 0 ? 0 : 100 * KeyBytesPerKey / RawBytesPerKey;

    /// <summary>Walks every leaf of <paramref name="tree"/>, under the store's read lock.</summary>
    public static LeafKeySizes Of(Tree tree)
    {
        var btree = tree.Btree;
        var totals = new Totals();
        tree.Store.EnterReadWithBuffersApplied(); // the leaves hold every key
        try
        {
            Walk(btree, btree.Root, totals);
        }
        finally
        {
            tree.Store.ExitRead();
        }
        double PerKey(double sum) => totals.Keys == 0 ? 0 : sum / totals.Keys;
        var formats = LeafFormats.Of(tree);
        return new LeafKeySizes(totals.Keys, totals.Leaves, PerKey(totals.KeyBytes), PerKey(totals.KeyBits), PerKey(totals.RawBytes), 100 * PerKey(totals.Packed), formats.Formats, formats.Shapes);
    }

    /// <summary>The metrics of <see cref="Figures"/>, in order, with their units.</summary>
    public static IReadOnlyList<(string Metric, string Unit)> Metrics { get; } =
    [
        ("leaf_key_bytes_per_key", "bytes"),
        ("leaf_key_bits_per_key", "bits"),
        ("raw_key_bytes_per_key", "bytes"),
        ("leaf_key_percent_of_raw", "%"),
        ("leaf_keys_packed_percent", "%"),
        ("leaves", "leaves"),
        ("leaf_formats", "formats"),
        ("leaf_shapes", "shapes"),
    ];

    /// <summary>The figures as the peers suite reports them.</summary>
    public IEnumerable<PeerMetric> Figures()
    {
        double[] values = [KeyBytesPerKey, KeyBitsPerKey, RawBytesPerKey, PercentOfRaw, PackedPercent, Leaves, Formats, Shapes];
        return Metrics.Select((m, i) => new PeerMetric(m.Metric, values[i], m.Unit)).ToList();
    }

    private static void Walk(Btree btree, BtreeNode node, Totals totals)
    {
        var schema = btree.Schema;
        var level = node.Header.Level;
        Span<ulong> fields = stackalloc ulong[schema.FieldCount];
        Span<byte> bytes = stackalloc byte[KeyKind.MaxBytesLimit];
        var format = node.Format;
        var buffer = node.RawBuffer;
        if (level == 0) totals.Leaves++;
        for (var iterator = node.SeekAtOrAfter(KeyFields.Min(schema)); iterator.CurrentOffset is var at and >= 0; iterator.Advance())
        {
            if (level > 0)
            {
                btree.Store.BeginOperation(); // as the tree's own walk does: nodes walked before may leave the cache
                Walk(btree, btree.Child(node, at), totals);
                continue;
            }
            totals.Keys++;
            totals.KeyBytes += BsetKeys.KeyBytes(format, buffer, at);
            totals.KeyBits += BsetKeys.LayoutOf(format, buffer, at).KeyBits;
            if (BsetKeys.IsPacked(buffer, at)) totals.Packed++;
            node.KeyAt(at, fields);
            totals.RawBytes += new KeyFieldReader(schema, fields).Bytes(bytes);
        }
    }

    /// <summary>Running sums of a walk.</summary>
    private sealed class Totals
    {
        public long Keys;
        public int Leaves;
        public double KeyBytes;
        public double KeyBits;
        public double RawBytes;
        public double Packed;
    }
}
