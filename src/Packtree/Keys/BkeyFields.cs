namespace Packtree.Keys;

/// <summary>Facts about the six key fields that every format shares.</summary>
internal static class BkeyFields
{
    /// <summary>Number of fields in a key (bcachefs's <c>BKEY_NR_FIELDS</c>).</summary>
    public const int Count = 6;

    /// <summary>Number of position fields (inode, offset, snapshot): the ones a packed compare looks at.</summary>
    public const int PositionCount = 3;

    /// <summary>Bits 0..23 of a packed key hold its header; fields never go below bit 24.</summary>
    public const int PackedBitsStart = 24;

    private static ReadOnlySpan<byte> UnpackedWidths => [64, 64, 32, 32, 32, 64];

    /// <summary>Width of the field in an unpacked key: 64, 64, 32, 32, 32, 64.</summary>
    public static int UnpackedWidth(int field) => UnpackedWidths[field];

    /// <summary>Largest value the field can hold unpacked.</summary>
    public static ulong UnpackedMax(int field) => BitMath.Ones(UnpackedWidths[field]);

    /// <summary>bcachefs's name for the field, as its debug output prints it.</summary>
    public static string Name(int field) => field switch
    {
        0 => "inode",
        1 => "offset",
        2 => "snapshot",
        3 => "size",
        4 => "version_hi",
        5 => "version_lo",
        _ => throw new ArgumentOutOfRangeException(nameof(field), field, "A bkey has six fields, 0 to 5."),
    };
}
