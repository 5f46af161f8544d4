using System.IO.Hashing;
using System.Text;
using Packtree.Keys;

namespace Packtree.Tests.Storage;

/// <summary>What one update of a fuzz workload does.</summary>
internal enum FuzzOpKind : byte
{
    CreateTree,
    Put,
    Delete,
}

/// <summary>One update of a commit: a tree created, a value put, a key deleted.</summary>
internal readonly record struct FuzzOp(FuzzOpKind Kind, string Tree, Bpos Key, byte[] Value)
{
    public override string ToString() => Kind switch
    {
        FuzzOpKind.CreateTree => $"create '{Tree}'",
        FuzzOpKind.Put => $"put '{Tree}' {Key} ({Value.Length} bytes)",
        _ => $"delete '{Tree}' {Key}",
    };
}

/// <summary>The contents of a store: each tree's keys and values, by tree name.</summary>
internal sealed class FuzzState : Dictionary<string, SortedDictionary<Bpos, byte[]>>
{
    public FuzzState()
        : base(StringComparer.Ordinal)
    {
    }

    /// <summary>The multiset hash of the contents (see <see cref="FuzzWorkload.Fingerprints"/>).</summary>
    public ulong Fingerprint()
    {
        var hash = 0UL;
        foreach (var (name, keys) in this)
        {
            hash ^= FuzzWorkload.TreeHash(name);
            foreach (var (key, value) in keys) hash ^= FuzzWorkload.EntryHash(name, key, value);
        }
        return hash;
    }

    /// <summary>What differs between this state (the store's) and <paramref name="model"/>, briefly.</summary>
    public string Difference(FuzzState model)
    {
        var text = new StringBuilder();
        var lines = 0;
        void Line(string line)
        {
            if (lines++ < 12) text.AppendLine("      " + line);
        }
        foreach (var name in Keys.Union(model.Keys).Order(StringComparer.Ordinal))
        {
            if (!TryGetValue(name, out var have)) Line($"tree '{name}' missing ({model[name].Count} keys in the model)");
            else if (!model.TryGetValue(name, out var want)) Line($"tree '{name}' ({have.Count} keys) is not in the model");
            else
            {
                foreach (var (key, value) in want)
                {
                    if (!have.TryGetValue(key, out var found)) Line($"'{name}' {key}: missing ({value.Length} bytes in the model)");
                    else if (!found.AsSpan().SequenceEqual(value)) Line($"'{name}' {key}: {Convert.ToHexString(found)} where the model has {Convert.ToHexString(value)}");
                }
                foreach (var key in have.Keys.Where(k => !want.ContainsKey(k))) Line($"'{name}' {key}: present, not in the model");
            }
        }
        if (lines > 12) text.AppendLine($"      ... {lines - 12} more differences");
        return text.ToString();
    }

    public bool SameAs(FuzzState other) =>
        Count == other.Count && this.All(t => other.TryGetValue(t.Key, out var keys) && keys.Count == t.Value.Count
            && t.Value.All(kv => keys.TryGetValue(kv.Key, out var v) && v.AsSpan().SequenceEqual(kv.Value)));
}

/// <summary>
/// The commits a store was given, in order (commit n at index n − 1; tree creations are commits too),
/// so that the state after any prefix can be rebuilt, and a fingerprint of the state after every prefix
/// to find which prefix a store's contents are. A variant (a commit replaced or inserted, a tree renamed)
/// shares the states of the commits before its first change with the workload it came from.
/// </summary>
internal sealed class FuzzWorkload
{
    private const int SnapshotEvery = 128;
    private readonly IReadOnlyList<FuzzOp[]> _commits;
    private readonly FuzzWorkload? _base;
    private readonly int _sameUpTo;
    private readonly Dictionary<int, FuzzState> _snapshots = [];
    private ulong[]? _fingerprints;
    private int _possible = int.MaxValue;

    public FuzzWorkload(IReadOnlyList<FuzzOp[]> commits, string name = "the workload")
        : this(commits, name, null, 0)
    {
    }

    private FuzzWorkload(IReadOnlyList<FuzzOp[]> commits, string name, FuzzWorkload? from, int sameUpTo)
    {
        _commits = commits;
        Name = name;
        _base = from;
        _sameUpTo = sameUpTo;
    }

    /// <summary>How reports name it (the workload, or how a variant differs from it).</summary>
    public string Name { get; }

    public int CommitCount => _commits.Count;

    public IReadOnlyList<FuzzOp> Commit(int number) => _commits[number - 1];

    /// <summary>The state's fingerprint after commits 0..N: a XOR over trees and entries, kept up to date per update.</summary>
    public ulong[] Fingerprints
    {
        get
        {
            lock (_snapshots) return _fingerprints ??= ComputeFingerprints();
        }
    }

    /// <summary>The contents after the first <paramref name="commits"/> commits (a new object: the caller may change it).</summary>
    public FuzzState StateAt(int commits)
    {
        FuzzState state;
        int from;
        if (_base is not null)
        {
            from = Math.Min(commits, _sameUpTo);
            state = _base.StateAt(from);
        }
        else
        {
            from = commits / SnapshotEvery * SnapshotEvery;
            lock (_snapshots)
            {
                if (!_snapshots.TryGetValue(from, out var snapshot))
                {
                    snapshot = new FuzzState();
                    Replay(snapshot, 0, from);
                    _snapshots[from] = snapshot;
                }
                state = Copy(snapshot);
            }
        }
        Replay(state, from, commits);
        return state;
    }

    /// <summary>The prefixes whose state has <paramref name="fingerprint"/> (never one past an update the store could not have made).</summary>
    public IEnumerable<int> PrefixesWith(ulong fingerprint)
    {
        var fingerprints = Fingerprints;
        for (var p = Math.Min(fingerprints.Length - 1, _possible); p >= 0; p--)
        {
            if (fingerprints[p] == fingerprint) yield return p;
        }
    }

    /// <summary>This workload with commit <paramref name="number"/> doing <paramref name="ops"/> instead.</summary>
    public FuzzWorkload Replace(int number, FuzzOp[] ops, string why)
    {
        var commits = _commits.ToList();
        commits[number - 1] = ops;
        return new FuzzWorkload(commits, why, this, number - 1);
    }

    /// <summary>This workload with <paramref name="ops"/> as one more commit after commit <paramref name="after"/>.</summary>
    public FuzzWorkload Insert(int after, FuzzOp[] ops, string why)
    {
        var commits = _commits.ToList();
        commits.Insert(after, ops);
        return new FuzzWorkload(commits, why, this, after);
    }

    /// <summary>This workload with tree <paramref name="from"/> called <paramref name="to"/>.</summary>
    public FuzzWorkload Rename(string from, string to, string why) =>
        new([.. _commits.Select(c => c.Select(op => op.Tree == from ? op with { Tree = to } : op).ToArray())], why);

    /// <summary>The same commits under another name.</summary>
    public FuzzWorkload Named(string name) => new(_commits, name, this, _commits.Count);

    /// <summary>This workload without tree <paramref name="tree"/> (never created, never written).</summary>
    public FuzzWorkload Without(string tree, string why) =>
        new([.. _commits.Select(c => c.Where(op => op.Tree != tree).ToArray())], why);

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte[]> NameBytes = new(StringComparer.Ordinal);

    internal static ulong TreeHash(string name) => XxHash64.HashToUInt64(Encoding.UTF8.GetBytes("tree:" + name));

    internal static ulong EntryHash(string name, Bpos key, byte[] value)
    {
        var hash = new XxHash64(0x5eed);
        hash.Append(NameBytes.GetOrAdd(name, Encoding.UTF8.GetBytes));
        Span<byte> position = stackalloc byte[Bpos.ByteCount + 4];
        key.Write(position);
        BitConverter.TryWriteBytes(position[Bpos.ByteCount..], value.Length);
        hash.Append(position);
        hash.Append(value);
        return hash.GetCurrentHashAsUInt64();
    }

    private static FuzzState Copy(FuzzState state)
    {
        var copy = new FuzzState();
        foreach (var (name, keys) in state) copy[name] = new SortedDictionary<Bpos, byte[]>(keys);
        return copy;
    }

    private void Replay(FuzzState state, int from, int to)
    {
        for (var i = from; i < to; i++)
        {
            foreach (var op in _commits[i])
            {
                if (!Apply(state, op, out _, out _)) throw new InvalidOperationException($"{Name}: commit {i + 1} ({op}) cannot be made.");
            }
        }
    }

    private ulong[] ComputeFingerprints()
    {
        var fingerprints = new ulong[_commits.Count + 1];
        var start = 0;
        FuzzState state;
        var hash = 0UL;
        if (_base is not null && _sameUpTo > 0 && _sameUpTo <= _base._possible)
        {
            // The commits before the first change are the base's: so are their fingerprints.
            start = _sameUpTo;
            Array.Copy(_base.Fingerprints, fingerprints, start + 1);
            hash = fingerprints[start];
            state = _base.StateAt(start);
        }
        else state = new FuzzState();
        for (var i = start; i < _commits.Count; i++)
        {
            foreach (var op in _commits[i])
            {
                if (!Apply(state, op, out var removed, out var added))
                {
                    _possible = i; // a tree used before it exists, or created twice: no later prefix is a state
                    return fingerprints;
                }
                hash ^= removed ^ added;
            }
            fingerprints[i + 1] = hash;
        }
        return fingerprints;
    }

    /// <summary>Applies one update; <paramref name="removed"/> and <paramref name="added"/> are the hashes it takes out and puts in. False when it cannot be made.</summary>
    private static bool Apply(FuzzState state, FuzzOp op, out ulong removed, out ulong added)
    {
        removed = added = 0;
        if (op.Kind == FuzzOpKind.CreateTree)
        {
            if (!state.TryAdd(op.Tree, [])) return false;
            added = TreeHash(op.Tree);
            return true;
        }
        if (!state.TryGetValue(op.Tree, out var keys)) return false;
        if (keys.TryGetValue(op.Key, out var old))
        {
            removed = EntryHash(op.Tree, op.Key, old);
            keys.Remove(op.Key);
        }
        if (op.Kind == FuzzOpKind.Put)
        {
            keys[op.Key] = op.Value;
            added = EntryHash(op.Tree, op.Key, op.Value);
        }
        return true;
    }
}
