using Packtree.Keys;

namespace Packtree;

/// <summary>
/// The range a scan walks, as given (every key, a range of positions, or a range of byte keys), turned into inclusive key
/// fields when the scan starts, in place: a scan through a reused cursor allocates nothing.
/// </summary>
internal readonly struct ScanRange
{
    private readonly KeyRange _positions;
    private readonly BytesRange _bytes;
    private readonly ulong[]? _low; // key fields, for typed keys
    private readonly ulong[]? _high;
    private readonly byte _kind; // 0 every key, 1 positions, 2 byte keys, 3 key fields

    private ScanRange(KeyRange positions, BytesRange bytes, byte kind, ulong[]? low = null, ulong[]? high = null) =>
        (_positions, _bytes, _kind, _low, _high) = (positions, bytes, kind, low, high);

    /// <summary>Every key of the tree.</summary>
    public static ScanRange All => default;

    /// <summary>A range of positions.</summary>
    public static ScanRange Of(KeyRange range) => new(range, default, 1);

    /// <summary>A range of byte keys.</summary>
    public static ScanRange Of(BytesRange range) => new(default, range, 2);

    /// <summary>The keys from <paramref name="low"/> to <paramref name="high"/>, both inclusive, given as key fields.</summary>
    public static ScanRange Between(ulong[] low, ulong[] high) => new(default, default, 3, low, high);

    /// <summary>Whether the range is of the tree's kind of keys; refuses it naming the tree otherwise.</summary>
    /// <exception cref="ArgumentException">The range is of another kind of keys than the tree's.</exception>
    public ScanRange For(Tree tree)
    {
        if (_kind == 1) tree.RequirePositions("a range of positions");
        if (_kind == 2) tree.RequireBytes("a range of byte keys");
        return this;
    }

    /// <summary>The lowest and highest key of the range in <paramref name="tree"/>, inclusive, into the spans; false when the range holds no key.</summary>
    /// <exception cref="KeyTooLongException">An end of a byte range is longer than the tree's keys.</exception>
    public bool TryFill(Tree tree, Span<ulong> low, Span<ulong> high)
    {
        var schema = tree.Btree.Schema;
        low.Clear();
        for (var i = 0; i < high.Length; i++) high[i] = BitMath.Ones(schema.UnpackedWidth(i));
        switch (_kind)
        {
            case 1:
                if (!_positions.TryInclusiveBounds(out var from, out var to)) return false;
                KeyFields.FromPosition(from, low);
                KeyFields.FromPosition(to, high);
                return true;
            case 2:
                return FillBytes(tree, schema, low, high);
            case 3:
                _low!.CopyTo(low);
                _high!.CopyTo(high);
                return KeyFields.Compare(low, high) <= 0;
            default:
                return true;
        }
    }

    private bool FillBytes(Tree tree, KeySchema schema, Span<ulong> low, Span<ulong> high)
    {
        var empty = false;
        if (_bytes.From is { } from)
        {
            tree.BytesKey(from, low);
            if (!_bytes.FromInclusive) empty |= !KeyFields.TrySuccessor(schema, low);
        }
        if (_bytes.To is { } to)
        {
            tree.BytesKey(to, high);
            if (!_bytes.ToInclusive) empty |= !KeyFields.TryPredecessor(schema, high);
        }
        if (_bytes.Prefix is { } prefix)
        {
            var max = tree.KeyKind.MaxBytes;
            if (prefix.Length > max) return false; // no key is that long
            // The prefix itself is the least key starting with it; the prefix followed by 0xFF up to the longest key the greatest.
            Span<ulong> bound = stackalloc ulong[low.Length];
            tree.BytesKey(prefix, bound);
            if (KeyFields.Compare(bound, low) > 0) bound.CopyTo(low);
            Span<byte> last = stackalloc byte[max];
            prefix.CopyTo(last);
            last[prefix.Length..].Fill(0xFF);
            tree.BytesKey(last, bound);
            if (KeyFields.Compare(bound, high) < 0) bound.CopyTo(high);
        }
        return !empty && KeyFields.Compare(low, high) <= 0;
    }
}
