using Packtree.Keys;

namespace Packtree.Trees;

/// <summary>
/// How a value of any byte length is kept in bcachefs's whole u64 words: the value is padded with
/// zeros to the next word, and the key's type says how many bytes of padding there are — types 64
/// to 71 for 0 to 7 bytes, above bcachefs's own types (0..38), so the true length costs no space.
/// </summary>
internal static class TreeValues
{
    /// <summary>Type of a value with no padding; <c>TypeBase + n</c> has n bytes of padding.</summary>
    public const byte TypeBase = 64;

    /// <summary>Type of a value kept out of line: the leaf holds its <see cref="ValueReference"/>, with no padding.</summary>
    public const byte ReferenceType = TypeBase + 8;

    /// <summary>The largest value of any tree: 1 GiB.</summary>
    public const int MaxLargeValueBytes = 1 << 30;

    /// <summary>Whether <paramref name="type"/> is a value type of this encoding (a value in the leaf).</summary>
    public static bool IsValueType(byte type) => type is >= TypeBase and < TypeBase + 8;

    /// <summary>Why a leaf key of <paramref name="type"/> with value <paramref name="value"/> is no value a tree of <paramref name="maxValueBytes"/> in leaves holds; null when it is.</summary>
    public static string? LeafKeyProblem(byte type, ReadOnlySpan<byte> value, int maxValueBytes)
    {
        if (type == ReferenceType) return ValueReference.Problem(value, MaxLargeValueBytes);
        return LeafKeyProblem(type, value.Length, maxValueBytes);
    }

    /// <summary>Why a leaf key of <paramref name="type"/> with <paramref name="valueBytes"/> value bytes is no value a tree of <paramref name="maxValueBytes"/> in leaves holds; null when it is.</summary>
    public static string? LeafKeyProblem(byte type, int valueBytes, int maxValueBytes)
    {
        if (!IsValueType(type)) return $"a leaf key of type {Keys.BkeyTypes.Name(type)}; leaves hold values (types {TypeBase} to {TypeBase + 7}), value references (type {ReferenceType}) and deleted keys";
        var padding = type - TypeBase;
        if (padding > valueBytes) return $"its type says {padding} bytes of padding, but its value has {valueBytes} bytes";
        if (valueBytes - padding > maxValueBytes) return $"a value of {valueBytes - padding} bytes; the largest the tree holds is {maxValueBytes}";
        return null;
    }

    /// <summary>The key type of a value of <paramref name="length"/> bytes: its padding to whole words.</summary>
    public static byte TypeFor(int length) => (byte)(TypeBase + ((length + 7) / 8 * 8 - length));

    /// <summary>The value's true bytes within its stored words.</summary>
    public static ReadOnlySpan<byte> Unpad(byte type, ReadOnlySpan<byte> words) => words[..(words.Length - PaddingOf(type))];

    /// <summary>Bytes of padding after a value stored under key type <paramref name="type"/> (a reference has none: 72 &amp; 7 is 0).</summary>
    public static int PaddingOf(byte type) => (type - TypeBase) & 7;

    /// <summary>The largest value a tree of <paramref name="nodeBytes"/>-byte nodes takes: 2,000 bytes, less in small nodes so that a node always holds four of the largest keys.</summary>
    public static int MaxBytesFor(int nodeBytes) => MaxBytesFor(nodeBytes, KeySchema.Positions);

    /// <summary>
    /// The largest value a tree of <paramref name="schema"/> keys and <paramref name="nodeBytes"/>-byte nodes takes: what a
    /// key of 255 words leaves beside the schema's unpacked key (2,000 bytes for positions), less in small nodes so that a
    /// node always holds four of the largest keys unpacked.
    /// </summary>
    public static int MaxBytesFor(int nodeBytes, KeySchema schema)
    {
        var unpacked = schema.UnpackedFormat.KeyBytes;
        return Math.Min(schema.MaxValueU64s * 8, ((nodeBytes - Nodes.NodeHeader.BytesFor(schema) - 8) / 4 - unpacked - unpacked) & ~7);
    }
}
