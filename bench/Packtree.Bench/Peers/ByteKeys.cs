using System.Globalization;
using System.Text;

namespace Packtree.Bench.Peers;

/// <summary>
/// Keys as the two common benchmarks of key-value stores make them: db_bench's 16 ASCII digits, and YCSB's
/// "user" followed by a hashed record number in decimal.
/// </summary>
public static class ByteKeys
{
    /// <summary>The longest key either makes: "user" and a signed 64-bit number (YCSB), or 16 digits (db_bench).</summary>
    public const int MaxBytes = 24;

    /// <summary>
    /// <paramref name="count"/> db_bench keys (<c>%016d</c>), distinct, in a random order: the numbers
    /// below <paramref name="count"/> shuffled, so that the keys inserted first are a random subset of them.
    /// </summary>
    public static byte[][] DbBench(int count, int seed)
    {
        var numbers = Enumerable.Range(0, count).ToArray();
        new Random(seed).Shuffle(numbers);
        return [.. numbers.Select(n => DbBenchKey(n))];
    }

    /// <summary>The db_bench key of <paramref name="number"/>: its decimal digits, zero-padded to 16.</summary>
    public static byte[] DbBenchKey(long number) => Encoding.ASCII.GetBytes(number.ToString("D16", CultureInfo.InvariantCulture));

    /// <summary>
    /// The YCSB key of record <paramref name="sequence"/>: "user" and the record number hashed (as YCSB does for
    /// inserts that are not ordered), in decimal without padding: 5 to 24 bytes, nearly all 22 or 23.
    /// </summary>
    public static byte[] YcsbKey(long sequence) => Encoding.ASCII.GetBytes("user" + Fnv64(sequence).ToString(CultureInfo.InvariantCulture));

    /// <summary>
    /// YCSB's hash of a record number: FNV-1a over its eight bytes, lowest first, made non-negative (YCSB takes
    /// the absolute value of the signed result; the one value without one stays negative, as in Java).
    /// </summary>
    public static long Fnv64(long value)
    {
        var hash = 0xCBF29CE484222325UL;
        for (var i = 0; i < 8; i++)
        {
            hash ^= (ulong)(value & 0xff);
            hash *= 0x100000001B3UL;
            value >>= 8;
        }
        var signed = (long)hash;
        return signed == long.MinValue ? signed : Math.Abs(signed);
    }
}
