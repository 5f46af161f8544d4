using System.Globalization;

namespace Packtree.Keys;

/// <summary>
/// Why a key format is invalid: the first rule it breaks, the field (when the rule is about one)
/// and the values involved.
/// </summary>
/// <param name="Rule">The rule that failed.</param>
/// <param name="Field">The field the rule failed on, or -1 when the rule is not about one field.</param>
/// <param name="Got">What the format has: the field count, the field's largest packed value, or key_u64s.</param>
/// <param name="Offset">The field's offset (for <see cref="BkeyFormatRule.FieldTooLarge"/>), else 0.</param>
/// <param name="Limit">What the rule allows: 6 fields, the field's unpacked maximum, or the correct key_u64s.</param>
/// <param name="Detail">A sentence explaining the failure to a person.</param>
internal sealed record BkeyFormatError(BkeyFormatRule Rule, int Field, ulong Got, ulong Offset, ulong Limit, string Detail)
{
    /// <summary>The text bcachefs prints for the same failure, word for word.</summary>
    public string BcachefsText => Rule switch
    {
        BkeyFormatRule.FieldCount => string.Create(CultureInfo.InvariantCulture, $"incorrect number of fields: got {Got}, should be {Limit}"),
        BkeyFormatRule.FieldTooLarge => string.Create(CultureInfo.InvariantCulture, $"field {Field} too large: {Got} + {Offset} > {Limit}"),
        _ => string.Create(CultureInfo.InvariantCulture, $"incorrect key_u64s: got {Got}, should be {Limit}"),
    };

    /// <summary>bcachefs's text followed by the explanation.</summary>
    public override string ToString() => $"invalid bkey format: {BcachefsText} ({Detail})";
}
