using System.Globalization;
using System.Text;

namespace Packtree.Cli.Commands;

/// <summary>
/// Typed keys on the command line: one argument, its components in order separated by commas, each as its part reads
/// it (<see cref="KeyPartInfo.Parse"/>: integers in decimal, a Guid as 8-4-4-4-12 hex digits, times in ISO 8601, bytes
/// as hex). A string component is its text, where a backslash escapes: <c>\,</c> a comma, <c>\\</c> a backslash,
/// <c>\t</c>, <c>\n</c>, <c>\r</c> a tab, line feed, carriage return, and <c>\uXXXX</c> any UTF-16 unit. Keys print the
/// same way, every control character escaped, so a scan's line reads back as it prints.
/// </summary>
public static class TypedKeyText
{
    private const char Separator = ',';
    private const char Escape = '\\';

    /// <summary>The key of <paramref name="kind"/> written <paramref name="text"/>, every component given.</summary>
    /// <exception cref="FormatException">Not as many components as the kind has, or one that does not read; the message names the tree, the component and what it takes.</exception>
    public static object[] Read(string tree, KeyKind kind, string text) => Components(tree, kind, text, whole: true).Key;

    /// <summary>
    /// The first components of a key of <paramref name="kind"/> written <paramref name="text"/> (one or more, up to all),
    /// and how many were given; the key's later components are stand-ins, for a range to replace.
    /// </summary>
    /// <exception cref="FormatException">More components than the kind has, or one that does not read.</exception>
    public static (object[] Key, int Components) ReadLeading(string tree, KeyKind kind, string text) => Components(tree, kind, text, whole: false);

    /// <summary>A key of <paramref name="kind"/> as <see cref="Read"/> reads it.</summary>
    public static string Print(KeyKind kind, object[] key)
    {
        var text = new StringBuilder();
        for (var i = 0; i < key.Length; i++)
        {
            if (i > 0) text.Append(Separator);
            var part = kind.Parts[i];
            var value = part.Format(key[i]);
            if (part.Kind == KeyPartKind.String) Escaped(text, value);
            else text.Append(value);
        }
        return text.ToString();
    }

    /// <summary>The components given, each read by its part, then stand-ins for the rest; every one when <paramref name="whole"/>.</summary>
    private static (object[] Key, int Components) Components(string tree, KeyKind kind, string text, bool whole)
    {
        var pieces = Split(text);
        var parts = kind.Parts;
        if (whole ? pieces.Count != parts.Count : pieces.Count > parts.Count)
            throw new FormatException($"Tree '{tree}' takes keys of {(whole ? "" : "at most ")}{parts.Count} component{(parts.Count == 1 ? "" : "s")} ({kind}) separated by commas; '{text}' has {pieces.Count}. " +
                "In a string, write a comma as \\, and a backslash as \\\\.");
        var key = new object[parts.Count];
        for (var i = 0; i < parts.Count; i++)
        {
            if (i >= pieces.Count)
            {
                key[i] = StandIn(parts[i]);
                continue;
            }
            try
            {
                key[i] = parts[i].Parse(parts[i].Kind == KeyPartKind.String ? Unescape(pieces[i]) : pieces[i]);
            }
            catch (FormatException e)
            {
                throw new FormatException($"Tree '{tree}', key component {i} ({parts[i]}) of '{text}': {e.Message}", e);
            }
        }
        return (key, pieces.Count);
    }

    /// <summary>The components' texts, split at each comma not escaped; escapes are kept for <see cref="Unescape"/>.</summary>
    private static List<string> Split(string text)
    {
        var pieces = new List<string>();
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == Escape) i++; // the next character is escaped, a comma among them
            else if (text[i] == Separator)
            {
                pieces.Add(text[start..i]);
                start = i + 1;
            }
        }
        pieces.Add(text[start..]);
        return pieces;
    }

    private static string Unescape(string piece)
    {
        // Arguments that were not UTF-8 arrive with U+FFFD in place of their bytes: refused rather than stored changed.
        if (piece.Contains('\uFFFD', StringComparison.Ordinal))
            throw new FormatException($"'{piece}' holds U+FFFD, which stands in for bytes that are not UTF-8; write \\ufffd for the character itself.");
        var text = new StringBuilder(piece.Length);
        for (var i = 0; i < piece.Length; i++)
        {
            if (piece[i] != Escape)
            {
                text.Append(piece[i]);
                continue;
            }
            if (++i == piece.Length) throw new FormatException($"'{piece}' ends in a lone backslash; write \\\\ for a backslash.");
            switch (piece[i])
            {
                case Escape or Separator: text.Append(piece[i]); break;
                case 't': text.Append('\t'); break;
                case 'n': text.Append('\n'); break;
                case 'r': text.Append('\r'); break;
                case 'u' when i + 4 < piece.Length && ushort.TryParse(piece.AsSpan(i + 1, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var unit):
                    text.Append((char)unit);
                    i += 4;
                    break;
                default:
                    throw new FormatException($"'{piece}' has an unknown escape \\{piece[i..Math.Min(i + 5, piece.Length)]}; a string takes \\, \\\\ \\t \\n \\r and \\uXXXX.");
            }
        }
        return text.ToString();
    }

    private static void Escaped(StringBuilder text, string value)
    {
        foreach (var c in value)
        {
            switch (c)
            {
                case Escape or Separator: text.Append(Escape).Append(c); break;
                case '\t': text.Append("\\t"); break;
                case '\n': text.Append("\\n"); break;
                case '\r': text.Append("\\r"); break;
                case '\uFFFD': text.Append("\\ufffd"); break; // it would be read back as a sign of lost bytes
                default:
                    if (char.IsControl(c)) text.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
                    else text.Append(c);
                    break;
            }
        }
    }

    /// <summary>A key of <paramref name="kind"/> that stands in for a bound of no components: a range replaces its every field.</summary>
    public static object[] StandIns(KeyKind kind) => [.. kind.Parts.Select(StandIn)];

    /// <summary>A value of the part standing in for a component not given: a range replaces its fields.</summary>
    private static object StandIn(KeyPartInfo part) => part.Kind switch
    {
        KeyPartKind.String => "",
        KeyPartKind.Bytes => Array.Empty<byte>(),
        _ => Activator.CreateInstance(part.ValueType)!, // 0, Guid.Empty, DateTime.MinValue, ...
    };
}
