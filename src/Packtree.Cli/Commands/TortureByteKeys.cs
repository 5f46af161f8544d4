using System.Globalization;
using System.Text;

namespace Packtree.Cli.Commands;

/// <summary>
/// The crash test's byte keys, drawn to stress per-node packing: runs of 0x00 and of 0xFF that are prefixes of each
/// other, the empty key, keys as long as the tree takes, many keys behind one shared prefix, cuts of a few fixed stems
/// (so that keys are prefixes of each other at every length), and short random keys.
/// </summary>
public sealed class TortureByteKeys
{
    private const int StemBytes = 64;
    private const string RowPrefix = "row/";
    private readonly Random _random;
    private readonly byte[][] _stems;

    /// <summary>Keys drawn from <paramref name="random"/> (which also draws the stems, now).</summary>
    public TortureByteKeys(Random random)
    {
        _random = random;
        _stems = new byte[8][];
        for (var i = 0; i < _stems.Length; i++)
        {
            _stems[i] = new byte[StemBytes];
            _random.NextBytes(_stems[i]);
        }
        _stems[0].AsSpan(8, 16).Fill(0x00); // zero and all-ones runs inside a key, not only at its ends
        _stems[1].AsSpan(8, 16).Fill(0xFF);
    }

    /// <summary>A key of at most <paramref name="maxBytes"/> bytes.</summary>
    public byte[] Next(int maxBytes)
    {
        switch (_random.Next(8))
        {
            case 0:
                return new byte[_random.Next(maxBytes + 1)];
            case 1:
                var ones = new byte[_random.Next(maxBytes + 1)];
                ones.AsSpan().Fill(0xFF);
                return ones;
            case 2:
                return Row(_random.Next(0, 3000), maxBytes);
            case 3:
                return Cut(_stems[_random.Next(_stems.Length)], _random.Next(maxBytes + 1));
            case 4:
                // As long as the tree takes, ending in 0x00, 0xFF or anything.
                var longest = new byte[maxBytes];
                _stems[_random.Next(_stems.Length)].AsSpan(0, Math.Min(maxBytes, StemBytes)).CopyTo(longest);
                longest[^1] = _random.Next(3) switch { 0 => 0x00, 1 => 0xFF, _ => (byte)_random.Next(256) };
                return longest;
            case 5:
                var small = new byte[_random.Next(0, Math.Min(maxBytes, 3) + 1)];
                _random.NextBytes(small);
                return small;
            case 6:
                return [];
            default:
                return Cut(Row(_random.Next(0, 3000), maxBytes), _random.Next(maxBytes + 1)); // prefixes of the shared-prefix keys
        }
    }

    /// <summary>A key behind the shared prefix <c>row/</c>, cut to <paramref name="maxBytes"/>: <c>row/001234</c>.</summary>
    public static byte[] Row(int number, int maxBytes) => Cut(Encoding.ASCII.GetBytes(RowPrefix + number.ToString("D6", CultureInfo.InvariantCulture)), maxBytes);

    private static byte[] Cut(byte[] key, int length) => key.Length <= length ? key : key[..length];
}
