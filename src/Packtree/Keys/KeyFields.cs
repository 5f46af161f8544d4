using System.Globalization;
using System.Runtime.CompilerServices;

namespace Packtree.Keys;

/// <summary>
/// A key as the node and tree layers handle it, whatever its schema: its key fields (the first
/// <see cref="KeySchema.KeyFieldCount"/>) as unsigned words, compared first to last. Passed as spans, kept as
/// arrays; a bcachefs position is the three words inode, offset, snapshot.
/// </summary>
internal static class KeyFields
{
    /// <summary>The keys' order: -1, 0 or 1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Compare(ReadOnlySpan<ulong> left, ReadOnlySpan<ulong> right)
    {
        for (var i = 0; i < left.Length; i++)
        {
            if (left[i] != right[i]) return left[i] < right[i] ? -1 : 1;
        }
        return 0;
    }

    /// <summary>Whether the two keys are the same key.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Equal(ReadOnlySpan<ulong> left, ReadOnlySpan<ulong> right) => left.SequenceEqual(right);

    /// <summary>The smallest key of <paramref name="schema"/>: every key field 0.</summary>
    public static ulong[] Min(KeySchema schema) => new ulong[schema.KeyFieldCount];

    /// <summary>The greatest key of <paramref name="schema"/>: every key field at its unpacked maximum (SPOS_MAX for positions).</summary>
    public static ulong[] Max(KeySchema schema)
    {
        var max = new ulong[schema.KeyFieldCount];
        for (var i = 0; i < max.Length; i++) max[i] = BitMath.Ones(schema.UnpackedWidth(i));
        return max;
    }

    /// <summary>Whether <paramref name="key"/> is the greatest key of <paramref name="schema"/>.</summary>
    public static bool IsMax(KeySchema schema, ReadOnlySpan<ulong> key)
    {
        for (var i = 0; i < key.Length; i++)
        {
            if (key[i] != BitMath.Ones(schema.UnpackedWidth(i))) return false;
        }
        return true;
    }

    /// <summary>The next key in place (the last field plus one, carrying up); false, the key unchanged, at the greatest key.</summary>
    public static bool TrySuccessor(KeySchema schema, Span<ulong> key)
    {
        if (IsMax(schema, key)) return false;
        for (var i = key.Length - 1; i >= 0; i--)
        {
            if (key[i] != BitMath.Ones(schema.UnpackedWidth(i)))
            {
                key[i]++;
                return true;
            }
            key[i] = 0;
        }
        return true; // unreachable: a key that is not the greatest has a field below its maximum
    }

    /// <summary>The previous key in place (the last field minus one, borrowing up); false, the key unchanged, at the smallest key.</summary>
    public static bool TryPredecessor(KeySchema schema, Span<ulong> key)
    {
        if (key.IndexOfAnyExcept(0UL) < 0) return false;
        for (var i = key.Length - 1; i >= 0; i--)
        {
            if (key[i] != 0)
            {
                key[i]--;
                return true;
            }
            key[i] = BitMath.Ones(schema.UnpackedWidth(i));
        }
        return true; // unreachable: a key that is not the smallest has a nonzero field
    }

    /// <summary>The key after <paramref name="key"/> as a new array; the key must not be the greatest.</summary>
    public static ulong[] Successor(KeySchema schema, ReadOnlySpan<ulong> key)
    {
        var next = key.ToArray();
        if (!TrySuccessor(schema, next)) throw new OverflowException($"{Text(schema, key)} is the greatest key and has no successor.");
        return next;
    }

    /// <summary>The key before <paramref name="key"/> as a new array; the key must not be the smallest.</summary>
    public static ulong[] Predecessor(KeySchema schema, ReadOnlySpan<ulong> key)
    {
        var previous = key.ToArray();
        if (!TryPredecessor(schema, previous)) throw new OverflowException($"{Text(schema, key)} is the smallest key and has no predecessor.");
        return previous;
    }

    /// <summary>The position's three key fields.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void FromPosition(Bpos position, Span<ulong> key)
    {
        key[0] = position.Inode;
        key[1] = position.Offset;
        key[2] = position.Snapshot;
    }

    /// <summary>A new array of the position's three key fields.</summary>
    public static ulong[] FromPosition(Bpos position) => [position.Inode, position.Offset, position.Snapshot];

    /// <summary>The position whose key fields these are.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Bpos ToPosition(ReadOnlySpan<ulong> key) => new(key[0], key[1], (uint)key[2]);

    /// <summary>As messages and dumps print a key: bcachefs's notation for positions, else the fields in hex (<c>[0x6162..., 0x3]</c>).</summary>
    public static string Text(KeySchema schema, ReadOnlySpan<ulong> key)
    {
        if (schema.IsPositions) return ToPosition(key).ToString();
        var parts = new string[key.Length];
        for (var i = 0; i < key.Length; i++) parts[i] = "0x" + key[i].ToString("x", CultureInfo.InvariantCulture);
        return $"[{string.Join(", ", parts)}]";
    }
}
