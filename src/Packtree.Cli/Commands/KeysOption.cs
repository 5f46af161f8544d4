using System.CommandLine;
using System.Globalization;

namespace Packtree.Cli.Commands;

/// <summary>
/// <c>--keys positions|bytes|bytes:N</c>: the kind of keys of a tree the command creates. Checked by the parser, so a
/// bad kind is refused before a store is touched; an existing tree keeps its kind.
/// </summary>
public static class KeysOption
{
    /// <summary>The option; its value is null when it is not given.</summary>
    public static Option<string?> Create()
    {
        var option = new Option<string?>("--keys")
        {
            Description = $"The kind of keys of a tree created here: positions (the default), bytes (at most {KeyKind.DefaultMaxBytes} bytes) or bytes:N (N from 1 to {KeyKind.MaxBytesLimit}). An existing tree keeps its kind; a different one is refused.",
        };
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string?>() is { } text && TryParse(text) is null) result.AddError(Problem(text));
        });
        return option;
    }

    /// <summary>The kind written <paramref name="text"/>, or null when it names none.</summary>
    public static KeyKind? TryParse(string text)
    {
        if (text == "positions") return KeyKind.Positions;
        if (text == "bytes") return KeyKind.Bytes();
        if (text.StartsWith("bytes:", StringComparison.Ordinal) && int.TryParse(text.AsSpan(6), NumberStyles.None, CultureInfo.InvariantCulture, out var max) && max is >= 1 and <= KeyKind.MaxBytesLimit)
            return KeyKind.Bytes(max);
        return null;
    }

    /// <summary>The kind the option's value names, or null when it is not given (the parser has refused any other value).</summary>
    public static KeyKind? Parse(string? text) => text is null ? null : TryParse(text) ?? throw new FormatException(Problem(text));

    private static string Problem(string text) => $"--keys must be positions, bytes or bytes:N with N from 1 to {KeyKind.MaxBytesLimit}; got '{text}'.";
}
