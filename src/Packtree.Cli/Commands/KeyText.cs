namespace Packtree.Cli.Commands;

/// <summary>How a byte key prints: as its text when that is unambiguous, else as 0x and hex.</summary>
public static class KeyText
{
    /// <summary>
    /// <paramref name="key"/> as its UTF-8 text when it is printable and cannot be taken for hex (it is not empty and
    /// does not start with 0x); else 0x and its hex, so the empty key prints as <c>0x</c>. Only hex, without the 0x,
    /// with <paramref name="hex"/>.
    /// </summary>
    public static string Print(ReadOnlySpan<byte> key, bool hex)
    {
        if (hex) return HexText.Print(key);
        if (key.Length > 0 && ValueText.TryPrintable(key, out var text) && !text.StartsWith("0x", StringComparison.OrdinalIgnoreCase)) return text;
        return "0x" + HexText.Print(key);
    }
}
