namespace Packtree.Bench.Peers;

/// <summary>
/// YCSB's request distribution: Zipfian over item ranks with constant 0.99 (Gray et al.'s method, as
/// in YCSB's ZipfianGenerator), scrambled by an FNV hash so that the popular items are spread over
/// the key space rather than clustered at its start (YCSB's ScrambledZipfianGenerator).
/// </summary>
public sealed class ZipfianGenerator
{
    private readonly long _items;
    private readonly double _theta;
    private readonly double _zetaN;
    private readonly double _alpha;
    private readonly double _eta;

    public ZipfianGenerator(long items, double theta = 0.99)
    {
        if (items < 2) throw new ArgumentOutOfRangeException(nameof(items), items, "A Zipfian distribution needs at least two items.");
        _items = items;
        _theta = theta;
        var zeta2 = Zeta(2, theta);
        _zetaN = Zeta(items, theta);
        _alpha = 1.0 / (1.0 - theta);
        _eta = (1 - Math.Pow(2.0 / items, 1 - theta)) / (1 - zeta2 / _zetaN);
    }

    /// <summary>
    /// The next item, 0 to items - 1 (item ranks are scrambled over the range), drawn with <paramref name="random"/>:
    /// the distribution is shared, read-only, by callers that each bring their own generator.
    /// </summary>
    public long Next(Random random)
    {
        var u = random.NextDouble();
        var uz = u * _zetaN;
        long rank;
        if (uz < 1.0) rank = 0;
        else if (uz < 1.0 + Math.Pow(0.5, _theta)) rank = 1;
        else rank = (long)(_items * Math.Pow(_eta * u - _eta + 1, _alpha));
        rank = Math.Min(rank, _items - 1);
        return (long)(Fnv(rank) % (ulong)_items);
    }

    private static double Zeta(long n, double theta)
    {
        double sum = 0;
        for (long i = 1; i <= n; i++) sum += 1 / Math.Pow(i, theta);
        return sum;
    }

    private static ulong Fnv(long value)
    {
        var hash = 0xCBF29CE484222325UL;
        for (var i = 0; i < 8; i++)
        {
            hash ^= (ulong)(value & 0xff);
            hash *= 1099511628211UL;
            value >>= 8;
        }
        return hash;
    }
}
