using Packtree.Keys;

namespace Packtree;

/// <summary>The inclusive ends of a range as key fields, or empty: what cursors and scans walk between, whatever the keys.</summary>
/// <param name="Low">The lowest key in the range.</param>
/// <param name="High">The highest key in the range.</param>
/// <param name="Empty">Whether the range holds no key at all.</param>
internal readonly record struct KeyBounds(ulong[] Low, ulong[] High, bool Empty)
{
    /// <summary>Every key of <paramref name="schema"/>.</summary>
    public static KeyBounds All(KeySchema schema) => new(KeyFields.Min(schema), KeyFields.Max(schema), false);

    /// <summary>A range of positions.</summary>
    public static KeyBounds Of(KeyRange range) =>
        range.TryInclusiveBounds(out var low, out var high)
            ? new KeyBounds(KeyFields.FromPosition(low), KeyFields.FromPosition(high), false)
            : All(KeySchema.Positions) with { Empty = true };

    /// <summary>A range of byte keys of <paramref name="tree"/> (whose keys are byte strings), narrowed to its prefix if it has one.</summary>
    /// <exception cref="KeyTooLongException">An end is longer than the tree's keys.</exception>
    public static KeyBounds Of(BytesRange range, Tree tree)
    {
        var schema = tree.Btree.Schema;
        var low = KeyFields.Min(schema);
        var high = KeyFields.Max(schema);
        var empty = false;
        if (range.From is { } from)
        {
            tree.BytesKey(from, low);
            if (!range.FromInclusive) empty |= !KeyFields.TrySuccessor(schema, low);
        }
        if (range.To is { } to)
        {
            tree.BytesKey(to, high);
            if (!range.ToInclusive) empty |= !KeyFields.TryPredecessor(schema, high);
        }
        if (range.Prefix is { } prefix)
        {
            var max = tree.KeyKind.MaxBytes;
            if (prefix.Length > max) return new KeyBounds(low, high, true); // no key is that long
            // The prefix itself is the least key starting with it; the prefix followed by 0xFF up to the longest key the greatest.
            var first = new ulong[low.Length];
            tree.BytesKey(prefix, first);
            var lastBytes = new byte[max];
            prefix.CopyTo(lastBytes, 0);
            lastBytes.AsSpan(prefix.Length).Fill(0xFF);
            var last = new ulong[high.Length];
            tree.BytesKey(lastBytes, last);
            if (KeyFields.Compare(first, low) > 0) low = first;
            if (KeyFields.Compare(last, high) < 0) high = last;
        }
        return new KeyBounds(low, high, empty || KeyFields.Compare(low, high) > 0);
    }
}
