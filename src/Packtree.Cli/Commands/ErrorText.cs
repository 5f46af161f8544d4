namespace Packtree.Cli.Commands;

/// <summary>Exceptions as one line for the console: a command reports what went wrong, never a stack trace.</summary>
public static class ErrorText
{
    /// <summary>
    /// Whether <paramref name="e"/> is an error that reading a store raises by design (a refused open,
    /// a damaged or foreign file, a newer format): its message says what and where.
    /// </summary>
    public static bool IsStoreError(Exception e) =>
        e is IOException or UnauthorizedAccessException or InvalidDataException or CorruptStoreException or NotSupportedException or InvalidOperationException;

    /// <summary>The message of a store error; anything else as "unexpected error: Type: message", since its message alone may not say what failed.</summary>
    public static string Describe(Exception e) => IsStoreError(e) ? OneLine(e.Message) : Unexpected(e);

    /// <summary>"unexpected error: Type: message", on one line.</summary>
    public static string Unexpected(Exception e) => OneLine($"unexpected error: {e.GetType().Name}: {e.Message}");

    /// <summary><paramref name="text"/> with its line breaks turned into spaces.</summary>
    public static string OneLine(string text) => text.ReplaceLineEndings(" ");
}
