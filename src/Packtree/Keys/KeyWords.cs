using System.Buffers.Binary;
using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Packtree.Keys;

/// <summary>
/// The words of one packed key while it is assembled (a zeroed stack span of the format's key_u64s words), so
/// that nothing is written to the destination unless packing succeeds.
/// </summary>
internal static class KeyWords
{
    /// <summary>ORs <paramref name="value"/> (at most <paramref name="field"/>.Width bits) into the field's bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Insert(Span<ulong> words, in FieldLayout field, ulong value)
    {
        if (field.Width == 0) return;
        Debug.Assert(value <= field.Mask, "A value wider than its field would spill into the next field.");
        var word = field.LowBit >> 6;
        var shift = field.LowBit & 63;
        words[word] |= value << shift;
        if (shift + field.Width > 64) words[word + 1] |= value >> (64 - shift);
    }

    /// <summary>As <see cref="Insert"/>, into the little-endian words of a key's bytes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void InsertInto(Span<byte> key, in FieldLayout field, ulong value)
    {
        if (field.Width == 0) return;
        Debug.Assert(value <= field.Mask, "A value wider than its field would spill into the next field.");
        var word = field.LowBit >> 6;
        var shift = field.LowBit & 63;
        var at = key.Slice(word * 8, 8);
        BinaryPrimitives.WriteUInt64LittleEndian(at, BinaryPrimitives.ReadUInt64LittleEndian(at) | (value << shift));
        if (shift + field.Width > 64)
        {
            var next = key.Slice(word * 8 + 8, 8);
            BinaryPrimitives.WriteUInt64LittleEndian(next, BinaryPrimitives.ReadUInt64LittleEndian(next) | (value >> (64 - shift)));
        }
    }

    /// <summary>Writes the words little-endian.</summary>
    public static void WriteTo(ReadOnlySpan<ulong> words, Span<byte> destination)
    {
        for (var i = 0; i < words.Length; i++)
            BinaryPrimitives.WriteUInt64LittleEndian(destination.Slice(i * 8, 8), words[i]);
    }

    /// <summary>Reads <paramref name="words"/>.Length words little-endian.</summary>
    public static void Read(ReadOnlySpan<byte> source, Span<ulong> words)
    {
        for (var i = 0; i < words.Length; i++)
            words[i] = BinaryPrimitives.ReadUInt64LittleEndian(source.Slice(i * 8, 8));
    }
}
