using Packtree.Keys;

namespace Packtree;

/// <summary>
/// The shape of keys known only at run time (<see cref="KeyShape.Of(KeyKind)"/>): a key is an array of its components'
/// values, each checked against its part and written by the part's own <see cref="KeyParts"/> code, so that a tree sees
/// the same fields as through a static shape.
/// </summary>
internal static class DynamicKeyShape
{
    /// <exception cref="ArgumentException">The kind is of positions, which have no parts.</exception>
    public static KeyShape<object[]> For(KeyKind kind)
    {
        if (kind.Parts.Count == 0)
            throw new ArgumentException("Position keys have no parts: a tree of positions takes Bpos keys (Tree.Put(Bpos, ...)), not a key shape.", nameof(kind));
        var parts = kind.Parts.ToArray();
        return new KeyShape<object[]>(kind.Schema, (ref KeyFieldWriter writer, object[] key) => Write(ref writer, parts, kind, key), (ref KeyFieldReader reader) => Read(ref reader, parts));
    }

    // The tree names itself and the key argument around these messages: they name no parameter of their own.
    private static void Write(ref KeyFieldWriter writer, KeyPartInfo[] parts, KeyKind kind, object[] key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length != parts.Length)
            throw new ArgumentException($"A key of {kind} has {parts.Length} component{(parts.Length == 1 ? "" : "s")}; this one has {key.Length}.");
        for (var i = 0; i < parts.Length; i++)
        {
            var part = parts[i];
            if (!part.ValueType.IsInstanceOfType(key[i]))
                throw new ArgumentException($"Key component {i} ({part}) must be of type {part.ValueType.Name}, not {(key[i] is { } value ? value.GetType().Name : "null")}.");
            part.Boxed.Write(ref writer, key[i]);
        }
    }

    private static object[] Read(ref KeyFieldReader reader, KeyPartInfo[] parts)
    {
        var key = new object[parts.Length];
        for (var i = 0; i < parts.Length; i++) key[i] = parts[i].Boxed.Read(ref reader);
        return key;
    }
}
