using Packtree.Keys;

namespace Packtree.Cli.Commands;

/// <summary>
/// The crash test's workload: a sequence of commits drawn from a seed, the same for the worker that
/// runs it and the checker that replays it in a model. Each commit is one or more puts and deletes in
/// two trees, made durable (flushed) or buffered.
/// </summary>
public sealed class TortureWorkload(int seed)
{
    public static readonly string[] TreeNames = ["alpha", "beta"];

    private readonly Random _random = new(seed);

    public static StoreOptions Options(Durability durability) => new()
    {
        NodeBytes = 4096,
        BlockBytes = 512,
        CacheBytes = 16 * 4096 * 2,
        JournalBytes = 1024 * 1024,
        Durability = durability,
    };

    /// <summary>The next commit: its updates (a null value deletes) and whether it is flushed.</summary>
    public (List<(int Tree, Bpos Key, byte[]? Value)> Updates, bool Durable) Next()
    {
        var updates = new List<(int, Bpos, byte[]?)>();
        var count = _random.Next(4) == 0 ? _random.Next(2, 12) : 1;
        for (var i = 0; i < count; i++)
        {
            var tree = _random.Next(2);
            var key = new Bpos((ulong)_random.Next(0, 4), (ulong)_random.Next(0, 3000) * 8, (uint)_random.Next(0, 2));
            if (_random.Next(5) == 0)
            {
                updates.Add((tree, key, null));
                continue;
            }
            var value = new byte[_random.Next(10) == 0 ? _random.Next(0, 600) : _random.Next(0, 40)];
            _random.NextBytes(value);
            updates.Add((tree, key, value));
        }
        return (updates, _random.Next(3) != 0);
    }
}
