using System.Buffers.Binary;

namespace Packtree.Bench.Values;

/// <summary>
/// A small, fast generator (SplitMix64) for the suite's data: the same seed gives the same bytes on every
/// engine and in every round, and making them costs far less than storing them.
/// </summary>
public struct SplitMix(ulong seed)
{
    private ulong _state = seed;

    public ulong Next()
    {
        var z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>A number below <paramref name="bound"/>.</summary>
    public int Below(int bound) => (int)((Next() >> 32) * (ulong)bound >> 32);

    /// <summary>Fills <paramref name="bytes"/> with random bytes.</summary>
    public void Fill(Span<byte> bytes)
    {
        var i = 0;
        for (; i + 8 <= bytes.Length; i += 8) BinaryPrimitives.WriteUInt64LittleEndian(bytes[i..], Next());
        if (i == bytes.Length) return;
        Span<byte> last = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(last, Next());
        last[..(bytes.Length - i)].CopyTo(bytes[i..]);
    }

    /// <summary>The seed of value <paramref name="index"/> of write pass <paramref name="pass"/> (0 the fill, 1 the overwrite...).</summary>
    public static ulong Seed(long index, int pass) => (ulong)index * 0x100000001B3UL ^ ((ulong)pass << 56) ^ 0x5EED;
}
