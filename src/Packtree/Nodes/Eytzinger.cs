using System.Diagnostics;
using System.Numerics;

namespace Packtree.Nodes;

/// <summary>
/// Index math of a 1-based Eytzinger tree of <c>n</c> nodes (node i has children 2i and 2i+1): levels
/// 0..D full except the deepest, filled from the left. In-order ranks are computed with bcachefs's
/// "extra" trick: in the perfect tree of depth D the deepest nodes have the odd ranks, and only those
/// below <see cref="Extra"/> exist.
/// </summary>
internal static class Eytzinger
{
    /// <summary>Depth D of the deepest level: floor(log2 n).</summary>
    public static int Depth(int n) => n <= 0 ? 0 : BitOperations.Log2((uint)n);

    /// <summary>The leftmost node (in-order first), 0 for an empty tree.</summary>
    public static int First(int n) => n <= 0 ? 0 : 1 << Depth(n);

    /// <summary>The rightmost node (in-order last), 0 for an empty tree.</summary>
    public static int Last(int n) => n <= 0 ? 0 : (1 << BitOperations.Log2((uint)n + 1)) - 1;

    /// <summary>Twice the number of nodes present on the deepest level.</summary>
    public static int Extra(int n) => n <= 0 ? 0 : 2 * (n + 1 - (1 << Depth(n)));

    /// <summary>In-order successor of node <paramref name="i"/>, 0 when it is the last.</summary>
    public static int Next(int i, int n)
    {
        if (2 * i + 1 <= n)
        {
            var j = 2 * i + 1;
            j <<= Depth(n) - BitOperations.Log2((uint)j); // leftmost descendant at depth D ...
            if (j > n) j >>= 1;                           // ... or at D-1 where that slot is absent
            return j;
        }
        return i >> (BitOperations.TrailingZeroCount(~i) + 1); // climb past right-child links, then once more
    }

    /// <summary>In-order predecessor of node <paramref name="i"/>, 0 when it is the first.</summary>
    public static int Prev(int i, int n)
    {
        if (2 * i <= n)
        {
            var j = 2 * i + 1;
            j = (j << (Depth(n) - BitOperations.Log2((uint)j))) - 1; // rightmost descendant of the left child
            if (j > n) j >>= 1;
            return j;
        }
        return i >> (BitOperations.TrailingZeroCount(i) + 1);
    }

    /// <summary>1-based in-order rank of node <paramref name="i"/>; <paramref name="extra"/> is <see cref="Extra"/>(n).</summary>
    public static int ToInorder(int i, int n, int extra)
    {
        Debug.Assert(i >= 1 && i <= n && extra == Extra(n), "A node of the tree, with the tree's extra.");
        var b = BitOperations.Log2((uint)i);
        var v = ((i - (1 << b)) * 2 + 1) << (Depth(n) - b);
        if (v > extra) v -= (v - extra) / 2;
        return v;
    }

    /// <summary>The node of in-order rank <paramref name="v"/>; the inverse of <see cref="ToInorder"/>.</summary>
    public static int FromInorder(int v, int n, int extra)
    {
        Debug.Assert(v >= 1 && v <= n && extra == Extra(n), "A rank of the tree, with the tree's extra.");
        if (v > extra) v = 2 * v - extra;
        var s = BitOperations.TrailingZeroCount(v);
        return (v >> (s + 1)) | (1 << (Depth(n) - s));
    }
}
