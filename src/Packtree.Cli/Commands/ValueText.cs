using System.Text;

namespace Packtree.Cli.Commands;

/// <summary>Values on the command line: text as UTF-8, or hex with --hex; printed as text when they are printable UTF-8, else as hex.</summary>
public static class ValueText
{
    private static readonly UTF8Encoding Strict = new(false, throwOnInvalidBytes: true);

    /// <summary>The bytes of a value given on the command line.</summary>
    /// <exception cref="FormatException">Not hex (with <paramref name="hex"/>), or text that did not arrive as valid UTF-8.</exception>
    public static byte[] Parse(string text, bool hex)
    {
        if (!hex) return Utf8(text);
        try
        {
            return Convert.FromHexString(text);
        }
        catch (FormatException)
        {
            throw new FormatException($"'{text}' is not hex (an even number of 0-9, a-f).");
        }
    }

    /// <summary>
    /// The text's UTF-8 bytes. The runtime decodes argument bytes that are not UTF-8 to U+FFFD, so a
    /// U+FFFD (or an unpaired surrogate) means the bytes given are lost: refused rather than stored changed.
    /// </summary>
    private static byte[] Utf8(string text)
    {
        try
        {
            if (!text.Contains('\uFFFD', StringComparison.Ordinal)) return Strict.GetBytes(text);
        }
        catch (EncoderFallbackException)
        {
        }
        throw new FormatException("The value is not valid UTF-8 text: it holds U+FFFD, which stands in for bytes that are not UTF-8, or an unpaired surrogate. Give its bytes with --hex instead.");
    }

    /// <summary>A value as text when it is printable UTF-8, else as 0x and hex; only hex with <paramref name="hex"/>.</summary>
    public static string Print(ReadOnlySpan<byte> value, bool hex)
    {
        if (hex) return Convert.ToHexString(value).ToLowerInvariant();
        try
        {
            var text = Strict.GetString(value);
            if (!text.Any(char.IsControl)) return text;
        }
        catch (DecoderFallbackException)
        {
        }
        return "0x" + Convert.ToHexString(value).ToLowerInvariant();
    }
}
