using System.Text;

namespace Packtree.Cli.Commands;

/// <summary>Values on the command line: text as UTF-8, or hex with --hex; printed as text when they are printable UTF-8, else as hex.</summary>
public static class ValueText
{
    private static readonly UTF8Encoding Strict = new(false, throwOnInvalidBytes: true);

    /// <summary>The bytes of a value given on the command line.</summary>
    /// <exception cref="FormatException">Not hex (with <paramref name="hex"/>), or text that did not arrive as valid UTF-8.</exception>
    public static byte[] Parse(string text, bool hex) => hex ? HexText.Parse(text, "The value") : Utf8(text, "The value", "--hex");

    /// <summary>
    /// The text's UTF-8 bytes. The runtime decodes argument bytes that are not UTF-8 to U+FFFD, so a
    /// U+FFFD (or an unpaired surrogate) means the bytes given are lost: refused rather than stored changed.
    /// </summary>
    /// <param name="text">The argument.</param>
    /// <param name="what">What it is, for the error: "The value", "The key".</param>
    /// <param name="hexOption">The option that takes its bytes as hex instead.</param>
    public static byte[] Utf8(string text, string what, string hexOption)
    {
        try
        {
            if (!text.Contains('\uFFFD', StringComparison.Ordinal)) return Strict.GetBytes(text);
        }
        catch (EncoderFallbackException)
        {
        }
        throw new FormatException($"{what} is not valid UTF-8 text: it holds U+FFFD, which stands in for bytes that are not UTF-8, or an unpaired surrogate. Give its bytes with {hexOption} instead.");
    }

    /// <summary>A value as text when it is printable UTF-8, else as 0x and hex; only hex with <paramref name="hex"/>.</summary>
    public static string Print(ReadOnlySpan<byte> value, bool hex)
    {
        if (hex) return HexText.Print(value);
        return TryPrintable(value, out var text) ? text : "0x" + HexText.Print(value);
    }

    /// <summary>Whether <paramref name="bytes"/> are valid UTF-8 without control characters (tabs and line breaks among them), and their text.</summary>
    public static bool TryPrintable(ReadOnlySpan<byte> bytes, out string text)
    {
        try
        {
            text = Strict.GetString(bytes);
            if (!text.Any(char.IsControl)) return true;
        }
        catch (DecoderFallbackException)
        {
        }
        text = "";
        return false;
    }
}
