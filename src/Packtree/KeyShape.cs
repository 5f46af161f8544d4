using Packtree.Keys;

namespace Packtree;

/// <summary>
/// The shape of a typed key: its components in order (from <see cref="KeyParts"/>), ordering keys as the .NET values
/// compare, first component first. Make one with <see cref="KeyShape.Of{T1, T2}(KeyPart{T1}, KeyPart{T2})"/> and its
/// siblings; a tree made with it (<see cref="Store.GetOrCreateTree{TKey}(string, KeyShape{TKey})"/>) takes keys of
/// <typeparamref name="TKey"/>.
/// </summary>
/// <typeparam name="TKey">The key's .NET type: one component's type, or a tuple of them.</typeparam>
public sealed class KeyShape<TKey>
{
    internal delegate void Encoder(ref KeyFieldWriter writer, TKey key);

    internal delegate TKey Decoder(ref KeyFieldReader reader);

    private readonly Encoder _encode;
    private readonly Decoder _decode;

    internal KeyShape(KeySchema schema, Encoder encode, Decoder decode)
    {
        Schema = schema;
        KeyKind = KeyKind.Of(schema);
        _encode = encode;
        _decode = decode;
    }

    /// <summary>The kind of keys a tree of this shape has.</summary>
    public KeyKind KeyKind { get; }

    /// <summary>How many components a key has.</summary>
    public int Components => Schema.Components.Count;

    internal KeySchema Schema { get; }

    /// <summary>The key's fields (the schema's <see cref="KeySchema.FieldCount"/>).</summary>
    /// <exception cref="ArgumentException">A component is too long or not valid text; the message names it.</exception>
    internal void Encode(TKey key, Span<ulong> fields)
    {
        var writer = new KeyFieldWriter(Schema, fields);
        _encode(ref writer, key);
    }

    /// <summary>The key whose fields these are.</summary>
    internal TKey Decode(ReadOnlySpan<ulong> fields)
    {
        var reader = new KeyFieldReader(Schema, fields);
        return _decode(ref reader);
    }

    /// <summary>Fields of the first <paramref name="components"/> components.</summary>
    internal int FieldsOf(int components) => components == Components ? Schema.FieldCount : Schema.FirstField(components);

    /// <summary>As the schema is written: <c>(Int64, DateTime, Int32)</c>.</summary>
    public override string ToString() => Schema.ToString();
}

/// <summary>Makes <see cref="KeyShape{TKey}"/>s from components: a single value, or tuples of two to five.</summary>
public static class KeyShape
{
    /// <summary>Keys of one component.</summary>
    public static KeyShape<T1> Of<T1>(KeyPart<T1> a) =>
        new(Schema(a.Component), (ref KeyFieldWriter w, T1 k) => a.Write(ref w, k), (ref KeyFieldReader r) => a.Read(ref r));

    /// <summary>Keys of two components, ordered by the first, then the second.</summary>
    public static KeyShape<(T1, T2)> Of<T1, T2>(KeyPart<T1> a, KeyPart<T2> b) =>
        new(Schema(a.Component, b.Component),
            (ref KeyFieldWriter w, (T1, T2) k) => { a.Write(ref w, k.Item1); b.Write(ref w, k.Item2); },
            (ref KeyFieldReader r) => (a.Read(ref r), b.Read(ref r)));

    /// <summary>Keys of three components, ordered by each in turn.</summary>
    public static KeyShape<(T1, T2, T3)> Of<T1, T2, T3>(KeyPart<T1> a, KeyPart<T2> b, KeyPart<T3> c) =>
        new(Schema(a.Component, b.Component, c.Component),
            (ref KeyFieldWriter w, (T1, T2, T3) k) => { a.Write(ref w, k.Item1); b.Write(ref w, k.Item2); c.Write(ref w, k.Item3); },
            (ref KeyFieldReader r) => (a.Read(ref r), b.Read(ref r), c.Read(ref r)));

    /// <summary>Keys of four components, ordered by each in turn.</summary>
    public static KeyShape<(T1, T2, T3, T4)> Of<T1, T2, T3, T4>(KeyPart<T1> a, KeyPart<T2> b, KeyPart<T3> c, KeyPart<T4> d) =>
        new(Schema(a.Component, b.Component, c.Component, d.Component),
            (ref KeyFieldWriter w, (T1, T2, T3, T4) k) => { a.Write(ref w, k.Item1); b.Write(ref w, k.Item2); c.Write(ref w, k.Item3); d.Write(ref w, k.Item4); },
            (ref KeyFieldReader r) => (a.Read(ref r), b.Read(ref r), c.Read(ref r), d.Read(ref r)));

    /// <summary>Keys of five components, ordered by each in turn.</summary>
    public static KeyShape<(T1, T2, T3, T4, T5)> Of<T1, T2, T3, T4, T5>(KeyPart<T1> a, KeyPart<T2> b, KeyPart<T3> c, KeyPart<T4> d, KeyPart<T5> e) =>
        new(Schema(a.Component, b.Component, c.Component, d.Component, e.Component),
            (ref KeyFieldWriter w, (T1, T2, T3, T4, T5) k) => { a.Write(ref w, k.Item1); b.Write(ref w, k.Item2); c.Write(ref w, k.Item3); d.Write(ref w, k.Item4); e.Write(ref w, k.Item5); },
            (ref KeyFieldReader r) => (a.Read(ref r), b.Read(ref r), c.Read(ref r), d.Read(ref r), e.Read(ref r)));

    /// <summary>
    /// Keys of a kind known only at run time (read with <see cref="KeyKind.Parse(string)"/>, or a tree's
    /// <see cref="Tree.KeyKind"/>): each key an array of its components' values, one per <see cref="KeyKind.Parts"/>
    /// entry, each of its part's <see cref="KeyPartInfo.ValueType"/> (<see cref="sbyte"/>, <see cref="short"/>,
    /// <see cref="int"/>, <see cref="long"/>, <see cref="byte"/>, <see cref="ushort"/>, <see cref="uint"/>,
    /// <see cref="ulong"/>, <see cref="System.Guid"/>, <see cref="System.DateTime"/>, <see cref="System.DateTimeOffset"/>,
    /// <see cref="string"/> or <c>byte[]</c>, boxed). Keys are stored and ordered exactly as through the static shape of
    /// the same parts, so either reads a tree the other wrote. Byte keys are a kind of one bytes part.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// <paramref name="kind"/> is <see cref="KeyKind.Positions"/>. Later, a key with the wrong number of components, or a
    /// component null or of another type, is refused by the tree naming the component's index and the type it takes.
    /// </exception>
    public static KeyShape<object[]> Of(KeyKind kind)
    {
        ArgumentNullException.ThrowIfNull(kind);
        return DynamicKeyShape.For(kind);
    }

    private static KeySchema Schema(params KeyComponent[] components) => new(components);
}
