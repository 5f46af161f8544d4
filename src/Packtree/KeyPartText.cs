using System.Globalization;
using System.Numerics;
using System.Text;
using Packtree.Keys;

namespace Packtree;

/// <summary>
/// The invariant text of one component's values (<see cref="KeyPartInfo.Parse"/>, <see cref="KeyPartInfo.Format"/>):
/// integers in decimal, a Guid as "D", times in ISO 8601 ("o" when printed), strings as themselves, bytes as hex.
/// What is printed reads back to the same value.
/// </summary>
internal static class KeyPartText
{
    // ISO 8601: what "o" prints, or seconds with an optional fraction and zone, or a date alone.
    private static readonly string[] TimeFormats = ["o", "yyyy'-'MM'-'dd'T'HH':'mm':'ss.FFFFFFFK", "yyyy'-'MM'-'dd"];

    private static readonly UTF8Encoding StrictUtf8 = new(false, throwOnInvalidBytes: true);

    /// <exception cref="FormatException">The text is no value of the component, or one longer than it holds.</exception>
    public static object Parse(KeyComponent component, string name, string text) => component.Kind switch
    {
        KeyComponentKind.Int8 => Integer<sbyte>(name, text),
        KeyComponentKind.Int16 => Integer<short>(name, text),
        KeyComponentKind.Int32 => Integer<int>(name, text),
        KeyComponentKind.Int64 => Integer<long>(name, text),
        KeyComponentKind.UInt8 => Integer<byte>(name, text),
        KeyComponentKind.UInt16 => Integer<ushort>(name, text),
        KeyComponentKind.UInt32 => Integer<uint>(name, text),
        KeyComponentKind.UInt64 => Integer<ulong>(name, text),
        KeyComponentKind.Guid => Guid.TryParseExact(text, "D", out var guid) ? guid
            : throw Refused(text, name, "32 hex digits in groups of 8-4-4-4-12, e.g. 0f8fad5b-d9cb-469f-a165-70867728950e"),
        KeyComponentKind.DateTime => DateTime.TryParseExact(text, TimeFormats, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var time) ? time
            : throw Refused(text, name, "a date and time in ISO 8601, e.g. 2024-05-01T12:30:00Z (UTC), 2024-05-01T12:30:00.5 (no kind) or 2024-05-01"),
        KeyComponentKind.DateTimeOffset => DateTimeOffset.TryParseExact(text, TimeFormats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var instant) ? instant
            : throw Refused(text, name, "a date, time and offset in ISO 8601, e.g. 2024-05-01T12:30:00+02:00 (no offset or Z: UTC)"),
        KeyComponentKind.String => String(component, name, text),
        KeyComponentKind.Bytes => Bytes(component, name, text),
        _ => throw new ArgumentOutOfRangeException(nameof(component), component, "Not a key component kind."),
    };

    /// <summary>The text of <paramref name="value"/>, which the caller has checked is of the component's type.</summary>
    public static string Format(object value) => value switch
    {
        DateTime time => time.ToString("o", CultureInfo.InvariantCulture),
        DateTimeOffset instant => instant.ToString("o", CultureInfo.InvariantCulture),
        Guid guid => guid.ToString("D"),
        string text => text,
        byte[] bytes => Convert.ToHexStringLower(bytes),
        IFormattable number => number.ToString(null, CultureInfo.InvariantCulture),
        _ => throw new ArgumentException($"A {value.GetType()} is no key component.", nameof(value)),
    };

    private static T Integer<T>(string name, string text) where T : IBinaryInteger<T>, IMinMaxValue<T> =>
        T.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) ? value
            : throw Refused(text, name, $"a whole number from {T.MinValue} to {T.MaxValue}");

    private static string String(KeyComponent component, string name, string text)
    {
        int length;
        try
        {
            length = StrictUtf8.GetByteCount(text);
        }
        catch (EncoderFallbackException)
        {
            throw new FormatException($"'{text}' is not valid text for a {name} part (an unpaired surrogate has no UTF-8).");
        }
        return length <= component.MaxBytes ? text
            : throw new FormatException($"'{text}' takes {length} UTF-8 bytes; a {name} part holds at most {component.MaxBytes}.");
    }

    private static byte[] Bytes(KeyComponent component, string name, string text)
    {
        var digits = text.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? text[2..] : text;
        byte[] bytes;
        try
        {
            bytes = Convert.FromHexString(digits);
        }
        catch (FormatException)
        {
            throw Refused(text, name, "an even number of hex digits (0-9, a-f), with or without a leading 0x");
        }
        return bytes.Length <= component.MaxBytes ? bytes
            : throw new FormatException($"'{text}' is {bytes.Length} bytes; a {name} part holds at most {component.MaxBytes}.");
    }

    private static FormatException Refused(string text, string name, string expected) => new($"'{text}' does not read as {name}: expected {expected}.");
}
