using System.Text;

namespace Packtree.Cli.Commands;

/// <summary>
/// A key of a typed tree as the tool holds it: the tree's kind of keys and one value per part, as
/// <see cref="KeyShape.Of(KeyKind)"/> takes them. Keys order as their tree orders them, component by component.
/// </summary>
/// <param name="Kind">The tree's kind of keys.</param>
/// <param name="Values">The components' values.</param>
public sealed record TypedKey(KeyKind Kind, object[] Values) : IComparable<TypedKey>
{
    /// <summary>Component by component: numbers and Guids as .NET compares them, a DateTime by ticks then kind, a DateTimeOffset by instant then offset, strings by code point, bytes as unsigned bytes.</summary>
    public int CompareTo(TypedKey? other)
    {
        if (other is null) return 1;
        for (var i = 0; i < Math.Min(Values.Length, other.Values.Length); i++)
        {
            var order = Compare(Values[i], other.Values[i]);
            if (order != 0) return order;
        }
        return Values.Length.CompareTo(other.Values.Length);
    }

    /// <summary>Whether both are of one kind with equal components.</summary>
    public bool Equals(TypedKey? other) => other is not null && Kind.Equals(other.Kind) && CompareTo(other) == 0;

    /// <inheritdoc/>
    public override int GetHashCode() => ToString().GetHashCode(StringComparison.Ordinal);

    /// <summary>As the commands read and print it (<see cref="TypedKeyText"/>).</summary>
    public override string ToString() => TypedKeyText.Print(Kind, Values);

    private static int Compare(object a, object b) => (a, b) switch
    {
        (DateTime x, DateTime y) => x.Ticks != y.Ticks ? x.Ticks.CompareTo(y.Ticks) : x.Kind.CompareTo(y.Kind),
        (DateTimeOffset x, DateTimeOffset y) => x.UtcTicks != y.UtcTicks ? x.UtcTicks.CompareTo(y.UtcTicks) : x.Offset.CompareTo(y.Offset),
        (string x, string y) => Encoding.UTF8.GetBytes(x).AsSpan().SequenceCompareTo(Encoding.UTF8.GetBytes(y)),
        (byte[] x, byte[] y) => x.AsSpan().SequenceCompareTo(y),
        _ => Comparer<object>.Default.Compare(a, b),
    };
}
