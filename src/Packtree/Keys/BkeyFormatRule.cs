namespace Packtree.Keys;

/// <summary>The validity rules of a key format, checked in this order (bcachefs's <c>bch2_bkey_format_invalid</c>).</summary>
internal enum BkeyFormatRule
{
    /// <summary><c>nr_fields</c> must be 6.</summary>
    FieldCount,

    /// <summary>
    /// A field may not be wider than its unpacked width, a full-width field must have offset 0,
    /// and <c>offset + 2^bits - 1</c> must not exceed the field's unpacked maximum.
    /// </summary>
    FieldTooLarge,

    /// <summary><c>key_u64s</c> must be the smallest word count that holds the 24 header bits and all fields.</summary>
    KeyU64s,
}
