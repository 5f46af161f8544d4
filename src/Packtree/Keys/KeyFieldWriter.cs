using System.Buffers.Binary;
using System.Text;

namespace Packtree.Keys;

/// <summary>
/// Writes a key's components, in the schema's order, as the fields that order them (docs/DESIGN.md §1.4):
/// signed integers with the sign bit flipped, a Guid as the two words of its comparison order, a DateTime as
/// ticks and kind, a DateTimeOffset as UTC ticks and offset, strings (UTF-8) and bytes as zero-padded
/// big-endian words and a length. Each call checks the component's kind and size; a refusal names the
/// component, the limit and the size, and the key is not used.
/// </summary>
internal ref struct KeyFieldWriter
{
    private readonly KeySchema _schema;
    private readonly Span<ulong> _fields;
    private int _component;

    public KeyFieldWriter(KeySchema schema, Span<ulong> fields)
    {
        if (fields.Length < schema.FieldCount)
            throw new ArgumentException($"The schema {schema} takes {schema.FieldCount} fields; the span has {fields.Length}.", nameof(fields));
        _schema = schema;
        _fields = fields[..schema.FieldCount];
        _component = 0;
    }

    /// <summary>Whether every component has been written.</summary>
    public readonly bool IsComplete => _component == _schema.Components.Count;

    public void Int8(sbyte value) => Integer(KeyComponentKind.Int8, (byte)value ^ 0x80UL);

    public void Int16(short value) => Integer(KeyComponentKind.Int16, (ushort)value ^ 0x8000UL);

    public void Int32(int value) => Integer(KeyComponentKind.Int32, (uint)value ^ 0x8000_0000UL);

    public void Int64(long value) => Integer(KeyComponentKind.Int64, (ulong)value ^ 0x8000_0000_0000_0000UL);

    public void UInt8(byte value) => Integer(KeyComponentKind.UInt8, value);

    public void UInt16(ushort value) => Integer(KeyComponentKind.UInt16, value);

    public void UInt32(uint value) => Integer(KeyComponentKind.UInt32, value);

    public void UInt64(ulong value) => Integer(KeyComponentKind.UInt64, value);

    /// <summary>Guid.CompareTo compares its parts as unsigned in the order a (32 bits), b, c (16 bits each), then bytes d..k.</summary>
    public void Guid(Guid value)
    {
        var at = Next(KeyComponentKind.Guid);
        Span<byte> bytes = stackalloc byte[16];
        value.TryWriteBytes(bytes, bigEndian: true, out _);
        _fields[at] = BinaryPrimitives.ReadUInt64BigEndian(bytes);
        _fields[at + 1] = BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]);
    }

    /// <summary>DateTime.CompareTo orders by ticks alone; the kind follows so that it round-trips.</summary>
    public void DateTime(DateTime value)
    {
        var at = Next(KeyComponentKind.DateTime);
        _fields[at] = (ulong)value.Ticks;
        _fields[at + 1] = (ulong)value.Kind;
    }

    /// <summary>DateTimeOffset.CompareTo orders by the UTC instant; the offset follows so that it round-trips.</summary>
    public void DateTimeOffset(DateTimeOffset value)
    {
        var at = Next(KeyComponentKind.DateTimeOffset);
        _fields[at] = (ulong)value.UtcTicks;
        _fields[at + 1] = (ulong)(value.Offset.Ticks / TimeSpan.TicksPerMinute + 14 * 60);
    }

    /// <summary>A string as UTF-8 (so in code point order); unpaired surrogates are refused, as they have no UTF-8.</summary>
    public void String(ReadOnlySpan<char> value)
    {
        var component = Component(KeyComponentKind.String);
        var length = Encoding.UTF8.GetByteCount(value);
        if (length > component.MaxBytes)
            throw new ArgumentException($"Key component {_component} (String) takes at most {component.MaxBytes} UTF-8 bytes; this string has {length}.", nameof(value));
        Span<byte> bytes = length <= 1024 ? stackalloc byte[length] : new byte[length];
        try
        {
            new UTF8Encoding(false, throwOnInvalidBytes: true).GetBytes(value, bytes);
        }
        catch (EncoderFallbackException e)
        {
            throw new ArgumentException($"Key component {_component} (String) is not valid text: {e.Message}", nameof(value), e);
        }
        Words(bytes);
    }

    public void Bytes(ReadOnlySpan<byte> value)
    {
        var component = Component(KeyComponentKind.Bytes);
        if (value.Length > component.MaxBytes)
            throw new ArgumentException($"Key component {_component} (Bytes) takes at most {component.MaxBytes} bytes; these are {value.Length}.", nameof(value));
        Words(value);
    }

    private void Integer(KeyComponentKind kind, ulong field) => _fields[Next(kind)] = field;

    private void Words(scoped ReadOnlySpan<byte> bytes)
    {
        var component = _schema.Components[_component];
        var at = Next(component.Kind);
        var words = component.FieldCount - 1;
        Span<byte> word = stackalloc byte[8];
        for (var i = 0; i < words; i++)
        {
            var start = i * 8;
            if (start >= bytes.Length)
            {
                _fields[at + i] = 0;
                continue;
            }
            word.Clear();
            bytes.Slice(start, Math.Min(8, bytes.Length - start)).CopyTo(word);
            _fields[at + i] = BinaryPrimitives.ReadUInt64BigEndian(word);
        }
        _fields[at + words] = (ulong)bytes.Length;
    }

    private readonly KeyComponent Component(KeyComponentKind kind)
    {
        if (_component >= _schema.Components.Count)
            throw new InvalidOperationException($"The key already has all {_schema.Components.Count} components of {_schema}.");
        var component = _schema.Components[_component];
        if (component.Kind != kind)
            throw new ArgumentException($"Key component {_component} of {_schema} is {component.Kind}, not {kind}.");
        return component;
    }

    /// <summary>Checks the next component is of <paramref name="kind"/>, moves past it, and returns its first field.</summary>
    private int Next(KeyComponentKind kind)
    {
        Component(kind);
        return _schema.FirstField(_component++);
    }
}
