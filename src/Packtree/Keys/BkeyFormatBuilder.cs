namespace Packtree.Keys;

/// <summary>
/// Computes the packed format for a set of keys exactly as bcachefs does
/// (<c>bch2_bkey_format_init</c> / <c>add_key</c> / <c>add_pos</c> / <c>done</c>): track each field's
/// minimum and maximum, give each field the width of its range, then spend the spare bits of the
/// last word rounding widths up to whole bytes so that the byte-aligned fast path applies.
/// </summary>
internal sealed class BkeyFormatBuilder
{
    private readonly ulong[] _min = new ulong[BkeyFields.Count];
    private readonly ulong[] _max = new ulong[BkeyFields.Count];

    /// <summary>An empty state: every minimum 2^64-1 and every maximum 0, except that size's minimum is 0.</summary>
    public BkeyFormatBuilder()
    {
        Array.Fill(_min, ulong.MaxValue);
        _min[(int)BkeyField.Size] = 0; // a size of 0 is always representable
    }

    /// <summary>A state with the given per-field minima and maxima (6 each).</summary>
    public BkeyFormatBuilder(ReadOnlySpan<ulong> fieldMin, ReadOnlySpan<ulong> fieldMax)
    {
        if (fieldMin.Length != BkeyFields.Count || fieldMax.Length != BkeyFields.Count)
            throw new ArgumentException($"A format state has {BkeyFields.Count} minima and {BkeyFields.Count} maxima; got {fieldMin.Length} and {fieldMax.Length}.");
        fieldMin.CopyTo(_min);
        fieldMax.CopyTo(_max);
    }

    /// <summary>Smallest value seen per field.</summary>
    public ReadOnlySpan<ulong> FieldMin => _min;

    /// <summary>Largest value seen per field.</summary>
    public ReadOnlySpan<ulong> FieldMax => _max;

    /// <summary>Widens every field's range to include <paramref name="key"/>.</summary>
    public BkeyFormatBuilder AddKey(in Bkey key)
    {
        Add(0, key.Position.Inode);
        Add(1, key.Position.Offset);
        Add(2, key.Position.Snapshot);
        Add(3, key.Size);
        Add(4, key.Version.Hi);
        Add(5, key.Version.Lo);
        return this;
    }

    /// <summary>Widens the three position fields' ranges to include <paramref name="position"/> (a node's min or max key).</summary>
    public BkeyFormatBuilder AddPosition(Bpos position)
    {
        Add(0, position.Inode);
        Add(1, position.Offset);
        Add(2, position.Snapshot);
        return this;
    }

    /// <summary>The format for everything added so far.</summary>
    /// <param name="roundToBytes">
    /// Spend spare bits rounding widths up to whole bytes, as bcachefs always does; false gives the
    /// tightest widths, which benchmarks use to measure formats that are not byte-aligned.
    /// </param>
    public BkeyFormat Build(bool roundToBytes = true)
    {
        Span<byte> bits = stackalloc byte[BkeyFields.Count];
        Span<ulong> offsets = stackalloc ulong[BkeyFields.Count];
        var total = BkeyFields.PackedBitsStart;
        for (var i = 0; i < BkeyFields.Count; i++)
        {
            var low = Math.Min(_min[i], _max[i]); // an empty range (min > max) becomes 0 bits at 0
            (bits[i], offsets[i]) = Clamp(i, BitMath.BitLength(_max[i] - low), low);
            total += bits[i];
        }
        var keyU64s = (total + 63) / 64;

        // Round widths up to whole bytes where the already spare bits of the last word allow.
        var spare = roundToBytes ? keyU64s * 64 - total : 0;
        for (var i = 0; i < BkeyFields.Count; i++)
        {
            var rounding = (bits[i] + 7) / 8 * 8 - bits[i];
            if (rounding > spare) continue;
            (bits[i], offsets[i]) = Clamp(i, bits[i] + rounding, offsets[i]);
            spare -= rounding;
        }
        return BkeyFormat.Create(keyU64s, bits, offsets);
    }

    /// <summary>Keeps the packed range inside the unpacked type: a full-width field gets offset 0, otherwise the offset is lowered until offset + ones(width) fits.</summary>
    private static (byte Width, ulong Offset) Clamp(int field, int width, ulong offset)
    {
        var unpackedWidth = BkeyFields.UnpackedWidth(field);
        width = Math.Min(width, unpackedWidth);
        offset = width == unpackedWidth ? 0 : Math.Min(offset, BitMath.Ones(unpackedWidth) - BitMath.Ones(width));
        return ((byte)width, offset);
    }

    private void Add(int field, ulong value)
    {
        if (value < _min[field]) _min[field] = value;
        if (value > _max[field]) _max[field] = value;
    }
}
