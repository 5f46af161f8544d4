using Packtree.Keys;

namespace Packtree.Cli.Commands;

/// <summary>One commit of the crash test: a tree created, or puts (a value) and deletes (null) in trees by index; flushed or buffered.</summary>
public sealed record TortureCommit(string? NewTree, List<(int Tree, Bpos Key, byte[]? Value)> Updates, bool Durable);

/// <summary>
/// The crash test's workload: a sequence of commits drawn from a seed, the same for the worker that
/// runs it and the checker that replays it in a model. Most commits are one or a few puts and deletes;
/// now and then a tree is created (long and non-ASCII names among them), a value is as large as a tree
/// takes, or a batch holds more than 65,536 updates.
/// </summary>
public sealed class TortureWorkload(int seed)
{
    /// <summary>The trees every trial starts with.</summary>
    public static readonly string[] TreeNames = ["alpha", "beta"];

    private const int LargestValue = 896; // what a tree of 4 KiB nodes takes
    private readonly Random _random = new(seed);
    private int _trees = TreeNames.Length;

    public static StoreOptions Options(Durability durability) => new()
    {
        NodeBytes = 4096,
        BlockBytes = 512,
        CacheBytes = 16 * 4096 * 2,
        JournalBytes = 12 * 1024 * 1024, // a batch of 70,000 small updates must fit a quarter of it
        Durability = durability,
    };

    /// <summary>The name of the tree created as the <paramref name="index"/>-th (from 0, the starting trees included).</summary>
    public static string NameOf(int index) => index < TreeNames.Length ? TreeNames[index] : (index % 3) switch
    {
        0 => $"données-ü-日本-{index}",
        1 => $"{index:D4}" + new string('n', 251), // 255 UTF-8 bytes
        _ => $"t{index}",
    };

    /// <summary>The next commit.</summary>
    public TortureCommit Next()
    {
        if (_trees < 40 && _random.Next(300) == 0) return new TortureCommit(NameOf(_trees++), [], true);
        var updates = new List<(int, Bpos, byte[]?)>();
        if (_random.Next(1500) == 0)
        {
            // A batch past 65,535 updates: small values and deletes in one tree.
            var tree = _random.Next(_trees);
            var count = 65_536 + _random.Next(0, 4_000);
            for (var i = 0; i < count; i++)
            {
                var key = new Bpos(9, (ulong)_random.Next(0, 100_000), 0);
                updates.Add((tree, key, _random.Next(6) == 0 ? null : BitConverter.GetBytes(i)));
            }
            return new TortureCommit(null, updates, _random.Next(2) == 0);
        }
        var n = _random.Next(4) == 0 ? _random.Next(2, 12) : 1;
        for (var i = 0; i < n; i++)
        {
            var tree = _random.Next(_trees);
            var key = new Bpos((ulong)_random.Next(0, 4), (ulong)_random.Next(0, 3000) * 8, (uint)_random.Next(0, 2));
            if (_random.Next(5) == 0)
            {
                updates.Add((tree, key, null));
                continue;
            }
            var size = _random.Next(20) switch
            {
                0 => LargestValue,
                < 3 => _random.Next(0, LargestValue),
                _ => _random.Next(0, 40),
            };
            var value = new byte[size];
            _random.NextBytes(value);
            updates.Add((tree, key, value));
        }
        return new TortureCommit(null, updates, _random.Next(3) != 0);
    }
}
