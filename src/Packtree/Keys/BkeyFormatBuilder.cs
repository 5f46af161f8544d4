namespace Packtree.Keys;

/// <summary>
/// Computes the packed format for a set of keys exactly as bcachefs does
/// (<c>bch2_bkey_format_init</c> / <c>add_key</c> / <c>add_pos</c> / <c>done</c>), over the fields of any key
/// schema: track each field's minimum and maximum, give each field the width of its range, then spend the spare
/// bits of the last word rounding widths up to whole bytes so that the byte-aligned fast path applies. A field
/// every key shares gets no bits, whatever the schema: a common prefix of byte-string keys costs nothing.
/// </summary>
internal sealed class BkeyFormatBuilder
{
    private readonly ulong[] _min;
    private readonly ulong[] _max;

    /// <summary>An empty state for position keys: every minimum 2^64-1 and every maximum 0, except that size's minimum is 0.</summary>
    public BkeyFormatBuilder()
        : this(KeySchema.Positions)
    {
    }

    /// <summary>An empty state for keys of <paramref name="schema"/>: every minimum 2^64-1 and every maximum 0 (for positions, size's minimum 0).</summary>
    public BkeyFormatBuilder(KeySchema schema)
    {
        Schema = schema;
        _min = new ulong[schema.FieldCount];
        _max = new ulong[schema.FieldCount];
        Array.Fill(_min, ulong.MaxValue);
        if (schema.IsPositions) _min[(int)BkeyField.Size] = 0; // a size of 0 is always representable
    }

    /// <summary>A state for position keys with the given per-field minima and maxima (6 each).</summary>
    public BkeyFormatBuilder(ReadOnlySpan<ulong> fieldMin, ReadOnlySpan<ulong> fieldMax)
    {
        Schema = KeySchema.Positions;
        if (fieldMin.Length != BkeyFields.Count || fieldMax.Length != BkeyFields.Count)
            throw new ArgumentException($"A format state has {BkeyFields.Count} minima and {BkeyFields.Count} maxima; got {fieldMin.Length} and {fieldMax.Length}.");
        _min = fieldMin.ToArray();
        _max = fieldMax.ToArray();
    }

    /// <summary>The schema whose fields are tracked.</summary>
    public KeySchema Schema { get; }

    /// <summary>Smallest value seen per field.</summary>
    public ReadOnlySpan<ulong> FieldMin => _min;

    /// <summary>Largest value seen per field.</summary>
    public ReadOnlySpan<ulong> FieldMax => _max;

    /// <summary>Widens every field's range to include the bcachefs key <paramref name="key"/>.</summary>
    public BkeyFormatBuilder AddKey(in Bkey key)
    {
        Span<ulong> fields = stackalloc ulong[BkeyFields.Count];
        key.GetFields(fields);
        return AddFields(fields);
    }

    /// <summary>Widens the three position fields' ranges to include <paramref name="position"/> (a node's min or max key).</summary>
    public BkeyFormatBuilder AddPosition(Bpos position)
    {
        Add(0, position.Inode);
        Add(1, position.Offset);
        Add(2, position.Snapshot);
        return this;
    }

    /// <summary>Widens every field's range to include a key given as all its fields.</summary>
    public BkeyFormatBuilder AddFields(ReadOnlySpan<ulong> fields)
    {
        for (var i = 0; i < _min.Length; i++) Add(i, fields[i]);
        return this;
    }

    /// <summary>Widens the key fields' ranges to include <paramref name="key"/> (a node's min or max key: key fields only).</summary>
    public BkeyFormatBuilder AddKeyFields(ReadOnlySpan<ulong> key)
    {
        for (var i = 0; i < Schema.KeyFieldCount; i++) Add(i, key[i]);
        return this;
    }

    /// <summary>The format for everything added so far.</summary>
    /// <param name="roundToBytes">
    /// Spend spare bits rounding widths up to whole bytes, as bcachefs always does; false gives the
    /// tightest widths, which benchmarks use to measure formats that are not byte-aligned.
    /// </param>
    public BkeyFormat Build(bool roundToBytes = true)
    {
        var count = _min.Length;
        Span<byte> bits = stackalloc byte[count];
        Span<ulong> offsets = stackalloc ulong[count];
        var total = BkeyFields.PackedBitsStart;
        for (var i = 0; i < count; i++)
        {
            var low = Math.Min(_min[i], _max[i]); // an empty range (min > max) becomes 0 bits at 0
            (bits[i], offsets[i]) = Clamp(i, BitMath.BitLength(_max[i] - low), low);
            total += bits[i];
        }
        var keyU64s = (total + 63) / 64;

        // Round widths up to whole bytes where the already spare bits of the last word allow.
        var spare = roundToBytes ? keyU64s * 64 - total : 0;
        for (var i = 0; i < count; i++)
        {
            var rounding = (bits[i] + 7) / 8 * 8 - bits[i];
            if (rounding > spare) continue;
            (bits[i], offsets[i]) = Clamp(i, bits[i] + rounding, offsets[i]);
            spare -= rounding;
        }
        return BkeyFormat.Create(Schema, keyU64s, bits, offsets);
    }

    /// <summary>Keeps the packed range inside the unpacked type: a full-width field gets offset 0, otherwise the offset is lowered until offset + ones(width) fits.</summary>
    private (byte Width, ulong Offset) Clamp(int field, int width, ulong offset)
    {
        var unpackedWidth = Schema.UnpackedWidth(field);
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
