using Packtree.Keys;

namespace Packtree;

/// <summary>A range of positions with inclusive or exclusive ends; either end may be open.</summary>
/// <param name="From">The lower end, or null for no lower end.</param>
/// <param name="To">The upper end, or null for no upper end.</param>
/// <param name="FromInclusive">Whether <paramref name="From"/> itself is in the range.</param>
/// <param name="ToInclusive">Whether <paramref name="To"/> itself is in the range.</param>
public readonly record struct KeyRange(Bpos? From = null, Bpos? To = null, bool FromInclusive = true, bool ToInclusive = true)
{
    /// <summary>Every position.</summary>
    public static KeyRange All => default;

    /// <summary>[<paramref name="from"/>, <paramref name="to"/>]: both ends included.</summary>
    public static KeyRange Closed(Bpos from, Bpos to) => new(from, to);

    /// <summary>[<paramref name="from"/>, <paramref name="to"/>): the end excluded.</summary>
    public static KeyRange HalfOpen(Bpos from, Bpos to) => new(from, to, ToInclusive: false);

    /// <summary>The lowest and highest position in the range, both inclusive; false when the range is empty.</summary>
    internal bool TryInclusiveBounds(out Bpos low, out Bpos high)
    {
        low = Bpos.Min;
        high = Bpos.Max;
        if (From is { } from)
        {
            if (!FromInclusive && from == Bpos.Max) return false;
            low = FromInclusive ? from : from.Successor();
        }
        if (To is { } to)
        {
            if (!ToInclusive && to == Bpos.Min) return false;
            high = ToInclusive ? to : to.Predecessor();
        }
        return low <= high;
    }

    /// <inheritdoc />
    public override string ToString() =>
        $"{(FromInclusive ? "[" : "(")}{From?.ToString() ?? "-inf"}, {To?.ToString() ?? "+inf"}{(ToInclusive ? "]" : ")")}";
}
