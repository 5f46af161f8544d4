using System.Collections.Concurrent;
using CsCheck;
using Packtree.Keys;
using Packtree.Tests.Trees;

namespace Packtree.Tests.Api;

/// <summary>
/// A store under a model test: two trees, "a" and "b", a cursor and a write batch for each sequence to
/// reuse, the keys written so far and what the store answered. A store file is reopened in place.
/// </summary>
internal sealed class StoreUnderTest : IDisposable
{
    private readonly string? _path;
    private readonly StoreOptions _options;

    private StoreUnderTest(Store store, string? path, StoreOptions options, ModelCoverage coverage)
    {
        Store = store;
        _path = path;
        _options = options;
        Coverage = coverage;
        Attach();
    }

    public static readonly string[] Names = ["a", "b"];

    public Store Store { get; private set; }

    public Tree[] Trees { get; private set; } = [];

    /// <summary>A cursor for each tree, reused by the walks that do not ask for a new one.</summary>
    public Cursor[] Cursors { get; private set; } = [];

    /// <summary>One batch, cleared and reused by every batch of the sequence.</summary>
    public WriteBatch Batch { get; } = new();

    public ModelCoverage Coverage { get; }

    public List<Bpos> Written { get; } = [];

    public ObservationLog Log { get; } = new();

    public bool IsFile => _path is not null;

    public int MaxValueBytes => Trees[0].MaxValueBytes;

    public static StoreUnderTest InMemory(StoreOptions options, ModelCoverage coverage) => new(Store.CreateInMemory(options), null, options, coverage);

    public static StoreUnderTest OnDisk(string path, StoreOptions options, ModelCoverage coverage) => new(Store.Open(path, options), path, options, coverage);

    public override string ToString() =>
        $"{(IsFile ? $"a new store file ({_options.Durability} durability, a cache of {_options.CacheBytes / _options.NodeBytes} nodes, a journal of {_options.JournalBytes >> 20} MiB)" : "a new in-memory store")}, {_options.NodeBytes}-byte nodes, {_options.UnpackStrategy}, write buffers of {_options.WriteBufferBytes} bytes";

    private void Attach()
    {
        Trees = [.. Names.Select(Store.GetOrCreateTree)];
        Cursors = [.. Trees.Select(t => t.CreateCursor())];
    }

    /// <summary>Closes the store file and opens it again: gracefully (a checkpoint) or as a crash would leave it, every commit flushed first.</summary>
    public void Reopen(bool crash)
    {
        Coverage.Evicted(Store.Statistics.NodesEvicted);
        Coverage.Reopened();
        if (crash)
        {
            Store.Flush();
            Store.CloseWithoutCheckpoint();
        }
        else
        {
            Store.Dispose();
        }
        Store = Store.Open(_path!, _options);
        Attach();
    }

    /// <summary>
    /// The check after a sequence: the same observations as the model, then in each tree its invariants
    /// (<see cref="Tree.Verify()"/>), its count, every key and value by a forward scan, and again by a
    /// reverse scan in place.
    /// </summary>
    public bool Matches(StoreModel model)
    {
        if (ObservationLog.Difference(Log, model.Log) is { } difference) throw new ModelMismatchException(difference);
        if (IsFile) Coverage.Evicted(Store.Statistics.NodesEvicted);
        for (var i = 0; i < Trees.Length; i++)
        {
            var (tree, map) = (Trees[i], model.Maps[i]);
            // A scan and the count first, while the write buffer may hold updates; Verify applies it.
            var forward = new List<(Bpos, byte[])>();
            foreach (var (key, value) in tree.Scan()) forward.Add((key, value.ToArray()));
            if (map.Difference(forward) is { } scanned) throw new ModelMismatchException($"After the last operation a scan of tree {tree.Name} differs from the model at {scanned}.");
            var count = tree.Count;
            var shape = tree.Verify();
            Coverage.Shape(shape.Levels, shape.Keys);
            if (shape.Keys != map.Count || count != map.Count || tree.Count != map.Count)
                throw new ModelMismatchException($"After the last operation tree {tree.Name} holds {shape.Keys} keys and counted {count} before its buffer was applied; the model has {map.Count}.");
            var backward = new List<(Bpos, byte[])>();
            using (var read = Store.BeginRead())
            {
                foreach (var (key, value) in read.Scan(tree, reverse: true)) backward.Add((key, value.ToArray()));
            }
            backward.Reverse();
            if (map.Difference(backward) is { } inPlace) throw new ModelMismatchException($"After the last operation a reverse scan in place of tree {tree.Name} differs from the model at {inPlace}.");
        }
        return true;
    }

    public void Dispose() => Store.Dispose();
}

/// <summary>The model of a store: an ordered map per tree, the keys written so far and what it answered.</summary>
internal sealed class StoreModel(int maxValueBytes)
{
    public int MaxValueBytes { get; } = maxValueBytes;

    public OrderedModel[] Maps { get; } = [new(), new()];

    public List<Bpos> Written { get; } = [];

    public ObservationLog Log { get; } = new();
}

/// <summary>Store files opened by a test's runs, all closed when the test ends (CsCheck disposes nothing it made).</summary>
internal sealed class StoreBag : IDisposable
{
    private readonly ConcurrentBag<StoreUnderTest> _stores = [];

    public StoreUnderTest Add(StoreUnderTest store)
    {
        _stores.Add(store);
        return store;
    }

    public void Dispose()
    {
        foreach (var store in _stores)
        {
            try
            {
                store.Dispose();
            }
            catch (Exception e) when (e is IOException or InvalidOperationException or ObjectDisposedException)
            {
                // A store a failed run left broken: the failure is reported already.
            }
        }
    }
}

/// <summary>An operation on a store and on its model; each records what it saw in both logs.</summary>
internal abstract record StoreOp
{
    private static readonly Gen<int> TreeIndex = Gen.Int[0, 1];

    /// <summary>Operations on any store; with <paramref name="file"/>, reopens and flushes of the store file too.</summary>
    public static Gen<StoreOp> Any(bool file, int runKeys)
    {
        var all = new List<(int, IGen<StoreOp>)>
        {
            (25, Gen.Select(TreeIndex, ModelGen.Key, ModelGen.Value, (t, k, v) => (StoreOp)new PutOp(t, k, v))),
            (12, Gen.Select(TreeIndex, ModelGen.Key, (t, k) => (StoreOp)new DeleteOp(t, k))),
            (12, Gen.Select(TreeIndex, ModelGen.Key, Gen.Frequency((4, Gen.Const((int?)null)), (1, Gen.Int[0, 32].Select(n => (int?)n))), (t, k, b) => (StoreOp)new GetOp(t, k, b))),
            (8, Gen.Select(TreeIndex, ModelGen.Range, Gen.Bool, Gen.Int[0, 2], (t, r, reverse, via) => (StoreOp)new ScanOp(t, r, reverse, via))),
            (10, Gen.Select(TreeIndex, Gen.Frequency((3, Gen.Const(RangeSpec.All)), (1, ModelGen.Range)), Gen.Int[0, 3], ModelGen.Key, Gen.Bool.Array[0, 40], Gen.Frequency((4, Gen.Const(false)), (1, Gen.Const(true))),
                (t, r, seek, at, moves, fresh) => (StoreOp)new CursorOp(t, r, seek, at, moves, fresh))),
            (4, Gen.Select(TreeIndex, ModelGen.Key, Gen.Bool, Gen.Select(Gen.Frequency((3, Gen.Const(false)), (1, Gen.Const(true))), ModelGen.Key, ModelGen.FittingValue.Nullable(0.3), (w, k, v) => new WalkStep(w, k, v)).Array[0, 40],
                (t, k, forward, steps) => (StoreOp)new CursorAcrossWritesOp(t, k, forward, steps))),
            (6, Gen.Select(Gen.Select(TreeIndex, ModelGen.Key, ModelGen.Value.Nullable(0.3), (t, k, v) => new BatchEntry(t, k, v)).Array[0, 20], Gen.Int[0, 2], (e, d) => (StoreOp)new BatchOp(e, d))),
            (4, Gen.Select(TreeIndex, RunSpec.Any(runKeys), (t, r) => (StoreOp)new PutRunOp(t, r))),
            (2, Gen.Select(TreeIndex, DeleteSpec.Any, (t, d) => (StoreOp)new DeleteManyOp(t, d))),
            (1, Gen.Const((StoreOp)new CheckpointOp())),
            (3, Gen.Const((StoreOp)new VerifyOp())),
        };
        if (file)
        {
            all.Add((3, Gen.Bool.Select(crash => (StoreOp)new ReopenOp(crash))));
            all.Add((1, Gen.Const((StoreOp)new FlushOp())));
        }
        return Gen.Frequency([.. all]);
    }

    public void Run(StoreUnderTest s)
    {
        s.Log.Begin(ToString());
        Apply(s);
    }

    public void Run(StoreModel m)
    {
        m.Log.Begin(ToString());
        Apply(m);
    }

    protected abstract void Apply(StoreUnderTest s);

    protected abstract void Apply(StoreModel m);

    private static string Name(int tree) => StoreUnderTest.Names[tree];

    private static string Found(Bpos key, ReadOnlySpan<byte> value) => $"{key}={ModelGen.Describe(value)}";

    private static Durability? DurabilityOf(int d) => d switch { 1 => Durability.Flush, 2 => Durability.Buffered, _ => null };

    private sealed record PutOp(int Tree, KeyPick Key, ValueSpec Value) : StoreOp
    {
        protected override void Apply(StoreUnderTest s)
        {
            var key = Key.Resolve(s.Written);
            s.Written.Add(key);
            var value = Value.Value(s.MaxValueBytes);
            try
            {
                s.Trees[Tree].Put(key, value);
                s.Log.Add($"{key} put");
            }
            catch (ValueTooLargeException)
            {
                s.Log.Add($"{key}: {value.Length} bytes refused");
            }
        }

        protected override void Apply(StoreModel m)
        {
            var key = Key.Resolve(m.Written);
            m.Written.Add(key);
            var value = Value.Value(m.MaxValueBytes);
            if (value.Length > m.MaxValueBytes)
            {
                m.Log.Add($"{key}: {value.Length} bytes refused");
                return;
            }
            m.Maps[Tree].Put(key, value);
            m.Log.Add($"{key} put");
        }

        public override string ToString() => $"Put({Name(Tree)}, {Key}, {Value})";
    }

    private sealed record DeleteOp(int Tree, KeyPick Key) : StoreOp
    {
        protected override void Apply(StoreUnderTest s)
        {
            var key = Key.Resolve(s.Written);
            s.Log.Add($"{key}: {(s.Trees[Tree].Delete(key) ? "deleted" : "absent")}");
        }

        protected override void Apply(StoreModel m)
        {
            var key = Key.Resolve(m.Written);
            m.Log.Add($"{key}: {(m.Maps[Tree].Remove(key) ? "deleted" : "absent")}");
        }

        public override string ToString() => $"Delete({Name(Tree)}, {Key})";
    }

    /// <summary>A key read four ways: Get, TryGet into a buffer (of the largest value's size, or a small one), Contains, and in place under a read scope.</summary>
    private sealed record GetOp(int Tree, KeyPick Key, int? Buffer) : StoreOp
    {
        protected override void Apply(StoreUnderTest s)
        {
            var key = Key.Resolve(s.Written);
            var tree = s.Trees[Tree];
            var got = tree.Get(key);
            var buffer = new byte[Buffer ?? tree.MaxValueBytes];
            string tried;
            try
            {
                tried = tree.TryGet(key, buffer, out var length) ? ModelGen.Describe(buffer.AsSpan(0, length)) : "absent";
            }
            catch (ArgumentException)
            {
                tried = $"longer than {buffer.Length} bytes";
            }
            string inPlace;
            using (var read = s.Store.BeginRead())
            {
                inPlace = read.TryGet(tree, key, out var value) ? ModelGen.Describe(value) : "absent";
            }
            s.Log.Add($"{key}: get {(got is null ? "absent" : ModelGen.Describe(got))}, try-get {tried}, contains {tree.Contains(key)}, in place {inPlace}");
        }

        protected override void Apply(StoreModel m)
        {
            var key = Key.Resolve(m.Written);
            var value = m.Maps[Tree].Get(key);
            var described = value is null ? "absent" : ModelGen.Describe(value);
            var buffer = Buffer ?? m.MaxValueBytes;
            var tried = value is not null && value.Length > buffer ? $"longer than {buffer} bytes" : described;
            m.Log.Add($"{key}: get {described}, try-get {tried}, contains {value is not null}, in place {described}");
        }

        public override string ToString() => $"Get({Name(Tree)}, {Key}{(Buffer is { } b ? $", into {b} bytes" : "")})";
    }

    /// <summary>A range read whole, forward or reverse: by Tree.Scan, by the sequence's reused cursor, or in place under a read scope.</summary>
    private sealed record ScanOp(int Tree, RangeSpec Range, bool Reverse, int Via) : StoreOp
    {
        private static readonly string[] Ways = ["tree", "cursor", "in place"];

        protected override void Apply(StoreUnderTest s)
        {
            var range = Range.Resolve(s.Written);
            var tree = s.Trees[Tree];
            var seen = new EntryList();
            if (Via == 2)
            {
                using var read = s.Store.BeginRead();
                foreach (var (key, value) in read.Scan(tree, range, Reverse)) seen.Add(key, value);
            }
            else
            {
                foreach (var (key, value) in Via == 1 ? s.Cursors[Tree].Scan(range, Reverse) : tree.Scan(range, Reverse)) seen.Add(key, value);
            }
            s.Log.Add(range.ToString(), seen);
        }

        protected override void Apply(StoreModel m)
        {
            var range = Range.Resolve(m.Written);
            var keys = m.Maps[Tree].KeysIn(range);
            if (Reverse) keys.Reverse();
            m.Log.Add(range.ToString(), m.Maps[Tree].List(keys));
        }

        public override string ToString() => $"Scan({Name(Tree)}, {Range}{(Reverse ? ", reverse" : "")}, by {Ways[Via]})";
    }

    /// <summary>A cursor limited to a range, sought one of four ways, then moved by Next (true) and Prev (false); each position against the model, until it leaves the keys.</summary>
    private sealed record CursorOp(int Tree, RangeSpec Range, int Seek, KeyPick At, bool[] Moves, bool Fresh) : StoreOp
    {
        private static readonly string[] Seeks = ["Seek", "SeekForPrev", "SeekToFirst", "SeekToLast"];

        protected override void Apply(StoreUnderTest s)
        {
            var range = Range.Resolve(s.Written);
            var at = At.Resolve(s.Written);
            if (Fresh) s.Cursors[Tree] = s.Trees[Tree].CreateCursor();
            var cursor = s.Cursors[Tree];
            cursor.SetRange(range);
            var found = Seek switch
            {
                0 => cursor.Seek(at),
                1 => cursor.SeekForPrev(at),
                2 => cursor.SeekToFirst(),
                _ => cursor.SeekToLast(),
            };
            var seen = new List<string> { Position(cursor, found) };
            foreach (var next in Moves)
            {
                if (!cursor.IsValid) break;
                seen.Add(Position(cursor, next ? cursor.Next() : cursor.Prev()));
            }
            s.Log.Add($"{range} at {at}: {string.Join(' ', seen)}");
        }

        private static string Position(Cursor cursor, bool moved) =>
            (cursor.IsValid ? Found(cursor.Key, cursor.Value) : "none") + (moved == cursor.IsValid ? "" : $" (but it returned {moved})");

        protected override void Apply(StoreModel m)
        {
            var range = Range.Resolve(m.Written);
            var at = At.Resolve(m.Written);
            var map = m.Maps[Tree];
            var keys = map.KeysIn(range);
            var index = Seek switch
            {
                0 => LowerBound(keys, at),
                1 => LowerBound(keys, at) is var i && i < keys.Count && keys[i] == at ? i : i - 1,
                2 => 0,
                _ => keys.Count - 1,
            };
            string Position() => index >= 0 && index < keys.Count ? map.Entry(keys[index]) : "none";
            var seen = new List<string> { Position() };
            foreach (var next in Moves)
            {
                if (index < 0 || index >= keys.Count) break;
                index += next ? 1 : -1;
                seen.Add(Position());
            }
            m.Log.Add($"{range} at {at}: {string.Join(' ', seen)}");
        }

        private static int LowerBound(List<Bpos> keys, Bpos key)
        {
            var index = keys.BinarySearch(key);
            return index >= 0 ? index : ~index;
        }

        public override string ToString() =>
            $"Cursor({Name(Tree)}, {Range}, {Seeks[Seek]}{(Seek < 2 ? $"({At})" : "")}, {(Moves.Length == 0 ? "no moves" : string.Concat(Moves.Select(n => n ? 'N' : 'P')))}{(Fresh ? ", new cursor" : "")})";
    }

    internal readonly record struct WalkStep(bool Write, KeyPick Key, ValueSpec? Value)
    {
        public override string ToString() => !Write ? "move" : Value is { } v ? $"put {Key} {v}" : $"delete {Key}";
    }

    /// <summary>
    /// A cursor walk with puts and deletes in its tree between the moves. The cursor reads runs of keys, each
    /// as the tree was when read, so the model cannot say which keys it returns; what must hold is checked
    /// as the walk goes: keys in strict order, each with a value its key had at some moment of the walk,
    /// the first one where the seek puts it, and none skipped of those there all along and never written.
    /// </summary>
    private sealed record CursorAcrossWritesOp(int Tree, KeyPick Start, bool Forward, WalkStep[] Steps) : StoreOp
    {
        protected override void Apply(StoreUnderTest s)
        {
            var tree = s.Trees[Tree];
            var before = new SortedDictionary<Bpos, byte[]>();
            foreach (var (key, value) in tree.Scan()) before[key] = value.ToArray();
            var had = before.Select(e => (e.Key, ModelGen.Hash(e.Value))).ToHashSet();
            var written = new HashSet<Bpos>();
            var start = Start.Resolve(s.Written);
            var cursor = s.Cursors[Tree];
            cursor.SetRange(KeyRange.All);
            var returned = new List<(Bpos Key, uint Hash)>();
            if (Forward ? cursor.Seek(start) : cursor.SeekForPrev(start)) returned.Add((cursor.Key, ModelGen.Hash(cursor.Value)));
            foreach (var step in Steps)
            {
                if (step.Write)
                {
                    var key = step.Key.Resolve(s.Written);
                    s.Written.Add(key);
                    written.Add(key);
                    if (step.Value is { } spec)
                    {
                        var value = spec.Value(s.MaxValueBytes);
                        tree.Put(key, value);
                        had.Add((key, ModelGen.Hash(value)));
                    }
                    else
                    {
                        tree.Delete(key);
                    }
                }
                else if (cursor.IsValid && (Forward ? cursor.Next() : cursor.Prev()))
                {
                    returned.Add((cursor.Key, ModelGen.Hash(cursor.Value)));
                }
            }
            s.Log.Add(Check(before, had, written, start, returned, ended: !cursor.IsValid));
        }

        private string Check(SortedDictionary<Bpos, byte[]> before, HashSet<(Bpos, uint)> had, HashSet<Bpos> written, Bpos start, List<(Bpos Key, uint Hash)> returned, bool ended)
        {
            var order = Forward ? before.Keys.ToList() : before.Keys.Reverse().ToList();
            var first = order.FirstOrDefault(k => Forward ? k >= start : k <= start);
            var firstExists = order.Any(k => Forward ? k >= start : k <= start);
            if (returned.Count == 0 ? firstExists : !firstExists || returned[0].Key != first)
                return $"the seek to {start} gave {(returned.Count == 0 ? "none" : returned[0].Key.ToString())}, the tree's first key there is {(firstExists ? first.ToString() : "none")}";
            for (var i = 0; i < returned.Count; i++)
            {
                if (i > 0 && (Forward ? returned[i].Key <= returned[i - 1].Key : returned[i].Key >= returned[i - 1].Key))
                    return $"{returned[i].Key} came after {returned[i - 1].Key}";
                if (!had.Contains(returned[i]))
                    return $"{returned[i].Key} came with a value its key never had during the walk";
            }
            if (returned.Count == 0) return "ok";
            var seen = returned.Select(r => r.Key).ToHashSet();
            var last = returned[^1].Key;
            foreach (var key in order)
            {
                if (Forward ? key < returned[0].Key : key > returned[0].Key) continue;
                if (!ended && (Forward ? key > last : key < last)) break;
                if (!written.Contains(key) && !seen.Contains(key)) return $"{key}, there all along, was skipped";
            }
            return "ok";
        }

        protected override void Apply(StoreModel m)
        {
            Start.Resolve(m.Written);
            foreach (var step in Steps.Where(st => st.Write))
            {
                var key = step.Key.Resolve(m.Written);
                m.Written.Add(key);
                if (step.Value is { } spec) m.Maps[Tree].Put(key, spec.Value(m.MaxValueBytes));
                else m.Maps[Tree].Remove(key);
            }
            m.Log.Add("ok");
        }

        public override string ToString() => $"CursorAcrossWrites({Name(Tree)}, {(Forward ? "Seek" : "SeekForPrev")}({Start}), [{string.Join(", ", Steps)}])";
    }

    internal readonly record struct BatchEntry(int Tree, KeyPick Key, ValueSpec? Value)
    {
        public override string ToString() => Value is { } v ? $"put {Name(Tree)} {Key} {v}" : $"delete {Name(Tree)} {Key}";
    }

    /// <summary>A batch of puts and deletes across both trees, written at once; a put too large is refused when added, and what was added before it is written.</summary>
    private sealed record BatchOp(BatchEntry[] Entries, int Durability) : StoreOp
    {
        protected override void Apply(StoreUnderTest s)
        {
            var batch = s.Batch;
            batch.Clear();
            var refused = "";
            foreach (var entry in Entries)
            {
                var key = entry.Key.Resolve(s.Written);
                s.Written.Add(key);
                var tree = s.Trees[entry.Tree];
                try
                {
                    if (entry.Value is { } value) batch.Put(tree, key, value.Value(s.MaxValueBytes));
                    else batch.Delete(tree, key);
                }
                catch (ValueTooLargeException)
                {
                    refused = $", refused a put at {key}";
                    break;
                }
            }
            s.Store.Write(batch, DurabilityOf(Durability));
            s.Log.Add($"{batch.Count} updates{refused}");
        }

        protected override void Apply(StoreModel m)
        {
            var count = 0;
            var refused = "";
            foreach (var entry in Entries)
            {
                var key = entry.Key.Resolve(m.Written);
                m.Written.Add(key);
                if (entry.Value is { } value)
                {
                    var bytes = value.Value(m.MaxValueBytes);
                    if (bytes.Length > m.MaxValueBytes)
                    {
                        refused = $", refused a put at {key}";
                        break;
                    }
                    m.Maps[entry.Tree].Put(key, bytes);
                }
                else
                {
                    m.Maps[entry.Tree].Remove(key);
                }
                count++;
            }
            m.Log.Add($"{count} updates{refused}");
        }

        public override string ToString() =>
            $"Batch([{string.Join(", ", Entries)}]{DurabilityOf(Durability) switch { null => "", var d => $", {d}" }})";
    }

    /// <summary>Many puts, written in batches of up to 64 (a batch stays within a small journal's largest entry).</summary>
    private sealed record PutRunOp(int Tree, RunSpec Spec) : StoreOp
    {
        private List<(Bpos Key, byte[] Value)>? _entries;

        /// <summary>The run's entries, made once for both sides.</summary>
        private List<(Bpos Key, byte[] Value)> Entries(int max) => _entries ??= [.. Spec.Entries(max)];

        protected override void Apply(StoreUnderTest s)
        {
            var batch = s.Batch;
            batch.Clear();
            var tree = s.Trees[Tree];
            foreach (var (key, value) in Entries(s.MaxValueBytes))
            {
                s.Written.Add(key);
                batch.Put(tree, key, value);
                if (batch.Count == 64)
                {
                    s.Store.Write(batch);
                    batch.Clear();
                }
            }
            s.Store.Write(batch);
            s.Log.Add($"{tree.Count} keys");
        }

        protected override void Apply(StoreModel m)
        {
            foreach (var (key, value) in Entries(m.MaxValueBytes))
            {
                m.Written.Add(key);
                m.Maps[Tree].Put(key, value);
            }
            m.Log.Add($"{m.Maps[Tree].Count} keys");
        }

        public override string ToString() => $"PutRun({Name(Tree)}, {Spec})";
    }

    /// <summary>Many deletes, in batches of up to 64.</summary>
    private sealed record DeleteManyOp(int Tree, DeleteSpec Spec) : StoreOp
    {
        protected override void Apply(StoreUnderTest s)
        {
            var tree = s.Trees[Tree];
            if (tree.Count >= 500) s.Coverage.MassDeleted();
            var batch = s.Batch;
            batch.Clear();
            foreach (var key in Spec.Keys(s.Written))
            {
                batch.Delete(tree, key);
                if (batch.Count == 64)
                {
                    s.Store.Write(batch);
                    batch.Clear();
                }
            }
            s.Store.Write(batch);
            s.Log.Add($"{tree.Count} keys left");
        }

        protected override void Apply(StoreModel m)
        {
            foreach (var key in Spec.Keys(m.Written)) m.Maps[Tree].Remove(key);
            m.Log.Add($"{m.Maps[Tree].Count} keys left");
        }

        public override string ToString() => $"DeleteMany({Name(Tree)}, {Spec})";
    }

    private sealed record CheckpointOp : StoreOp
    {
        protected override void Apply(StoreUnderTest s) => s.Store.Checkpoint();

        protected override void Apply(StoreModel m)
        {
        }

        public override string ToString() => "Checkpoint";
    }

    private sealed record FlushOp : StoreOp
    {
        protected override void Apply(StoreUnderTest s) => s.Store.Flush();

        protected override void Apply(StoreModel m)
        {
        }

        public override string ToString() => "Flush";
    }

    /// <summary>The store file closed and opened again (after a checkpoint, or as a crash leaves it with every commit flushed): nothing changes.</summary>
    private sealed record ReopenOp(bool Crash) : StoreOp
    {
        protected override void Apply(StoreUnderTest s)
        {
            s.Reopen(Crash);
            s.Log.Add($"trees {string.Join(",", s.Store.TreeNames.Order(StringComparer.Ordinal))}{(Crash ? "" : $", {s.Store.Recovered} commits replayed")}");
        }

        protected override void Apply(StoreModel m) => m.Log.Add($"trees a,b{(Crash ? "" : ", 0 commits replayed")}");

        public override string ToString() => Crash ? "Reopen(after a crash)" : "Reopen";
    }

    /// <summary>Both trees' invariants and counts.</summary>
    private sealed record VerifyOp : StoreOp
    {
        protected override void Apply(StoreUnderTest s)
        {
            var seen = new List<string>();
            foreach (var tree in s.Trees)
            {
                var shape = tree.Verify();
                s.Coverage.Shape(shape.Levels, shape.Keys);
                seen.Add($"{tree.Name}: {shape.Keys} keys, count {tree.Count}");
            }
            s.Log.Add(string.Join("; ", seen));
        }

        protected override void Apply(StoreModel m) =>
            m.Log.Add(string.Join("; ", m.Maps.Select((map, i) => $"{Name(i)}: {map.Count} keys, count {map.Count}")));

        public override string ToString() => "Verify";
    }
}
