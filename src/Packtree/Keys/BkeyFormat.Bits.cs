using System.Numerics;

namespace Packtree.Keys;

// Bit utilities over the key bits (the top KeyBits bits of a packed key), used by the
// auxiliary search trees. Key-bit index 0 is bit (64 * KeyU64s - KeyBits) of the key.
internal sealed partial class BkeyFormat
{
    private int KeyBitsLow => 64 * KeyU64s - KeyBits;

    /// <summary>
    /// Index, counted in key bits, of the most significant key bit where the two keys differ;
    /// 0 when they are equal (indistinguishable, by bcachefs's definition, from differing only in bit 0).
    /// </summary>
    public int GreatestDifferingBit(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right)
    {
        CheckKeyLength(left.Length);
        CheckKeyLength(right.Length);
        var low = KeyBitsLow;
        for (var word = KeyU64s - 1; word >= 0 && word * 64 + 63 >= low; word--)
        {
            var diff = (ReadWord(left, word) ^ ReadWord(right, word)) & MaskFrom(low, word);
            if (diff != 0) return word * 64 + 63 - BitOperations.LeadingZeroCount(diff) - low;
        }
        return 0;
    }

    /// <summary>Index, counted in key bits, of the lowest set key bit; 0 when no key bit is set.</summary>
    public int FirstSetBit(ReadOnlySpan<byte> packed)
    {
        CheckKeyLength(packed.Length);
        if (KeyBits == 0) return 0;
        var low = KeyBitsLow;
        for (var word = low >> 6; word < KeyU64s; word++)
        {
            var bits = ReadWord(packed, word) & MaskFrom(low, word);
            if (bits != 0) return word * 64 + BitOperations.TrailingZeroCount(bits) - low;
        }
        return 0;
    }

    /// <summary>
    /// Adds 1 to the key bits in place, carrying across words; every other bit is left alone.
    /// The result is the next key this format can represent, not the key's successor.
    /// Returns false, changing nothing, when there are no key bits or all of them are 1.
    /// </summary>
    public bool TryPackedSuccessor(Span<byte> packed)
    {
        CheckKeyLength(packed.Length);
        if (KeyBits == 0) return false;
        Span<ulong> words = stackalloc ulong[KeyU64s];
        KeyWords.Read(packed, words);
        var low = KeyBitsLow;
        var increment = 1UL << (low & 63);
        for (var word = low >> 6; word < KeyU64s; word++)
        {
            var sum = words[word] + increment;
            var carried = sum < words[word];
            words[word] = sum;
            if (!carried)
            {
                KeyWords.WriteTo(words, packed);
                return true;
            }
            increment = 1;
        }
        return false; // every key bit was 1: the carry ran off the top
    }

    /// <summary>
    /// Converts a packed key between little-endian and big-endian host order in place: bytes
    /// 3 .. KeyBytes-1 are reversed, the 3-byte header stays.
    /// </summary>
    public void SwapKeyBytes(Span<byte> packed)
    {
        CheckKeyLength(packed.Length);
        packed[3..KeyBytes].Reverse();
    }

    /// <summary>Mask of the bits of <paramref name="word"/> at or above bit <paramref name="low"/> of the key.</summary>
    private static ulong MaskFrom(int low, int word)
    {
        var start = low - word * 64;
        return start <= 0 ? ulong.MaxValue : start >= 64 ? 0 : ulong.MaxValue << start;
    }
}
