using System.Buffers.Binary;
using System.Text;
using Packtree.Keys;

namespace Packtree.Tests.Storage;

/// <summary>An order-independent summary of a store's contents: a 64-bit hash sum over every (tree, key, value), the entry count, and the set of tree names.</summary>
internal readonly record struct StateFingerprint(ulong Entries, long Count, ulong Names, int Trees)
{
    public override string ToString() => $"{Trees} trees, {Count} keys, hash {Entries:x16}/{Names:x16}";
}

/// <summary>
/// The model of a power-loss trial: trees of sorted keys, the fingerprint after every operation, and an
/// undo log, so the state after any earlier operation can be found (by fingerprint) and rebuilt (by
/// undoing) without keeping a copy per operation.
/// </summary>
internal sealed class PowerLossModel
{
    private readonly Dictionary<string, SortedDictionary<Bpos, byte[]>> _trees = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<Bpos>> _known = new(StringComparer.Ordinal);
    private readonly List<string> _names = [];
    private readonly List<StateFingerprint> _states = [default];
    private readonly List<string> _descriptions = ["the empty store"];
    private readonly List<Change> _changes = [];
    private readonly List<int> _firstChange = [0];
    private StateFingerprint _now;
    private bool _open;

    /// <summary>Index of the last operation (0: none yet).</summary>
    public int Last => _states.Count - 1;

    /// <summary>The fingerprint now.</summary>
    public StateFingerprint Now => _now;

    /// <summary>Tree names, in creation order.</summary>
    public IReadOnlyList<string> TreeNames => _names;

    /// <summary>The keys of <paramref name="tree"/> now.</summary>
    public SortedDictionary<Bpos, byte[]> Tree(string tree) => _trees[tree];

    /// <summary>Keys ever put in <paramref name="tree"/> (some deleted since): for picking keys to overwrite or delete.</summary>
    public List<Bpos> Known(string tree) => _known[tree];

    /// <summary>What operation <paramref name="op"/> was.</summary>
    public string Describe(int op) => _descriptions[op];

    /// <summary>Whether the model has a tree called <paramref name="name"/>.</summary>
    public bool HasTree(string name) => _trees.ContainsKey(name);

    /// <summary>Starts operation <see cref="Last"/> + 1.</summary>
    public void Begin(string description)
    {
        if (_open) throw new InvalidOperationException("An operation is already open.");
        _open = true;
        _descriptions.Add(description);
        _firstChange.Add(_changes.Count);
    }

    /// <summary>Ends the open operation; returns its index.</summary>
    public int End()
    {
        if (!_open) throw new InvalidOperationException("No operation is open.");
        _open = false;
        _states.Add(_now);
        return Last;
    }

    public void CreateTree(string name)
    {
        CheckOpen();
        _trees.Add(name, []);
        _known.Add(name, []);
        _names.Add(name);
        _now = _now with { Names = _now.Names + NameHash(name), Trees = _now.Trees + 1 };
        _changes.Add(new Change(name, default, null, Created: true));
    }

    public void Put(string tree, Bpos key, byte[] value)
    {
        CheckOpen();
        _changes.Add(new Change(tree, key, Set(tree, key, value), Created: false));
        _known[tree].Add(key);
    }

    /// <summary>Deletes; returns whether the key was there.</summary>
    public bool Delete(string tree, Bpos key)
    {
        CheckOpen();
        var old = Set(tree, key, null);
        _changes.Add(new Change(tree, key, old, Created: false));
        return old is not null;
    }

    /// <summary>Operations from <paramref name="from"/> to <paramref name="to"/> whose state has <paramref name="fingerprint"/>, latest first.</summary>
    public List<int> Matching(StateFingerprint fingerprint, int from, int to)
    {
        var found = new List<int>();
        for (var k = Math.Min(to, Last); k >= Math.Max(0, from); k--)
        {
            if (_states[k] == fingerprint) found.Add(k);
        }
        return found;
    }

    /// <summary>Undoes every operation after <paramref name="op"/>: the model is then the state after it, and the next operation is <paramref name="op"/> + 1.</summary>
    public void RollBack(int op)
    {
        if (_open) throw new InvalidOperationException("An operation is open.");
        if (op < Last)
        {
            var first = _firstChange[op + 1];
            for (var i = _changes.Count - 1; i >= first; i--)
            {
                var change = _changes[i];
                if (change.Created)
                {
                    _trees.Remove(change.Tree);
                    _known.Remove(change.Tree);
                    _names.Remove(change.Tree);
                    _now = _now with { Names = _now.Names - NameHash(change.Tree), Trees = _now.Trees - 1 };
                }
                else
                {
                    Set(change.Tree, change.Key, change.Old);
                }
            }
            _changes.RemoveRange(first, _changes.Count - first);
        }
        _states.RemoveRange(op + 1, _states.Count - op - 1);
        _descriptions.RemoveRange(op + 1, _descriptions.Count - op - 1);
        _firstChange.RemoveRange(op + 1, _firstChange.Count - op - 1);
        if (_now != _states[op]) throw new InvalidOperationException($"Rolling back to operation {op} gave {_now}, not {_states[op]}.");
    }

    /// <summary>Operations that changed <paramref name="key"/> of <paramref name="tree"/>, latest first (at most <paramref name="limit"/>).</summary>
    public List<int> ChangesOf(string tree, Bpos key, int limit = 4)
    {
        var ops = new List<int>();
        var op = Last;
        for (var i = _changes.Count - 1; i >= 0 && ops.Count < limit; i--)
        {
            while (op > 0 && _firstChange[op] > i) op--;
            if (!_changes[i].Created && _changes[i].Key == key && _changes[i].Tree == tree && (ops.Count == 0 || ops[^1] != op)) ops.Add(op);
        }
        return ops;
    }

    /// <summary>The first difference between <paramref name="store"/> and the model now, or null when they hold the same trees, keys and values.</summary>
    public string? Difference(Store store)
    {
        var names = store.TreeNames;
        var missing = _names.Except(names, StringComparer.Ordinal).ToList();
        var extra = names.Except(_names, StringComparer.Ordinal).ToList();
        if (missing.Count > 0 || extra.Count > 0)
            return $"trees differ: missing [{string.Join(", ", missing.Select(Quote))}], extra [{string.Join(", ", extra.Select(Quote))}]";
        foreach (var name in _names)
        {
            var tree = store.TryGetTree(name, out var t) ? t : throw new InvalidOperationException("The tree vanished.");
            var model = _trees[name];
            using var expected = model.GetEnumerator();
            var scanned = 0L;
            foreach (var (key, value) in tree.Scan())
            {
                scanned++;
                if (!expected.MoveNext()) return $"tree {Quote(name)} has an extra key {key} ({value.Length} bytes){Origin(name, key)}";
                var (modelKey, modelValue) = expected.Current;
                if (modelKey < key) return $"tree {Quote(name)} lacks key {modelKey} ({modelValue.Length} bytes){Origin(name, modelKey)}";
                if (modelKey > key) return $"tree {Quote(name)} has an extra key {key} ({value.Length} bytes){Origin(name, key)}";
                if (!modelValue.AsSpan().SequenceEqual(value)) return $"tree {Quote(name)} at {key}: a value of {value.Length} bytes, expected {modelValue.Length} bytes{Origin(name, key)}";
            }
            if (expected.MoveNext()) return $"tree {Quote(name)} lacks key {expected.Current.Key} ({expected.Current.Value.Length} bytes) after its {scanned} keys{Origin(name, expected.Current.Key)}";
        }
        return null;
    }

    /// <summary>The fingerprint of what <paramref name="store"/> holds.</summary>
    public static StateFingerprint Fingerprint(Store store)
    {
        var fingerprint = default(StateFingerprint);
        foreach (var name in store.TreeNames)
        {
            if (!store.TryGetTree(name, out var tree)) throw new InvalidOperationException($"Tree {name} is listed but not found.");
            var treeHash = NameHash(name);
            ulong sum = 0;
            long count = 0;
            foreach (var (key, value) in tree.Scan())
            {
                sum += EntryHash(treeHash, key, value);
                count++;
            }
            fingerprint = new StateFingerprint(fingerprint.Entries + sum, fingerprint.Count + count, fingerprint.Names + treeHash, fingerprint.Trees + 1);
        }
        return fingerprint;
    }

    public static string Quote(string name) => name.Length <= 40 ? $"'{name}'" : $"'{name[..20]}…' ({Encoding.UTF8.GetByteCount(name)} bytes)";

    private string Origin(string tree, Bpos key)
    {
        var ops = ChangesOf(tree, key);
        return ops.Count == 0 ? "; no operation of the model changed it" : $"; changed by operation{(ops.Count > 1 ? "s" : "")} {string.Join(", ", ops.Select(o => $"{o} ({_descriptions[o]})"))}";
    }

    /// <summary>Sets (null: deletes) a key, keeping the fingerprint; returns the old value.</summary>
    private byte[]? Set(string tree, Bpos key, byte[]? value)
    {
        var keys = _trees[tree];
        var treeHash = NameHash(tree);
        var entries = _now.Entries;
        var count = _now.Count;
        if (keys.TryGetValue(key, out var old))
        {
            entries -= EntryHash(treeHash, key, old);
            count--;
        }
        if (value is null) keys.Remove(key);
        else
        {
            keys[key] = value;
            entries += EntryHash(treeHash, key, value);
            count++;
        }
        _now = _now with { Entries = entries, Count = count };
        return old;
    }

    private void CheckOpen()
    {
        if (!_open) throw new InvalidOperationException("No operation is open.");
    }

    private static ulong Mix(ulong x)
    {
        x += 0x9E3779B97F4A7C15;
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EB;
        return x ^ (x >> 31);
    }

    private static ulong NameHash(string name)
    {
        var h = 0xcbf29ce484222325UL;
        foreach (var c in name)
        {
            h ^= c;
            h *= 0x100000001b3;
        }
        return Mix(h ^ (ulong)name.Length);
    }

    private static ulong EntryHash(ulong treeHash, Bpos key, ReadOnlySpan<byte> value)
    {
        var h = Mix(treeHash ^ key.Inode);
        h = Mix(h ^ key.Offset);
        h = Mix(h ^ key.Snapshot ^ ((ulong)value.Length << 32));
        var i = 0;
        for (; i + 8 <= value.Length; i += 8) h = Mix(h ^ BinaryPrimitives.ReadUInt64LittleEndian(value[i..]));
        ulong tail = 0;
        for (var shift = 0; i < value.Length; i++, shift += 8) tail |= (ulong)value[i] << shift;
        return Mix(h ^ tail);
    }

    private readonly record struct Change(string Tree, Bpos Key, byte[]? Old, bool Created);
}
