using System.Buffers.Binary;
using System.Text;

namespace Packtree.Keys;

/// <summary>
/// Reads a key's components back from its fields, in the schema's order: the inverse of
/// <see cref="KeyFieldWriter"/>. Fields no writer makes (a length past the component's limit, bytes after
/// the length, a DateTime kind or an offset out of range, bytes that are not UTF-8) come only from damaged
/// data and are refused with an <see cref="InvalidDataException"/> naming the component and the field.
/// </summary>
internal ref struct KeyFieldReader
{
    private static readonly UTF8Encoding StrictUtf8 = new(false, throwOnInvalidBytes: true);

    private readonly KeySchema _schema;
    private readonly ReadOnlySpan<ulong> _fields;
    private int _component;

    public KeyFieldReader(KeySchema schema, ReadOnlySpan<ulong> fields)
    {
        if (fields.Length < schema.FieldCount)
            throw new ArgumentException($"The schema {schema} takes {schema.FieldCount} fields; the span has {fields.Length}.", nameof(fields));
        _schema = schema;
        _fields = fields[..schema.FieldCount];
        _component = 0;
    }

    public sbyte Int8() => (sbyte)(byte)(Integer(KeyComponentKind.Int8, byte.MaxValue) ^ 0x80);

    public short Int16() => (short)(ushort)(Integer(KeyComponentKind.Int16, ushort.MaxValue) ^ 0x8000);

    public int Int32() => (int)(uint)(Integer(KeyComponentKind.Int32, uint.MaxValue) ^ 0x8000_0000);

    public long Int64() => (long)(Integer(KeyComponentKind.Int64, ulong.MaxValue) ^ 0x8000_0000_0000_0000);

    public byte UInt8() => (byte)Integer(KeyComponentKind.UInt8, byte.MaxValue);

    public ushort UInt16() => (ushort)Integer(KeyComponentKind.UInt16, ushort.MaxValue);

    public uint UInt32() => (uint)Integer(KeyComponentKind.UInt32, uint.MaxValue);

    public ulong UInt64() => Integer(KeyComponentKind.UInt64, ulong.MaxValue);

    public Guid Guid()
    {
        var at = Next(KeyComponentKind.Guid);
        Span<byte> bytes = stackalloc byte[16];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, _fields[at]);
        BinaryPrimitives.WriteUInt64BigEndian(bytes[8..], _fields[at + 1]);
        return new Guid(bytes, bigEndian: true);
    }

    public DateTime DateTime()
    {
        var at = Next(KeyComponentKind.DateTime);
        var (ticks, kind) = (_fields[at], _fields[at + 1]);
        if (ticks > (ulong)System.DateTime.MaxValue.Ticks || kind > (ulong)DateTimeKind.Local)
            throw Bad($"ticks {ticks} and kind {kind} are no DateTime");
        return new DateTime((long)ticks, (DateTimeKind)kind);
    }

    public DateTimeOffset DateTimeOffset()
    {
        var at = Next(KeyComponentKind.DateTimeOffset);
        var (ticks, offset) = (_fields[at], _fields[at + 1]);
        if (offset > 28 * 60) throw Bad($"offset field {offset} is past ±14 hours");
        var span = TimeSpan.FromMinutes((long)offset - 14 * 60);
        if (ticks > (ulong)System.DateTime.MaxValue.Ticks || (long)ticks + span.Ticks < 0 || (long)ticks + span.Ticks > System.DateTime.MaxValue.Ticks)
            throw Bad($"UTC ticks {ticks} with offset {span} are no DateTimeOffset");
        return new DateTimeOffset((long)ticks + span.Ticks, span);
    }

    public string String()
    {
        var component = _schema.Components[Math.Min(_component, _schema.Components.Count - 1)];
        Span<byte> bytes = component.MaxBytes <= 1024 ? stackalloc byte[component.MaxBytes] : new byte[component.MaxBytes];
        var length = Words(KeyComponentKind.String, bytes);
        try
        {
            return StrictUtf8.GetString(bytes[..length]);
        }
        catch (DecoderFallbackException e)
        {
            throw Bad($"its bytes are not UTF-8 ({e.Message})");
        }
    }

    /// <summary>A bytes component into <paramref name="destination"/> (room for its largest size); returns its length. Allocates nothing.</summary>
    public int Bytes(Span<byte> destination) => Words(KeyComponentKind.Bytes, destination);

    public byte[] Bytes()
    {
        var component = _schema.Components[Math.Min(_component, _schema.Components.Count - 1)];
        var bytes = new byte[component.MaxBytes];
        var length = Words(KeyComponentKind.Bytes, bytes);
        return bytes[..length];
    }

    private ulong Integer(KeyComponentKind kind, ulong max)
    {
        var field = _fields[Next(kind)];
        if (field > max) throw Bad($"field {field} is wider than a {kind}");
        return field;
    }

    /// <summary>The words and length of a string or bytes component into <paramref name="bytes"/>; returns the length.</summary>
    private int Words(KeyComponentKind kind, scoped Span<byte> bytes)
    {
        var component = _schema.Components[Math.Min(_component, _schema.Components.Count - 1)];
        var at = Next(kind);
        var words = component.FieldCount - 1;
        var length = _fields[at + words];
        if (length > (ulong)component.MaxBytes) throw Bad($"length {length} is past the component's {component.MaxBytes} bytes");
        Span<byte> word = stackalloc byte[8];
        for (var i = 0; i < words; i++)
        {
            BinaryPrimitives.WriteUInt64BigEndian(word, _fields[at + i]);
            var start = i * 8;
            var take = (int)Math.Clamp((long)length - start, 0, 8);
            if (word[take..].ContainsAnyExcept((byte)0)) throw Bad($"word {i} has bytes past the length {length}");
            word[..take].CopyTo(bytes[start..]);
        }
        return (int)length;
    }

    private int Next(KeyComponentKind kind)
    {
        if (_component >= _schema.Components.Count)
            throw new InvalidOperationException($"The key's {_schema.Components.Count} components of {_schema} have all been read.");
        var component = _schema.Components[_component];
        if (component.Kind != kind) throw new InvalidOperationException($"Key component {_component} of {_schema} is {component.Kind}, not {kind}.");
        return _schema.FirstField(_component++);
    }

    /// <summary>The component just read is damaged.</summary>
    private readonly InvalidDataException Bad(string rule) =>
        new($"Key component {_component - 1} ({_schema.Components[_component - 1]}) of {_schema}: {rule}.");
}
