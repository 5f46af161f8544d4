using System.Buffers.Binary;
using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Packtree.Keys;

/// <summary>
/// Scratch space for the words of one packed key (at most 5), kept on the stack while a key is
/// assembled so that nothing is written to the destination unless packing succeeds.
/// </summary>
[InlineArray(BkeyFormat.MaxKeyU64s)]
internal struct KeyWords
{
    private ulong _word0;

    /// <summary>ORs <paramref name="value"/> (at most <paramref name="field"/>.Width bits) into the field's bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Insert(in FieldLayout field, ulong value)
    {
        if (field.Width == 0) return;
        Debug.Assert(value <= field.Mask, "A value wider than its field would spill into the next field.");
        var word = field.LowBit >> 6;
        var shift = field.LowBit & 63;
        this[word] |= value << shift;
        if (shift + field.Width > 64) this[word + 1] |= value >> (64 - shift);
    }

    /// <summary>Writes the first <paramref name="count"/> words little-endian.</summary>
    public readonly void WriteTo(Span<byte> destination, int count)
    {
        for (var i = 0; i < count; i++)
            BinaryPrimitives.WriteUInt64LittleEndian(destination.Slice(i * 8, 8), this[i]);
    }

    /// <summary>Reads the first <paramref name="count"/> words little-endian.</summary>
    public static KeyWords Read(ReadOnlySpan<byte> source, int count)
    {
        var words = default(KeyWords);
        for (var i = 0; i < count; i++)
            words[i] = BinaryPrimitives.ReadUInt64LittleEndian(source.Slice(i * 8, 8));
        return words;
    }
}
