namespace Packtree.Tests.Keys;

/// <summary>
/// Byte keys that stress per-node packing, drawn from a seeded <see cref="Random"/>: the empty key, runs of 0x00 and
/// 0xFF (the longest among them), keys sharing a long prefix, neighbours of keys already made (one byte shorter or
/// longer, or the last byte changed: prefixes of each other), and short keys over a small alphabet with random bytes.
/// </summary>
internal sealed class StressByteKeys(Random random, int maxBytes)
{
    private static readonly byte[] Alphabet = [0x00, 0x01, 0x2f, 0x61, 0x7f, 0xfe, 0xff];
    private static readonly byte[] SharedPrefix = [.. "tenant/000042/"u8, .. Enumerable.Range(0, 26).Select(i => (byte)('a' + i))];
    private readonly List<byte[]> _made = [];

    /// <summary>The next key (0 to the longest length).</summary>
    public byte[] Next()
    {
        byte[] key = random.Next(12) switch
        {
            0 => [],
            1 => [.. Enumerable.Repeat((byte)0x00, random.Next(0, maxBytes + 1))],
            2 => [.. Enumerable.Repeat((byte)0xFF, random.Next(0, maxBytes + 1))],
            3 => [.. Enumerable.Repeat((byte)0xFF, maxBytes)],
            4 or 5 when _made.Count > 0 => Neighbour(_made[random.Next(_made.Count)]),
            6 or 7 or 8 => [.. SharedPrefix.AsSpan(0, Math.Min(SharedPrefix.Length, Math.Max(maxBytes - 4, 0))), .. Tail(random.Next(0, 5))],
            _ => Tail(random.Next(0, Math.Min(maxBytes, 20) + 1)),
        };
        if (key.Length > maxBytes) key = key[..maxBytes];
        if (_made.Count < 2000) _made.Add(key);
        return key;
    }

    /// <summary>A key one byte shorter or longer than <paramref name="key"/>, or with its last byte changed.</summary>
    private byte[] Neighbour(byte[] key) => random.Next(3) switch
    {
        0 when key.Length > 0 => key[..^1],
        1 when key.Length < maxBytes => [.. key, Alphabet[random.Next(Alphabet.Length)]],
        _ when key.Length > 0 => [.. key[..^1], Alphabet[random.Next(Alphabet.Length)]],
        _ => [Alphabet[random.Next(Alphabet.Length)]],
    };

    private byte[] Tail(int length)
    {
        var tail = new byte[length];
        for (var i = 0; i < length; i++) tail[i] = random.Next(3) == 0 ? (byte)random.Next(256) : Alphabet[random.Next(Alphabet.Length)];
        return tail;
    }
}
