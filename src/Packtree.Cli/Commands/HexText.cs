namespace Packtree.Cli.Commands;

/// <summary>Bytes written as hex on the command line: an even number of 0-9 and a-f, with or without a leading 0x (as printed).</summary>
public static class HexText
{
    /// <summary>The bytes of <paramref name="text"/>; <paramref name="what"/> names it in the error.</summary>
    /// <exception cref="FormatException">Not hex.</exception>
    public static byte[] Parse(string text, string what)
    {
        // Keys and values that are not text print as 0x and hex, so that form reads back as it prints.
        var digits = text.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? text[2..] : text;
        try
        {
            return Convert.FromHexString(digits);
        }
        catch (FormatException)
        {
            throw new FormatException($"{what} '{text}' is not hex (an even number of 0-9, a-f, with or without a leading 0x).");
        }
    }

    /// <summary>Lower-case hex, no prefix.</summary>
    public static string Print(ReadOnlySpan<byte> bytes) => Convert.ToHexString(bytes).ToLowerInvariant();
}
