using System.Numerics;
using System.Runtime.CompilerServices;

namespace Packtree.Keys;

/// <summary>Bit helpers that guard the cases where C# shifts mask the count (a shift by 64 is a shift by 0).</summary>
internal static class BitMath
{
    /// <summary>An integer whose low <paramref name="n"/> bits are 1; ones(0) = 0 and ones(n &gt;= 64) = 2^64-1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Ones(int n) => n >= 64 ? ulong.MaxValue : (1UL << n) - 1;

    /// <summary>Number of significant bits: 0 for 0, else 1 + index of the highest set bit.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int BitLength(ulong x) => 64 - BitOperations.LeadingZeroCount(x);
}
