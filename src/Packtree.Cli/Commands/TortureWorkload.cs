using Packtree.Keys;

namespace Packtree.Cli.Commands;

/// <summary>
/// The crash test's workload: a sequence of commits drawn from a seed, the same for the worker that
/// runs it and the checker that replays it in a model. Most commits are one or a few puts and deletes;
/// now and then a tree is created (long and non-ASCII names among them, every other one of byte keys of
/// some longest length), a value is as large as its tree keeps in a leaf or up to a few times that (kept
/// out of line), rarely one of 64 KiB to 1 MiB, or a batch holds more than 65,536 updates. Keys recently
/// given a value kept out of line are drawn again, to overwrite or delete it. Byte keys come from
/// <see cref="TortureByteKeys"/>.
/// </summary>
public sealed class TortureWorkload
{
    /// <summary>The trees every trial starts with, and their kinds of keys.</summary>
    public static readonly (string Name, KeyKind Kind)[] StartingTrees = [("alpha", KeyKind.Positions), ("beta", KeyKind.Positions), ("gamma", KeyKind.Bytes(64))];

    // The longest keys of the byte-key trees created along the way: all fit 4 KiB nodes (four unpacked keys of 64 bytes do).
    private static readonly int[] CreatedLengths = [1, 17, 64, 5];
    private static readonly Dictionary<KeyKind, int> Largest = [];

    private readonly Random _random;
    private readonly TortureByteKeys _byteKeys;
    private readonly List<KeyKind> _kinds = [.. StartingTrees.Select(t => t.Kind)];
    private readonly List<(int Tree, TreeKey Key)> _largeKeys = []; // keys recently given a value kept out of line

    /// <summary>The workload of <paramref name="seed"/>.</summary>
    public TortureWorkload(int seed)
    {
        _random = new Random(seed);
        _byteKeys = new TortureByteKeys(_random);
    }

    public static StoreOptions Options(Durability durability) => new()
    {
        NodeBytes = 4096,
        BlockBytes = 512,
        CacheBytes = 16 * 4096 * 2,
        JournalBytes = 32 * 1024 * 1024, // a batch of 70,000 small updates, of 64-byte-key trees too (about 104 journal bytes each), must fit a quarter of it
        Durability = durability,
    };

    /// <summary>The name of the tree created as the <paramref name="index"/>-th (from 0, the starting trees included).</summary>
    public static string NameOf(int index) => index < StartingTrees.Length ? StartingTrees[index].Name : (index % 3) switch
    {
        0 => $"données-ü-日本-{index}",
        1 => $"{index:D4}" + new string('n', 251), // 255 UTF-8 bytes
        _ => $"t{index}",
    };

    /// <summary>The kind of keys of the tree created as the <paramref name="index"/>-th: positions and byte keys by turns after the starting trees.</summary>
    public static KeyKind KindOf(int index) => index < StartingTrees.Length ? StartingTrees[index].Kind
        : index % 2 == 0 ? KeyKind.Bytes(CreatedLengths[index / 2 % CreatedLengths.Length]) : KeyKind.Positions;

    /// <summary>
    /// The largest value a tree of <paramref name="kind"/> keys keeps in its leaves in the trials' stores (longer keys leave
    /// less room), asked of a store in memory with the same options: longer values are kept out of line.
    /// </summary>
    public static int LargestValue(KeyKind kind)
    {
        lock (Largest)
        {
            if (Largest.TryGetValue(kind, out var bytes)) return bytes;
            using var probe = Store.CreateInMemory(Options(Durability.Buffered));
            return Largest[kind] = probe.GetOrCreateTree("probe", kind).MaxInlineValueBytes;
        }
    }

    /// <summary>The next commit.</summary>
    public TortureCommit Next()
    {
        if (_kinds.Count < 40 && _random.Next(300) == 0)
        {
            var index = _kinds.Count;
            _kinds.Add(KindOf(index));
            return new TortureCommit(NameOf(index), _kinds[index], [], true);
        }
        var updates = new List<TortureUpdate>();
        if (_random.Next(1500) == 0)
        {
            // A batch past 65,535 updates: small values and deletes in one tree.
            var tree = _random.Next(_kinds.Count);
            var count = 65_536 + _random.Next(0, 4_000);
            for (var i = 0; i < count; i++)
            {
                var number = _random.Next(0, 100_000);
                var key = _kinds[tree].IsBytes ? new TreeKey(default, TortureByteKeys.Row(number, _kinds[tree].MaxBytes)) : new TreeKey(new Bpos(9, (ulong)number, 0), null);
                updates.Add(new TortureUpdate(tree, key, _random.Next(6) == 0 ? null : BitConverter.GetBytes(i)));
            }
            return new TortureCommit(null, null, updates, _random.Next(2) == 0);
        }
        var n = _random.Next(4) == 0 ? _random.Next(2, 12) : 1;
        for (var i = 0; i < n; i++)
        {
            var (tree, key) = NextKey();
            var kind = _kinds[tree];
            if (_random.Next(5) == 0)
            {
                updates.Add(new TortureUpdate(tree, key, null));
                continue;
            }
            var largest = LargestValue(kind);
            var size = _random.Next(20) switch
            {
                0 => largest,
                < 3 => _random.Next(0, largest),
                < 5 => _random.Next(largest + 1, 4 * largest + 1), // out of line, in one piece or several
                _ => _random.Next(0, 40),
            };
            if (_random.Next(300) == 0) size = _random.Next(64 * 1024, 1024 * 1024 + 1); // several buckets
            if (size > largest) Remember(tree, key);
            var value = new byte[size];
            _random.NextBytes(value);
            updates.Add(new TortureUpdate(tree, key, value));
        }
        return new TortureCommit(null, null, updates, _random.Next(3) != 0);
    }

    /// <summary>The tree and key of the next update: now and then one recently given a value kept out of line, else a new draw.</summary>
    private (int Tree, TreeKey Key) NextKey()
    {
        if (_largeKeys.Count > 0 && _random.Next(6) == 0) return _largeKeys[_random.Next(_largeKeys.Count)];
        var tree = _random.Next(_kinds.Count);
        var kind = _kinds[tree];
        return (tree, kind.IsBytes ? new TreeKey(default, _byteKeys.Next(kind.MaxBytes))
            : new TreeKey(new Bpos((ulong)_random.Next(0, 4), (ulong)_random.Next(0, 3000) * 8, (uint)_random.Next(0, 2)), null));
    }

    /// <summary>Keeps the last 64 keys given a value kept out of line, for overwrites and deletes of them.</summary>
    private void Remember(int tree, TreeKey key)
    {
        if (_largeKeys.Count == 64) _largeKeys.RemoveAt(_random.Next(64));
        _largeKeys.Add((tree, key));
    }
}
