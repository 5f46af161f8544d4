using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Packtree.Keys;

/// <summary>
/// A packed key format (bcachefs's <c>struct bkey_format</c>, for any key schema): how many words a packed key
/// takes, and the width and offset of each of the schema's fields (six for bcachefs positions). Instances are
/// immutable and always valid; the layout every packing operation needs is computed once here.
/// </summary>
/// <remarks>
/// On-disk image: byte 0 key_u64s, byte 1 nr_fields, then the widths, zero-padded to a multiple of 8 bytes, then
/// the offsets as little-endian u64. For positions (6 fields) that is bcachefs's 56 bytes.
/// The operations on packed keys live in the other parts of this partial class, one per file.
/// </remarks>
internal sealed partial class BkeyFormat : IEquatable<BkeyFormat>
{
    /// <summary>Size of the on-disk image of a position format (bcachefs's) in bytes.</summary>
    public const int ByteCount = 56;

    private readonly FieldLayout[] _fields;
    private readonly ulong[] _unpackedMasks; // ones(unpacked width) per field: a read wraps as a C bitfield would
    private readonly int _keyFieldCount;
    private readonly ByteAlignedField[]? _byteAligned;
    private BkeyFormat? _shape;

    private BkeyFormat(KeySchema schema, int keyU64s, ReadOnlySpan<byte> bits, ReadOnlySpan<ulong> offsets)
    {
        Schema = schema;
        KeyU64s = keyU64s;
        _fields = new FieldLayout[schema.FieldCount];
        _unpackedMasks = new ulong[schema.FieldCount];
        _keyFieldCount = schema.KeyFieldCount;
        var top = 64 * keyU64s;
        for (var i = 0; i < _fields.Length; i++)
        {
            int width = bits[i];
            top -= width;
            _fields[i] = new FieldLayout(width == 0 ? 0 : top, width, BitMath.Ones(width), offsets[i]);
            TotalFieldBits += width;
            if (i < schema.KeyFieldCount) KeyBits += width;
            _unpackedMasks[i] = BitMath.Ones(schema.UnpackedWidth(i));
        }
        _byteAligned = ComputeByteAligned(_fields);
    }

    /// <summary>
    /// bcachefs's unpacked format (<c>BKEY_FORMAT_CURRENT</c>): 5 words, widths 64/64/32/32/32/64,
    /// all offsets 0. A key packed in it has the <see cref="Bkey"/> layout.
    /// </summary>
    public static BkeyFormat Current { get; } = new(KeySchema.Positions, 5, [64, 64, 32, 32, 32, 64], [0, 0, 0, 0, 0, 0]);

    /// <summary>The unpacked format of <paramref name="schema"/>: every field at its unpacked width, offsets 0 (see <see cref="KeySchema.UnpackedFormat"/>).</summary>
    internal static BkeyFormat Unpacked(KeySchema schema)
    {
        var bits = new byte[schema.FieldCount];
        var total = 0;
        for (var i = 0; i < bits.Length; i++) total += bits[i] = (byte)schema.UnpackedWidth(i);
        return new BkeyFormat(schema, RequiredKeyU64s(total), bits, new ulong[bits.Length]);
    }

    /// <summary>The key schema whose fields this format packs.</summary>
    public KeySchema Schema { get; }

    /// <summary>Number of fields (the schema's).</summary>
    public int FieldCount => _fields.Length;

    /// <summary>The largest value of a key in this format, in words (250 for positions).</summary>
    public int MaxValueU64s => Schema.MaxValueU64s;

    /// <summary>Size of this format's on-disk image in bytes.</summary>
    public int ImageBytes => ImageByteCount(FieldCount);

    /// <summary>Size of the on-disk image of a format of <paramref name="fieldCount"/> fields: 56 for 6.</summary>
    public static int ImageByteCount(int fieldCount) => OffsetsStart(fieldCount) + 8 * fieldCount;

    private static int OffsetsStart(int fieldCount) => (2 + fieldCount + 7) / 8 * 8;

    /// <summary>Size of a packed key's header and fields in 8-byte words (1..5 for positions); the value follows.</summary>
    public int KeyU64s { get; }

    /// <summary>Size of a packed key's header and fields in bytes.</summary>
    public int KeyBytes => KeyU64s * 8;

    /// <summary>Width of the position fields together (bcachefs's <c>nr_key_bits</c>): the bits a packed compare looks at.</summary>
    public int KeyBits { get; }

    /// <summary>Sum of all widths.</summary>
    public int TotalFieldBits { get; }

    /// <summary>Bits between the header and the lowest field, unused by this format.</summary>
    public int UnusedBits => 64 * KeyU64s - BkeyFields.PackedBitsStart - TotalFieldBits;

    /// <summary>Where each field lies, in field order.</summary>
    public ReadOnlySpan<FieldLayout> Fields => _fields;

    /// <summary>Width of <paramref name="field"/> in bits.</summary>
    public int Width(BkeyField field) => _fields[(int)field].Width;

    /// <summary>Offset (bias) of <paramref name="field"/>.</summary>
    public ulong Offset(BkeyField field) => _fields[(int)field].Offset;

    /// <summary>
    /// True when every non-empty field's most significant bit is bit 7 of a byte, so that each field
    /// can be read with one 8-byte load and one shift (see <see cref="ByteAlignedFields"/>).
    /// </summary>
    public bool IsByteAligned => _byteAligned is not null;

    /// <summary>The byte-aligned load constants per field; empty when <see cref="IsByteAligned"/> is false.</summary>
    public ReadOnlySpan<ByteAlignedField> ByteAlignedFields => _byteAligned;

    /// <summary>
    /// The format of the same schema, key_u64s and widths with every offset 0. Formats of one shape lay out their
    /// fields alike and differ only in what unpacking adds, so code that reads the offsets at run time serves them all.
    /// </summary>
    public BkeyFormat Shape
    {
        get
        {
            if (_shape is { } shape) return shape;
            var widths = new byte[_fields.Length];
            for (var i = 0; i < widths.Length; i++) widths[i] = (byte)_fields[i].Width;
            return _shape = _fields.All(f => f.Offset == 0) ? this : new BkeyFormat(Schema, KeyU64s, widths, new ulong[_fields.Length]);
        }
    }

    /// <summary>Creates a position format, checking bcachefs's validity rules.</summary>
    /// <exception cref="InvalidBkeyFormatException">The format breaks a rule; the message names it.</exception>
    public static BkeyFormat Create(int keyU64s, ReadOnlySpan<byte> bits, ReadOnlySpan<ulong> offsets) =>
        Create(KeySchema.Positions, keyU64s, bits, offsets);

    /// <summary>Creates a format for <paramref name="schema"/>, checking bcachefs's validity rules over its fields.</summary>
    /// <exception cref="InvalidBkeyFormatException">The format breaks a rule; the message names it.</exception>
    public static BkeyFormat Create(KeySchema schema, int keyU64s, ReadOnlySpan<byte> bits, ReadOnlySpan<ulong> offsets)
    {
        if (bits.Length != schema.FieldCount || offsets.Length != schema.FieldCount)
            throw new ArgumentException($"A format of {schema} has {schema.FieldCount} widths and {schema.FieldCount} offsets; got {bits.Length} and {offsets.Length}.");
        var error = Validate(schema, keyU64s, schema.FieldCount, bits, offsets);
        if (error is not null) throw new InvalidBkeyFormatException(error);
        return new BkeyFormat(schema, keyU64s, bits, offsets);
    }

    /// <summary>
    /// Creates a position format from widths and offsets, with the smallest key_u64s that fits them.
    /// </summary>
    /// <exception cref="InvalidBkeyFormatException">A field is too large.</exception>
    public static BkeyFormat Create(ReadOnlySpan<byte> bits, ReadOnlySpan<ulong> offsets) => Create(KeySchema.Positions, bits, offsets);

    /// <summary>Creates a format for <paramref name="schema"/> from widths and offsets, with the smallest key_u64s that fits them.</summary>
    /// <exception cref="InvalidBkeyFormatException">A field is too large.</exception>
    public static BkeyFormat Create(KeySchema schema, ReadOnlySpan<byte> bits, ReadOnlySpan<ulong> offsets)
    {
        var total = 0;
        foreach (var b in bits) total += b;
        return Create(schema, RequiredKeyU64s(total), bits, offsets);
    }

    /// <summary>Word count needed by the 24 header bits plus <paramref name="totalFieldBits"/>.</summary>
    public static int RequiredKeyU64s(int totalFieldBits) => (BkeyFields.PackedBitsStart + totalFieldBits + 63) / 64;

    /// <summary>
    /// Checks bcachefs's rules in bcachefs's order and returns the first failure, or null when the
    /// format is valid.
    /// </summary>
    public static BkeyFormatError? Validate(int keyU64s, int nrFields, ReadOnlySpan<byte> bits, ReadOnlySpan<ulong> offsets) =>
        Validate(KeySchema.Positions, keyU64s, nrFields, bits, offsets);

    /// <summary>As <see cref="Validate(int, int, ReadOnlySpan{byte}, ReadOnlySpan{ulong})"/>, for a format of <paramref name="schema"/>.</summary>
    public static BkeyFormatError? Validate(KeySchema schema, int keyU64s, int nrFields, ReadOnlySpan<byte> bits, ReadOnlySpan<ulong> offsets)
    {
        var count = schema.FieldCount;
        if (nrFields != count)
        {
            return new BkeyFormatError(BkeyFormatRule.FieldCount, -1, (ulong)nrFields, 0, (ulong)count,
                $"a format of {schema} describes exactly {count} fields, this one says {nrFields}");
        }

        var total = 0;
        for (var i = 0; i < count; i++)
        {
            int width = bits[i];
            var unpackedWidth = schema.UnpackedWidth(i);
            var unpackedMax = BitMath.Ones(unpackedWidth);
            var packedMax = BitMath.Ones(width);
            var offset = offsets[i];
            string? detail = null;
            if (width > unpackedWidth)
                detail = $"{schema.FieldName(i)} is {width} bits wide but holds only {unpackedWidth} bits unpacked";
            else if (width == unpackedWidth && offset != 0)
                detail = $"{schema.FieldName(i)} is full width ({width} bits), so its offset must be 0, not {offset}";
            else if (offset > unpackedMax - packedMax)
                detail = $"{schema.FieldName(i)} offset {offset} plus the largest {width}-bit value exceeds the {unpackedWidth}-bit maximum";
            if (detail is not null)
                return new BkeyFormatError(BkeyFormatRule.FieldTooLarge, i, packedMax, offset, unpackedMax, detail);
            total += width;
        }

        var required = RequiredKeyU64s(total);
        if (keyU64s != required)
        {
            return new BkeyFormatError(BkeyFormatRule.KeyU64s, -1, (ulong)keyU64s, (ulong)required, (ulong)required,
                $"24 header bits plus {total} field bits need {required} words, the format says {keyU64s}");
        }
        return null;
    }

    /// <summary>Reads and validates the 56-byte on-disk image of a position format.</summary>
    /// <exception cref="InvalidBkeyFormatException">The format breaks a rule.</exception>
    public static BkeyFormat Read(ReadOnlySpan<byte> source) => Read(KeySchema.Positions, source);

    /// <summary>Reads and validates the on-disk image of a format of <paramref name="schema"/> (<see cref="ImageByteCount"/> bytes).</summary>
    /// <exception cref="InvalidBkeyFormatException">The format breaks a rule.</exception>
    public static BkeyFormat Read(KeySchema schema, ReadOnlySpan<byte> source)
    {
        if (!TryRead(schema, source, out var format, out var error)) throw new InvalidBkeyFormatException(error!);
        return format!;
    }

    /// <summary>Reads the 56-byte image of a position format; on failure returns false and the rule it breaks.</summary>
    public static bool TryRead(ReadOnlySpan<byte> source, out BkeyFormat? format, out BkeyFormatError? error) =>
        TryRead(KeySchema.Positions, source, out format, out error);

    /// <summary>Reads the image of a format of <paramref name="schema"/>; on failure returns false and the rule it breaks.</summary>
    public static bool TryRead(KeySchema schema, ReadOnlySpan<byte> source, out BkeyFormat? format, out BkeyFormatError? error)
    {
        var count = schema.FieldCount;
        var bytes = ImageByteCount(count);
        if (source.Length < bytes)
            throw new ArgumentException($"A format of {schema} needs {bytes} bytes; the span has {source.Length}.", nameof(source));
        Span<ulong> offsets = stackalloc ulong[count];
        var start = OffsetsStart(count);
        for (var i = 0; i < count; i++)
            offsets[i] = BinaryPrimitives.ReadUInt64LittleEndian(source[(start + 8 * i)..]);
        var bits = source.Slice(2, count);
        error = Validate(schema, source[0], source[1], bits, offsets);
        format = error is null ? new BkeyFormat(schema, source[0], bits, offsets) : null;
        return error is null;
    }

    /// <summary>Writes the on-disk image (<see cref="ImageBytes"/> bytes; padding zero).</summary>
    public void Write(Span<byte> destination)
    {
        if (destination.Length < ImageBytes)
            throw new ArgumentException($"A format of {Schema} needs {ImageBytes} bytes; the span has {destination.Length}.", nameof(destination));
        destination[..ImageBytes].Clear();
        destination[0] = (byte)KeyU64s;
        destination[1] = (byte)FieldCount;
        var start = OffsetsStart(FieldCount);
        for (var i = 0; i < _fields.Length; i++)
        {
            destination[2 + i] = (byte)_fields[i].Width;
            BinaryPrimitives.WriteUInt64LittleEndian(destination[(start + 8 * i)..], _fields[i].Offset);
        }
    }

    /// <summary>The on-disk image.</summary>
    public byte[] ToBytes()
    {
        var bytes = new byte[ImageBytes];
        Write(bytes);
        return bytes;
    }

    private static ByteAlignedField[]? ComputeByteAligned(FieldLayout[] fields)
    {
        var result = new ByteAlignedField[fields.Length];
        for (var i = 0; i < fields.Length; i++)
        {
            var field = fields[i];
            if (field.Width == 0)
            {
                result[i] = new ByteAlignedField(0, 64);
                continue;
            }
            // The 8-byte load must end at the byte holding the field's top bit.
            var end = field.HighBit + 1;
            if (end % 8 != 0) return null;
            result[i] = new ByteAlignedField(end / 8 - 8, 64 - field.Width);
        }
        return result;
    }

    /// <inheritdoc/>
    public bool Equals(BkeyFormat? other)
    {
        if (other is null) return false;
        if (ReferenceEquals(this, other)) return true;
        return KeyU64s == other.KeyU64s && Schema.Equals(other.Schema) && _fields.AsSpan().SequenceEqual(other._fields);
    }

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as BkeyFormat);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(KeyU64s);
        hash.Add(Schema);
        foreach (var field in _fields)
        {
            hash.Add(field.Width);
            hash.Add(field.Offset);
        }
        return hash.ToHashCode();
    }

    /// <summary>
    /// Prints the format the way a person reading a node dump wants it:
    /// <c>key_u64s 2: inode 16 bits +5000, offset 64 bits, snapshot 8 bits +7, size 0, version_hi 0, version_lo 0 (88 key bits, byte-aligned)</c>.
    /// </summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"key_u64s {KeyU64s}:");
        for (var i = 0; i < _fields.Length; i++)
        {
            var field = _fields[i];
            text.Append(i == 0 ? " " : ", ").Append(Schema.FieldName(i)).Append(' ').Append(field.Width);
            if (field.Width != 0) text.Append(" bits");
            if (field.Offset != 0) text.Append(CultureInfo.InvariantCulture, $" +{field.Offset}");
        }
        text.Append(CultureInfo.InvariantCulture, $" ({KeyBits} key bits, {(IsByteAligned ? "byte-aligned" : "not byte-aligned")})");
        return text.ToString();
    }
}
