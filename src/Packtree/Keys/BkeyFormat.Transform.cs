namespace Packtree.Keys;

// Repacking a key from one format into another, as when keys move into a node with a new format.
internal sealed partial class BkeyFormat
{
    /// <summary>
    /// Repacks a key of format <paramref name="inputFormat"/> (key followed by its value words) into
    /// this format: every field is unpacked and packed again, the value copied unchanged. The header
    /// gets u64s = <see cref="KeyU64s"/> + value words, format 0, the same needs_whiteout and type.
    /// An unpacked key (format 1) is read as its schema's unpacked format (<see cref="Current"/> for positions).
    /// Returns false, writing nothing, when a field does not fit this format.
    /// </summary>
    /// <param name="inputFormat">The input key's format.</param>
    /// <param name="input">The whole input: header u64s words.</param>
    /// <param name="output">Room for the output: <see cref="KeyU64s"/> plus the value words.</param>
    /// <param name="written">Bytes written.</param>
    /// <exception cref="InvalidPackedKeyException">The input's u64s is inconsistent with its format or the span.</exception>
    public bool TryTransform(BkeyFormat inputFormat, ReadOnlySpan<byte> input, Span<byte> output, out int written)
    {
        written = 0;
        if (!inputFormat.Schema.Equals(Schema))
            throw new ArgumentException($"A key of {inputFormat.Schema} cannot move into a format of {Schema}.", nameof(inputFormat));
        inputFormat.CheckKeyLength(input.Length);
        var valueU64s = input[0] - inputFormat.KeyU64s;
        if ((uint)valueU64s > MaxValueU64s || input.Length < input[0] * 8)
        {
            throw new InvalidPackedKeyException(
                $"Key {Convert.ToHexStringLower(input[..inputFormat.KeyBytes])} has u64s {input[0]}, inconsistent with key_u64s {inputFormat.KeyU64s} " +
                $"(the value must be 0..{MaxValueU64s} words) or with the {input.Length} bytes given.");
        }
        var total = (KeyU64s + valueU64s) * 8;
        if (output.Length < total)
            throw new ArgumentException($"The transformed key takes {total} bytes; the output span has {output.Length}.", nameof(output));

        Span<ulong> values = stackalloc ulong[FieldCount];
        inputFormat.UnpackFields(input, values);
        Span<ulong> words = stackalloc ulong[KeyU64s];
        if (!TryInsertFields(words, values)) return false;

        words[0] |= (uint)(KeyU64s + valueU64s) | ((ulong)(input[KeyHeader.FormatByteOffset] & KeyHeader.NeedsWhiteoutBit) << KeyHeader.FormatByteShift) | ((ulong)input[2] << 16);
        KeyWords.WriteTo(words, output);
        input.Slice(inputFormat.KeyBytes, valueU64s * 8).CopyTo(output[KeyBytes..]);
        written = total;
        return true;
    }
}
