using System.Globalization;
using System.Text;

namespace Packtree.Bcachefs;

/// <summary>
/// Builds a value's list text: invariant-culture numbers, and bcachefs's indentation rule (every newline
/// inside the text is followed by two spaces; <see cref="EndLine"/> writes a bare final newline).
/// </summary>
internal sealed class BcachefsTextWriter
{
    private readonly StringBuilder _text = new();

    public BcachefsTextWriter Write(string text)
    {
        _text.Append(text);
        return this;
    }

    // Numbers go straight into the builder (no string per number: a listing writes several per key).
    public BcachefsTextWriter Write(ulong value)
    {
        _text.Append(CultureInfo.InvariantCulture, $"{value}");
        return this;
    }

    public BcachefsTextWriter Write(long value)
    {
        _text.Append(CultureInfo.InvariantCulture, $"{value}");
        return this;
    }

    /// <summary>Lower-case hex without padding (<c>%llx</c>).</summary>
    public BcachefsTextWriter Hex(ulong value)
    {
        _text.Append(CultureInfo.InvariantCulture, $"{value:x}");
        return this;
    }

    /// <summary>Right-aligned in <paramref name="width"/> columns (<c>%10u</c>).</summary>
    public BcachefsTextWriter Padded(ulong value, int width)
    {
        Span<char> digits = stackalloc char[20];
        value.TryFormat(digits, out var length, default, CultureInfo.InvariantCulture);
        _text.Append(' ', Math.Max(0, width - length)).Append(digits[..length]);
        return this;
    }

    /// <summary>A newline inside the text: newline and the two-space indent.</summary>
    public BcachefsTextWriter NewLine()
    {
        _text.Append("\n  ");
        return this;
    }

    /// <summary>The newline that ends a multi-line value: no indent after it.</summary>
    public BcachefsTextWriter EndLine()
    {
        _text.Append('\n');
        return this;
    }

    /// <summary>Bytes as the C code prints a string of them: UTF-8, stopping at <paramref name="stopAtNul"/> at the first NUL.</summary>
    public BcachefsTextWriter Bytes(ReadOnlySpan<byte> bytes, bool stopAtNul = false)
    {
        if (stopAtNul && bytes.IndexOf((byte)0) is var nul and >= 0)
            bytes = bytes[..nul];
        _text.Append(Encoding.UTF8.GetString(bytes));
        return this;
    }

    public override string ToString() => _text.ToString();
}
