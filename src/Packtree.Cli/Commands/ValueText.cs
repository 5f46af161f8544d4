using System.Text;

namespace Packtree.Cli.Commands;

/// <summary>Values on the command line: text as UTF-8, or hex with --hex; printed as text when they are printable UTF-8, else as hex.</summary>
public static class ValueText
{
    public static byte[] Parse(string text, bool hex)
    {
        if (!hex) return Encoding.UTF8.GetBytes(text);
        try
        {
            return Convert.FromHexString(text);
        }
        catch (FormatException)
        {
            throw new FormatException($"'{text}' is not hex (an even number of 0-9, a-f).");
        }
    }

    public static string Print(ReadOnlySpan<byte> value, bool hex)
    {
        if (hex) return Convert.ToHexString(value).ToLowerInvariant();
        try
        {
            var text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(value);
            if (!text.Any(char.IsControl)) return text;
        }
        catch (DecoderFallbackException)
        {
        }
        return "0x" + Convert.ToHexString(value).ToLowerInvariant();
    }
}
