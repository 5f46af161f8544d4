namespace Packtree.Keys;

/// <summary>
/// What a tree's keys are made of, fixed when the tree is made: a sequence of components, each one or more
/// 64-bit fields. A key is its fields compared as unsigned words, first to last; the encoding makes that the
/// order of the .NET values (docs/DESIGN.md §1.4). Fields the keys of a node share cost that node no bits
/// once formats are computed per node, so the padding words of a short string or a component that rarely
/// changes are free where they are constant.
/// </summary>
internal sealed class KeySchema
{
    /// <summary>LMDB's default key limit, and the default for byte-string trees.</summary>
    public const int DefaultByteStringBytes = 511;

    private readonly KeyComponent[] _components;
    private readonly int[] _firstField;

    /// <summary>A schema of <paramref name="components"/>, in order (at least one).</summary>
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
    }

    /// <summary>Keys that are byte strings of 0 to <paramref name="maxBytes"/> bytes, ordered as unsigned bytes.</summary>
    public static KeySchema ByteString(int maxBytes = DefaultByteStringBytes) => new(new KeyComponent(KeyComponentKind.Bytes, maxBytes));

    public IReadOnlyList<KeyComponent> Components => _components;

    /// <summary>Fields of a key, over all components.</summary>
    public int FieldCount { get; }

    /// <summary>Index of the first field of component <paramref name="component"/>.</summary>
    public int FirstField(int component) => _firstField[component];

    /// <summary>As the schema is written: <c>(Int64, DateTime, String(64))</c>.</summary>
    public override string ToString() => $"({string.Join(", ", _components)})";
}
