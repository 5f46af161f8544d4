using Packtree.Diagnostics;
namespace Packtree.Cli.Commands;

/// <summary>
/// Text for the console: a command reports what went wrong on one line, never a stack trace (which errors
/// are the store's own, and how they read, is the library's rule: <see cref="Diagnostics.StoreCheck.Describe"/>).
/// </summary>
public static class ErrorText
{
    /// <summary><paramref name="text"/> with its line breaks turned into spaces.</summary>
    public static string OneLine(string text) => text.ReplaceLineEndings(" ");

    /// <summary>The message of <paramref name="e"/> on one line, without the "(Parameter 'key')" an argument error appends for programmers.</summary>
    public static string Message(Exception e) => OneLine(e is ArgumentException { ParamName: { } name } a
        ? a.Message.Replace($" (Parameter '{name}')", "", StringComparison.Ordinal)
        : e.Message);
}
