using System.Buffers.Binary;
using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace Packtree.Keys;

// Generic unpacking: every field is read through its FieldLayout, whatever the format.
internal sealed partial class BkeyFormat
{
    /// <summary>Unpacks a key packed in this format (the generic bit-stream path).</summary>
    /// <param name="packed">The packed key: at least <see cref="KeyBytes"/> bytes; the value, if any, follows and is not read.</param>
    /// <exception cref="InvalidPackedKeyException">The header is inconsistent with this format.</exception>
    public Bkey Unpack(ReadOnlySpan<byte> packed)
    {
        Unpack(packed, out var key);
        return key;
    }

    /// <inheritdoc cref="Unpack(ReadOnlySpan{byte})"/>
    public void Unpack(ReadOnlySpan<byte> packed, out Bkey key)
    {
        Debug.Assert(Schema.IsPositions, "A Bkey holds the fields of a position key.");
        CheckPackedHeader(packed);
        var f = _fields;
        key = default;
        UnpackHeader(packed, ref key);
        key.Position = new Bpos(
            ReadField(packed, f[0]),
            ReadField(packed, f[1]),
            (uint)ReadField(packed, f[2]));
        key.Size = (uint)ReadField(packed, f[3]);
        key.Version = new Bversion((uint)ReadField(packed, f[4]), ReadField(packed, f[5]));
    }

    /// <summary>
    /// Sets the unpacked header from a checked packed one: u64s = packed u64s - key_u64s + 5,
    /// format 1, needs_whiteout and type copied, pad 0.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void UnpackHeader(ReadOnlySpan<byte> packed, ref Bkey key)
    {
        key.U64s = (byte)(packed[0] - KeyU64s + Bkey.U64sUnpacked);
        key.Format = Bkey.FormatCurrent;
        key.NeedsWhiteout = KeyHeader.NeedsWhiteout(packed[KeyHeader.FormatByteOffset]);
        key.Type = packed[2];
    }

    /// <summary>Unpacks only the position of a key packed in this format.</summary>
    /// <exception cref="InvalidPackedKeyException">The header is inconsistent with this format.</exception>
    public Bpos UnpackPosition(ReadOnlySpan<byte> packed)
    {
        CheckPackedHeader(packed);
        var f = _fields;
        return new Bpos(ReadField(packed, f[0]), ReadField(packed, f[1]), (uint)ReadField(packed, f[2]));
    }

    /// <summary>
    /// Unpacks the key fields (the first <see cref="KeySchema.KeyFieldCount"/>, which order keys) of a key packed in
    /// this format into <paramref name="key"/>.
    /// </summary>
    /// <exception cref="InvalidPackedKeyException">The header is inconsistent with this format.</exception>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)] // a scan's first runs must not wait for tiering
    public void UnpackKey(ReadOnlySpan<byte> packed, Span<ulong> key)
    {
        CheckPackedHeader(packed);
        var count = Schema.KeyFieldCount;
        for (var i = 0; i < count; i++) key[i] = KeyFieldAt(packed, i);
    }

    /// <summary>
    /// Reads the key fields of a key laid out in this format without looking at its header: for a key unpacked in
    /// the schema's unpacked format (format byte 1) as well as one packed in this format.
    /// </summary>
    public void ReadKeyFields(ReadOnlySpan<byte> key, Span<ulong> fields)
    {
        CheckKeyLength(key.Length);
        var f = _fields;
        var masks = _unpackedMasks;
        var count = _keyFieldCount;
        if ((uint)count > (uint)fields.Length || (uint)count > (uint)f.Length) ThrowShortKeySpan(fields.Length);
        if (count == BkeyFields.PositionCount && fields.Length >= 3 && f.Length >= 3 && masks.Length >= 3)
        {
            // Three key fields (every position key): unrolled, the bounds checked once above.
            fields[0] = ReadField(key, f[0]) & masks[0];
            fields[1] = ReadField(key, f[1]) & masks[1];
            fields[2] = ReadField(key, f[2]) & masks[2];
            return;
        }
        for (var i = 0; i < count; i++) fields[i] = ReadField(key, f[i]) & masks[i];
    }

    [DoesNotReturn]
    private void ThrowShortKeySpan(int length) =>
        throw new ArgumentException($"A key of {Schema} has {Schema.KeyFieldCount} key fields; the span has room for {length}.");

    /// <summary>
    /// Field <paramref name="i"/> of a key laid out in this format, offset added and wrapped to the field's unpacked width
    /// (as a C bitfield would be); the header is not looked at, the caller has checked the key's length.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal ulong KeyFieldAt(ReadOnlySpan<byte> key, int i) => ReadField(key, _fields[i]) & _unpackedMasks[i];

    /// <summary>Reads every field's unpacked value (offset added) into <paramref name="values"/> (<see cref="FieldCount"/> entries).</summary>
    public void UnpackFields(ReadOnlySpan<byte> packed, Span<ulong> values)
    {
        CheckKeyLength(packed.Length);
        for (var i = 0; i < _fields.Length; i++) values[i] = KeyFieldAt(packed, i);
    }

    /// <summary>Whether a packed key's header is consistent with this format; <paramref name="reason"/> says why not.</summary>
    public bool IsPackedHeaderValid(ReadOnlySpan<byte> packed, [NotNullWhen(false)] out string? reason)
    {
        reason = null;
        if (packed.Length < KeyBytes)
            reason = $"a packed key in this format takes {KeyBytes} bytes, only {packed.Length} were given";
        else if (KeyHeader.GetFormat(packed[KeyHeader.FormatByteOffset]) != Bkey.FormatLocalBtree)
            reason = $"its header says format {KeyHeader.GetFormat(packed[KeyHeader.FormatByteOffset])}, not {Bkey.FormatLocalBtree} (packed in the node's format)";
        else if ((uint)(packed[0] - KeyU64s) > MaxValueU64s)
            reason = $"its header says u64s {packed[0]}, but with key_u64s {KeyU64s} the value must be 0..{MaxValueU64s} words, so u64s must be {KeyU64s}..{KeyU64s + MaxValueU64s}";
        return reason is null;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void CheckPackedHeader(ReadOnlySpan<byte> packed)
    {
        // One unsigned compare covers u64s < key_u64s and a value longer than the schema allows (250 words for positions).
        if (packed.Length < KeyBytes || KeyHeader.GetFormat(packed[KeyHeader.FormatByteOffset]) != Bkey.FormatLocalBtree || (uint)(packed[0] - KeyU64s) > MaxValueU64s)
            ThrowInvalidHeader(packed);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void CheckKeyLength(int length)
    {
        if (length < KeyBytes) ThrowTooShort(length);
    }

    [DoesNotReturn]
    private void ThrowInvalidHeader(ReadOnlySpan<byte> packed)
    {
        IsPackedHeaderValid(packed, out var reason);
        if (packed.Length < KeyBytes) ThrowTooShort(packed.Length);
        throw new InvalidPackedKeyException($"Packed key {Convert.ToHexStringLower(packed[..KeyBytes])} is invalid for format [{this}]: {reason}.");
    }

    [DoesNotReturn]
    private void ThrowTooShort(int length) =>
        throw new ArgumentException($"A packed key in format [{this}] takes {KeyBytes} bytes; the span has {length}.");

    /// <summary>Reads one field and adds its offset. The caller has checked that the key is long enough.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong ReadField(ReadOnlySpan<byte> packed, in FieldLayout field)
    {
        var word = field.LowBit >> 6;
        var shift = field.LowBit & 63;
        var value = ReadWord(packed, word) >> shift;
        if (shift + field.Width > 64) value |= ReadWord(packed, word + 1) << (64 - shift);
        return (value & field.Mask) + field.Offset;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong ReadWord(ReadOnlySpan<byte> packed, int word) =>
        BinaryPrimitives.ReadUInt64LittleEndian(packed.Slice(word * 8, 8));
}
