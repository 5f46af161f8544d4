using Packtree.Keys;

namespace Packtree.Cli.Commands;

/// <summary>
/// Reads the keys given on the command line in their tree's kind: positions as <c>inode:offset:snapshot</c>; byte keys
/// as UTF-8 text, or as hex with <c>--key-hex</c>; typed keys as their components separated by commas
/// (<see cref="TypedKeyText"/>). A key too long for the tree, or a typed key that does not read, is refused here,
/// before anything is created or written.
/// </summary>
public sealed class KeyReader
{
    /// <summary>The option that reads (and prints) byte keys as hex.</summary>
    public const string HexOption = "--key-hex";

    private readonly string _treeName;
    private readonly bool _hex;

    private KeyReader(string treeName, KeyKind kind, bool hex) => (_treeName, Kind, _hex) = (treeName, kind, hex);

    /// <summary>The kind of keys read.</summary>
    public KeyKind Kind { get; }

    /// <summary>A reader for the tree <paramref name="treeName"/> of <paramref name="kind"/> keys; hex byte keys with <paramref name="hex"/>.</summary>
    /// <exception cref="ArgumentException">Hex keys for a tree of positions.</exception>
    public static KeyReader For(string treeName, KeyKind kind, bool hex)
    {
        if (hex && !kind.IsBytes) throw new ArgumentException($"{HexOption} is for byte keys; tree '{treeName}' holds {kind} keys.");
        return new KeyReader(treeName, kind, hex);
    }

    /// <summary>A reader for <paramref name="tree"/>'s keys.</summary>
    /// <exception cref="ArgumentException">Hex keys for a tree of positions.</exception>
    public static KeyReader For(Tree tree, bool hex) => For(tree.Name, tree.KeyKind, hex);

    /// <summary>The key written <paramref name="text"/>.</summary>
    /// <exception cref="FormatException">Not a position, not hex, not valid UTF-8 text, or a typed key that does not read.</exception>
    /// <exception cref="KeyTooLongException">A byte key longer than the tree takes.</exception>
    public TreeKey Read(string text) =>
        Kind.IsTyped ? new TreeKey(default, null, new TypedKey(Kind, TypedKeyText.Read(_treeName, Kind, text)))
        : Kind.IsBytes ? new TreeKey(default, ReadBytes(text))
        : new TreeKey(Bpos.Parse(text), null);

    /// <summary>The first components of a typed key written <paramref name="text"/> (see <see cref="TypedKeyText.ReadLeading"/>).</summary>
    /// <exception cref="FormatException">More components than the tree's keys have, or one that does not read.</exception>
    public (object[] Key, int Components) ReadLeading(string text) => TypedKeyText.ReadLeading(_treeName, Kind, text);

    /// <summary>The bytes of a byte key (or prefix) written <paramref name="text"/>, of any length.</summary>
    /// <exception cref="FormatException">Not hex, or not valid UTF-8 text.</exception>
    public byte[] ReadAnyLength(string text) => _hex ? HexText.Parse(text, "The key") : ValueText.Utf8(text, "The key", HexOption);

    private byte[] ReadBytes(string text)
    {
        var bytes = ReadAnyLength(text);
        if (bytes.Length > Kind.MaxBytes) throw new KeyTooLongException(_treeName, Kind.MaxBytes, bytes.Length);
        return bytes;
    }

    /// <summary>A byte key as the scan prints it (see <see cref="KeyText.Print"/>).</summary>
    public string Print(ReadOnlySpan<byte> key) => KeyText.Print(key, _hex);

    /// <summary>A typed key as the scan prints it, and <see cref="Read"/> reads it back.</summary>
    public string Print(object[] key) => TypedKeyText.Print(Kind, key);
}
