using System.Runtime.CompilerServices;

namespace Packtree.Keys;

// Comparing packed keys: the key fields sit at the top of the key, most significant first,
// so two keys of one format order like the unsigned integers formed by their top KeyBits bits.
internal sealed partial class BkeyFormat
{
    /// <summary>
    /// Compares the positions of two keys packed in this format without unpacking them.
    /// Keys with equal positions compare equal whatever their other fields. Header bytes are not read.
    /// </summary>
    /// <returns>-1, 0 or 1.</returns>
    public int ComparePacked(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right)
    {
        CheckKeyLength(left.Length);
        CheckKeyLength(right.Length);
        var remaining = KeyBits;
        if (remaining == 0) return 0;
        if (KeyU64s == 1)
        {
            // One word: the key bits are its top KeyBits bits (1..40, the header takes 24).
            var a = ReadWord(left, 0) >> (64 - remaining);
            var b = ReadWord(right, 0) >> (64 - remaining);
            return a == b ? 0 : a < b ? -1 : 1;
        }
        for (var word = KeyU64s - 1; ; word--)
        {
            var a = ReadWord(left, word);
            var b = ReadWord(right, word);
            if (remaining < 64)
            {
                a >>= 64 - remaining;
                b >>= 64 - remaining;
                remaining = 0;
            }
            else
            {
                remaining -= 64;
            }
            if (remaining == 0 || a != b) return a == b ? 0 : a < b ? -1 : 1;
        }
    }

    /// <summary>Compares the position of a key packed in this format with an unpacked position.</summary>
    /// <returns>-1, 0 or 1.</returns>
    public int ComparePackedToPosition(ReadOnlySpan<byte> left, Bpos right)
    {
        CheckKeyLength(left.Length);
        return ReadPositionUnchecked(left).CompareTo(right);
    }

    /// <summary>Compares the key fields of a key packed in this format with an unpacked key (<see cref="KeySchema.KeyFieldCount"/> fields).</summary>
    /// <returns>-1, 0 or 1.</returns>
    public int ComparePackedToKey(ReadOnlySpan<byte> left, ReadOnlySpan<ulong> right)
    {
        CheckKeyLength(left.Length);
        var count = Schema.KeyFieldCount;
        for (var i = 0; i < count; i++)
        {
            var value = KeyFieldAt(left, i);
            if (value != right[i]) return value < right[i] ? -1 : 1;
        }
        return 0;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Bpos ReadPositionUnchecked(ReadOnlySpan<byte> packed)
    {
        var f = _fields;
        return new Bpos(ReadField(packed, f[0]), ReadField(packed, f[1]), (uint)ReadField(packed, f[2]));
    }
}
