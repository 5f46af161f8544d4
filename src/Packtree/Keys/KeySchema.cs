namespace Packtree.Keys;

/// <summary>
/// What a tree's keys are made of, fixed when the tree is made: bcachefs positions (<see cref="Positions"/>), or a
/// sequence of components, each one or more 64-bit fields. A key is its first <see cref="KeyFieldCount"/> fields
/// compared as unsigned words, first to last; the encoding makes that the order of the .NET values
/// (docs/DESIGN.md §1.4). Fields the keys of a node share cost that node no bits once formats are computed per
/// node, so the padding words of a short string or a component that rarely changes are free where they are constant.
/// </summary>
internal sealed class KeySchema : IEquatable<KeySchema>
{
    /// <summary>LMDB's default key limit, and the default for byte-string trees.</summary>
    public const int DefaultByteStringBytes = 511;

    /// <summary>
    /// The most fields a schema may have: an unpacked key (its header word and one word per field) then takes at most
    /// 135 of a key's 255 words, leaving 120 (960 bytes) for the value. A 1,024-byte string and five more fields fit.
    /// </summary>
    public const int MaxFieldCount = 134;

    private readonly KeyComponent[] _components;
    private readonly int[] _firstField;
    private BkeyFormat? _unpacked;

    /// <summary>bcachefs's keys: six fields (inode, offset, snapshot, size, version hi, version lo), the first three the position.</summary>
    public static KeySchema Positions { get; } = new();

    private KeySchema()
    {
        _components = [];
        _firstField = [];
        FieldCount = BkeyFields.Count;
        KeyFieldCount = BkeyFields.PositionCount;
    }

    /// <summary>A schema of <paramref name="components"/>, in order (at least one, at most <see cref="MaxFieldCount"/> fields in all).</summary>
    public KeySchema(params KeyComponent[] components)
    {
        if (components.Length == 0) throw new ArgumentException("A key schema has at least one component.", nameof(components));
        _components = [.. components];
        _firstField = new int[components.Length];
        for (var i = 0; i < components.Length; i++)
        {
            _firstField[i] = FieldCount;
            FieldCount += components[i].FieldCount;
        }
        if (FieldCount > MaxFieldCount)
            throw new ArgumentException($"The key schema {this} takes {FieldCount} fields; a schema takes at most {MaxFieldCount} (a key is at most 255 words with its value).", nameof(components));
        KeyFieldCount = FieldCount;
    }

    /// <summary>Keys that are byte strings of 0 to <paramref name="maxBytes"/> bytes, ordered as unsigned bytes.</summary>
    public static KeySchema ByteString(int maxBytes = DefaultByteStringBytes) => new(new KeyComponent(KeyComponentKind.Bytes, maxBytes));

    /// <summary>Whether this is bcachefs's position schema.</summary>
    public bool IsPositions => ReferenceEquals(this, Positions);

    /// <summary>The components, in order; empty for <see cref="Positions"/>.</summary>
    public IReadOnlyList<KeyComponent> Components => _components;

    /// <summary>Fields of a key, over all components (6 for positions: size and version ride along unsorted).</summary>
    public int FieldCount { get; }

    /// <summary>The leading fields that order keys: 3 for positions, every field otherwise.</summary>
    public int KeyFieldCount { get; }

    /// <summary>Index of the first field of component <paramref name="component"/>.</summary>
    public int FirstField(int component) => _firstField[component];

    /// <summary>Width of field <paramref name="field"/> in an unpacked key: bcachefs's widths for positions, 64 otherwise.</summary>
    public int UnpackedWidth(int field) => IsPositions ? BkeyFields.UnpackedWidth(field) : 64;

    /// <summary>
    /// The format of an unpacked key: every field at its unpacked width, offsets 0. For positions it is bcachefs's
    /// (<see cref="BkeyFormat.Current"/>, the 40-byte <see cref="Bkey"/>); otherwise a header word and one word per field.
    /// </summary>
    public BkeyFormat UnpackedFormat => _unpacked ??= IsPositions ? BkeyFormat.Current : BkeyFormat.Unpacked(this);

    /// <summary>The largest value a key of this schema takes, in words: what a key of 255 words leaves beside an unpacked key (250 for positions).</summary>
    public int MaxValueU64s => Bkey.U64sMax - UnpackedFormat.KeyU64s;

    /// <summary>A short name for field <paramref name="field"/>, as format dumps print it: bcachefs's names for positions, else component and part (<c>1.ticks</c>, <c>0.w3</c>, <c>0.len</c>).</summary>
    public string FieldName(int field)
    {
        if (IsPositions) return BkeyFields.Name(field);
        ArgumentOutOfRangeException.ThrowIfNegative(field);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(field, FieldCount);
        var component = Array.FindLastIndex(_firstField, first => first <= field);
        var part = field - _firstField[component];
        var kind = _components[component];
        var name = kind.Kind switch
        {
            KeyComponentKind.Guid => part == 0 ? "hi" : "lo",
            KeyComponentKind.DateTime => part == 0 ? "ticks" : "kind",
            KeyComponentKind.DateTimeOffset => part == 0 ? "utc" : "offset",
            KeyComponentKind.String or KeyComponentKind.Bytes => part == kind.FieldCount - 1 ? "len" : $"w{part}",
            _ => kind.Kind.ToString().ToLowerInvariant(),
        };
        return $"{component}.{name}";
    }

    /// <summary>
    /// The schema as stores record it: a component count, then each component's kind (a byte) and largest size (two
    /// bytes, little-endian; 0 for fixed sizes). Positions are recorded by having no description at all.
    /// </summary>
    public byte[] ToBytes()
    {
        if (IsPositions) throw new InvalidOperationException("Position keys are recorded by the absence of a schema description.");
        var bytes = new byte[1 + 3 * _components.Length];
        bytes[0] = (byte)_components.Length;
        for (var i = 0; i < _components.Length; i++)
        {
            bytes[1 + 3 * i] = (byte)_components[i].Kind;
            System.Buffers.Binary.BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(2 + 3 * i), (ushort)_components[i].MaxBytes);
        }
        return bytes;
    }

    /// <summary>Reads what <see cref="ToBytes"/> wrote; null with the reason when the bytes describe no schema.</summary>
    public static KeySchema? TryRead(ReadOnlySpan<byte> bytes, out string? problem)
    {
        problem = null;
        if (bytes.Length == 0 || bytes[0] == 0 || bytes.Length != 1 + 3 * bytes[0])
        {
            problem = $"a key schema description of {bytes.Length} bytes for {(bytes.Length == 0 ? 0 : bytes[0])} components (each takes 3 bytes after the count)";
            return null;
        }
        var components = new KeyComponent[bytes[0]];
        for (var i = 0; i < components.Length; i++)
        {
            var kind = (KeyComponentKind)bytes[1 + 3 * i];
            int maxBytes = System.Buffers.Binary.BinaryPrimitives.ReadUInt16LittleEndian(bytes[(2 + 3 * i)..]);
            try
            {
                components[i] = new KeyComponent(kind, maxBytes);
            }
            catch (ArgumentOutOfRangeException e)
            {
                problem = $"key component {i} (kind {(byte)kind}, {maxBytes} bytes): {e.Message.Split(Environment.NewLine)[0]}";
                return null;
            }
        }
        try
        {
            return new KeySchema(components);
        }
        catch (ArgumentException e)
        {
            problem = e.Message.Split(Environment.NewLine)[0];
            return null;
        }
    }

    /// <inheritdoc/>
    public bool Equals(KeySchema? other) =>
        other is not null && (ReferenceEquals(this, other) || (!IsPositions && !other.IsPositions && _components.AsSpan().SequenceEqual(other._components)));

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as KeySchema);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(IsPositions);
        foreach (var component in _components) hash.Add(component);
        return hash.ToHashCode();
    }

    /// <summary>As the schema is written: <c>(Int64, DateTime, String(64))</c>, or <c>positions</c>.</summary>
    public override string ToString() => IsPositions ? "positions" : $"({string.Join(", ", _components)})";
}
