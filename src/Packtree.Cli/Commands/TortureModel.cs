namespace Packtree.Cli.Commands;

/// <summary>
/// What the store must hold after a prefix of the crash test's commits: each tree's name, kind of keys, and sorted
/// keys and values, replayed from the workload. <see cref="Compare"/> holds a recovered store against it, byte-key
/// trees exactly as trees of positions: nothing missing, nothing extra, every value equal, in order.
/// </summary>
public sealed class TortureModel
{
    private readonly List<(string Name, KeyKind Kind, SortedDictionary<TreeKey, byte[]> Keys)> _trees = [];

    /// <summary>The model before the first commit: the starting trees, empty.</summary>
    public TortureModel()
    {
        foreach (var (name, kind) in TortureWorkload.StartingTrees) _trees.Add((name, kind, []));
    }

    /// <summary>Trees in the model.</summary>
    public int Trees => _trees.Count;

    /// <summary>Trees of byte keys in the model.</summary>
    public int ByteKeyTrees => _trees.Count(t => t.Kind.IsBytes);

    /// <summary>Keys in the byte-key trees.</summary>
    public int ByteKeys => _trees.Where(t => t.Kind.IsBytes).Sum(t => t.Keys.Count);

    /// <summary>Values longer than their tree keeps in a leaf (<see cref="TortureWorkload.LargestValue"/>): kept out of line.</summary>
    public int LargeValues => _trees.Sum(t => t.Keys.Values.Count(v => v.Length > TortureWorkload.LargestValue(t.Kind)));

    /// <summary>Applies a commit.</summary>
    public void Apply(TortureCommit commit)
    {
        if (commit.NewTree is { } name) _trees.Add((name, commit.NewKind!, []));
        foreach (var (tree, key, value) in commit.Updates)
        {
            if (value is null) _trees[tree].Keys.Remove(key);
            else _trees[tree].Keys[key] = value;
        }
    }

    /// <summary>Null when <paramref name="store"/> holds what the model does; else the first difference (<paramref name="commit"/> names the state).</summary>
    public string? Compare(Store store, ulong commit)
    {
        var names = _trees.Select(t => t.Name).ToList();
        if (!store.TreeNames.SequenceEqual(names)) return $"the store has trees {string.Join(", ", store.TreeNames)}; commit {commit} leaves {string.Join(", ", names)}";
        foreach (var (name, kind, keys) in _trees)
        {
            if (!store.TryGetTree(name, out var tree)) return $"tree {name} is missing";
            if (!tree!.KeyKind.Equals(kind)) return $"tree {name} holds {tree.KeyKind} keys; it was created for {kind} keys";
            using var expected = keys.GetEnumerator();
            foreach (var entry in tree.Scan())
            {
                var key = TreeKey.Of(entry, kind.IsBytes);
                if (!expected.MoveNext()) return $"tree {name} has an extra key {key} after commit {commit}";
                if (!expected.Current.Key.Equals(key)) return $"tree {name}: found {key} where commit {commit} leaves {expected.Current.Key}";
                if (!expected.Current.Value.AsSpan().SequenceEqual(entry.Value)) return $"tree {name}: wrong value at {key} after commit {commit}";
            }
            if (expected.MoveNext()) return $"tree {name} lacks {expected.Current.Key} after commit {commit}";
        }
        return null;
    }
}
