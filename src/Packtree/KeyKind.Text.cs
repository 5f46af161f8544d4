using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Packtree.Keys;

namespace Packtree;

// Kinds of keys as text (a command line's --keys, a configuration file): what Parse reads, typed kinds' ToString prints.
public sealed partial class KeyKind
{
    /// <summary>The most parts a typed kind has, as <see cref="KeyShape"/> makes them.</summary>
    private const int MaxParts = 5;

    /// <summary>The size of a string or bytes part that does not give one, as <see cref="KeyParts.String(int)"/> has it.</summary>
    private const int DefaultPartBytes = 64;

    private static readonly string Grammar =
        $"a kind of keys is positions, bytes (at most {DefaultMaxBytes} bytes), bytes:N, or 1 to {MaxParts} parts separated by commas, each one of " +
        $"{string.Join(", ", Enum.GetValues<KeyPartKind>().Select(KeyPartInfo.Name))}, string:N or bytes:N " +
        $"(N from 1 to {MaxBytesLimit}; a part without N takes {DefaultPartBytes}), e.g. int64,datetime,string:32";

    /// <summary>
    /// The kind written <paramref name="text"/>: <c>positions</c>; <c>bytes</c> (byte keys of at most
    /// <see cref="DefaultMaxBytes"/> bytes) or <c>bytes:N</c>; or the parts of a typed kind separated by commas, one to
    /// five of <c>int8</c>, <c>int16</c>, <c>int32</c>, <c>int64</c>, <c>uint8</c>, <c>uint16</c>, <c>uint32</c>,
    /// <c>uint64</c>, <c>guid</c>, <c>datetime</c>, <c>datetimeoffset</c>, <c>string</c>, <c>string:N</c>, <c>bytes</c>
    /// and <c>bytes:N</c> (N from 1 to <see cref="MaxBytesLimit"/>; a string or bytes part without N takes 64 bytes, as
    /// in <see cref="KeyParts"/>), e.g. <c>int64,datetime,string:32</c>. Names are lower case; spaces around a comma
    /// are ignored. A lone <c>bytes:N</c> is <see cref="Bytes(int)"/>, as a shape of one bytes part is.
    /// </summary>
    /// <exception cref="FormatException">The text names no kind; the message says which part and what is accepted.</exception>
    public static KeyKind Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TryParse(text, out var kind, out var problem) ? kind : throw new FormatException($"'{text}' names no kind of keys: {problem}; {Grammar}.");
    }

    /// <summary>The kind written <paramref name="text"/>, as <see cref="Parse(string)"/> reads it; false when it names none.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, [NotNullWhen(true)] out KeyKind? kind)
    {
        kind = null;
        return text is not null && TryParse(text, out kind, out _);
    }

    private static bool TryParse(string text, [NotNullWhen(true)] out KeyKind? kind, [NotNullWhen(false)] out string? problem)
    {
        kind = null;
        problem = null;
        text = text.Trim();
        if (text == "positions") kind = Positions;
        else if (text == "bytes") kind = Bytes();
        if (kind is not null) return true;
        if (text.Length == 0)
        {
            problem = "it is empty";
            return false;
        }

        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        if (parts.Length > MaxParts)
        {
            problem = $"it has {parts.Length} parts";
            return false;
        }
        var components = new KeyComponent[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            if (!TryComponent(parts[i], out components[i], out problem)) return false;
        }
        var fields = components.Sum(c => c.FieldCount);
        if (fields > KeySchema.MaxFieldCount)
        {
            problem = $"its parts take {fields} key fields, more than the {KeySchema.MaxFieldCount} a key has room for (a string or bytes part takes one per 8 bytes and one more)";
            return false;
        }
        kind = Of(new KeySchema(components));
        return true;
    }

    /// <summary>One part: a name, and for strings and bytes an optional <c>:N</c>.</summary>
    private static bool TryComponent(string part, out KeyComponent component, [NotNullWhen(false)] out string? problem)
    {
        component = default;
        problem = null;
        var colon = part.IndexOf(':', StringComparison.Ordinal);
        var name = colon < 0 ? part : part[..colon];
        var kinds = Enum.GetValues<KeyPartKind>();
        var named = Array.FindIndex(kinds, k => KeyPartInfo.Name(k) == name);
        if (named < 0)
        {
            problem = part.Length == 0 ? "it has an empty part" : $"'{part}' is not a part";
            return false;
        }
        var kind = (KeyComponentKind)kinds[named];
        var sized = kind is KeyComponentKind.String or KeyComponentKind.Bytes;
        if (colon < 0)
        {
            component = sized ? new KeyComponent(kind, DefaultPartBytes) : new KeyComponent(kind);
            return true;
        }
        if (!sized)
        {
            problem = $"'{part}': part {name} has a fixed size, no :N";
            return false;
        }
        if (!int.TryParse(part.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var size) || size is < 1 or > MaxBytesLimit)
        {
            problem = $"'{part}': a {name} part takes 1 to {MaxBytesLimit} bytes";
            return false;
        }
        component = new KeyComponent(kind, size);
        return true;
    }
}
