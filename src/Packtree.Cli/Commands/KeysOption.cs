using System.CommandLine;

namespace Packtree.Cli.Commands;

/// <summary>
/// <c>--keys positions|bytes|bytes:N|PART,PART,...</c>: the kind of keys of a tree the command creates, as
/// <see cref="KeyKind.Parse"/> reads it (typed keys of parts such as <c>int64,datetime,string:32</c>). Checked by the
/// parser, so a bad kind is refused before a store is touched; an existing tree keeps its kind.
/// </summary>
public static class KeysOption
{
    /// <summary>The option; its value is null when it is not given.</summary>
    public static Option<string?> Create()
    {
        var option = new Option<string?>("--keys")
        {
            Description = $"The kind of keys of a tree created here: positions (the default), bytes (at most {KeyKind.DefaultMaxBytes} bytes), bytes:N (N from 1 to {KeyKind.MaxBytesLimit}), or typed keys of 1 to 5 parts separated by commas from int8, int16, int32, int64, uint8, uint16, uint32, uint64, guid, datetime, datetimeoffset, string:N and bytes:N (e.g. int64,datetime,string:32). An existing tree keeps its kind; a different one is refused.",
        };
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string?>() is { } text && Problem(text) is { } problem) result.AddError(problem);
        });
        return option;
    }

    /// <summary>The kind written <paramref name="text"/>, or null when it names none.</summary>
    public static KeyKind? TryParse(string text) => KeyKind.TryParse(text, out var kind) ? kind : null;

    /// <summary>The kind the option's value names, or null when it is not given (the parser has refused any other value).</summary>
    public static KeyKind? Parse(string? text) => text is null ? null : TryParse(text) ?? throw new FormatException(Problem(text));

    /// <summary>Why <paramref name="text"/> names no kind (which part, and what is accepted), or null when it names one.</summary>
    private static string? Problem(string text)
    {
        try
        {
            KeyKind.Parse(text);
            return null;
        }
        catch (FormatException e)
        {
            return $"--keys: {e.Message}";
        }
    }
}
