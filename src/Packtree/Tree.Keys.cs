using Packtree.Keys;

namespace Packtree;

// Turning the keys users give into the key fields the tree orders by, and back; a key of the wrong kind or too long is refused here, before anything changes.
public sealed partial class Tree
{
    /// <summary>Key fields of one key of this tree.</summary>
    internal int KeyFieldCount => Btree.Schema.KeyFieldCount;

    /// <summary>Refuses <paramref name="given"/> unless the tree's keys are positions.</summary>
    /// <exception cref="ArgumentException">The tree's keys are not positions.</exception>
    internal void RequirePositions(string given)
    {
        if (!Btree.Schema.IsPositions) throw WrongKind(given);
    }

    /// <summary>Refuses <paramref name="given"/> unless the tree's keys are byte strings.</summary>
    /// <exception cref="ArgumentException">The tree's keys are not byte strings.</exception>
    internal void RequireBytes(string given)
    {
        if (!KeyKind.IsBytes) throw WrongKind(given);
    }

    /// <summary>The key fields of a position, for a position tree.</summary>
    /// <exception cref="ArgumentException">The tree's keys are not positions.</exception>
    internal void PositionKey(Bpos key, Span<ulong> fields)
    {
        RequirePositions("a position (Bpos)");
        KeyFields.FromPosition(key, fields);
    }

    /// <summary>The key fields of a byte key, for a byte-key tree.</summary>
    /// <exception cref="KeyTooLongException">The key is longer than the tree takes.</exception>
    /// <exception cref="ArgumentException">The tree's keys are not byte strings.</exception>
    internal void BytesKey(ReadOnlySpan<byte> key, Span<ulong> fields)
    {
        RequireBytes("a byte key");
        if (key.Length > KeyKind.MaxBytes) throw new KeyTooLongException(Name, KeyKind.MaxBytes, key.Length);
        var writer = new KeyFieldWriter(Btree.Schema, fields);
        writer.Bytes(key);
    }

    /// <summary>The bytes of a byte key from its fields, into <paramref name="destination"/> (room for <see cref="KeyKind.MaxBytes"/>); returns the length.</summary>
    internal int KeyBytes(ReadOnlySpan<ulong> fields, Span<byte> destination)
    {
        var reader = new KeyFieldReader(Btree.Schema, fields);
        return reader.Bytes(destination);
    }

    private ArgumentException WrongKind(string given) =>
        new($"Tree '{Name}' holds {KeyKind} keys; {given} is the wrong kind of key for it.", "key");
}
