using Packtree.Keys;
using Packtree.Storage;

namespace Packtree.Tests.Storage;

/// <summary>
/// A store file the fuzz tests damage, and the commits that made it: built once per process on a
/// <see cref="FaultyDevice"/> (4 KiB nodes, 512-byte blocks, a 1 MiB journal, a small cache) by a
/// seeded workload — several trees (one with a non-ASCII name, one left empty), puts of 0 to 200
/// bytes, deletes, batches, checkpoints (so that trees have several levels and both superblock copies
/// are written), then commits left only in the journal — and closed as a crash would leave it.
/// </summary>
internal sealed class FuzzImage
{
    private static readonly Lazy<FuzzImage> FlushedImage = new(() => Build("flushed", seed: 11, wrapped: false));
    private static readonly Lazy<FuzzImage> WrappedImage = new(() => Build("wrapped", seed: 12, wrapped: true));

    private FuzzImage(string name, byte[] bytes, StoreOptions options, FuzzWorkload workload)
    {
        Name = name;
        Bytes = bytes;
        Options = options;
        Workload = workload;
        var copies = Superblock.ReadCopies(new FaultyDevice(bytes.ToArray()));
        if (copies[0].Copy is null || copies[1].Copy is null) throw new InvalidOperationException($"Image {name}: both superblock copies must be written ({copies[0].Problem}; {copies[1].Problem}).");
        CurrentSlot = copies[0].Copy!.Generation > copies[1].Copy!.Generation ? 0 : 1;
        Current = copies[CurrentSlot].Copy!;
        Older = copies[1 - CurrentSlot].Copy!;
    }

    /// <summary>Every commit flushed; a long journal tail after the last checkpoint, with a tree created in it.</summary>
    public static FuzzImage Flushed => FlushedImage.Value;

    /// <summary>Large batches, most commits buffered (durable seqs lag), and a journal that wrapped around its region after the last checkpoint.</summary>
    public static FuzzImage Wrapped => WrappedImage.Value;

    public static IReadOnlyList<FuzzImage> All => [Flushed, Wrapped];

    public string Name { get; }

    /// <summary>The file's bytes: copy them before changing anything.</summary>
    public byte[] Bytes { get; }

    public StoreOptions Options { get; }

    public FuzzWorkload Workload { get; }

    /// <summary>The superblock copy in use (the higher generation) and its slot.</summary>
    public Superblock Current { get; }

    public int CurrentSlot { get; }

    /// <summary>The other copy, one checkpoint older.</summary>
    public Superblock Older { get; }

    public byte[] Copy() => Bytes.ToArray();

    private static FuzzImage Build(string name, int seed, bool wrapped)
    {
        var options = new StoreOptions
        {
            NodeBytes = 4096,
            BlockBytes = 512,
            JournalBytes = 1024 * 1024,
            // The flushed image checkpoints whenever its small cache fills; the wrapped one only when the journal is half full, so that it wraps between two.
            CacheBytes = (wrapped ? 1024 : 64) * 4096,
            // The wrapped image's commits are buffered unless a batch asks for a flush; the timer never fires while it is built.
            Durability = wrapped ? Durability.Buffered : Durability.Flush,
            BufferedFlushMilliseconds = 60_000,
        };
        // The wrapped image's many batches mostly overwrite a smaller key space, so that its trees stay about as large as the flushed image's.
        var builder = wrapped ? new Builder(new Random(seed), options, inodes: 2, offsets: 300) : new Builder(new Random(seed), options, inodes: 4, offsets: 4000);
        if (wrapped) builder.RunWrapped();
        else builder.RunFlushed();
        // The last bucket ends where its last write does; zeros to the bucket's end read the same and let a case change any node byte.
        var bytes = builder.Finish();
        Array.Resize(ref bytes, (int)((bytes.Length + options.NodeBytes - 1) / options.NodeBytes * options.NodeBytes));
        return new FuzzImage(name, bytes, options, new FuzzWorkload(builder.Commits));
    }

    /// <summary>Runs the workload against a store and records every commit as it is made.</summary>
    private sealed class Builder
    {
        private readonly Random _random;
        private readonly FaultyDevice _device = new();
        private readonly Store _store;
        private readonly Dictionary<string, Tree> _trees = new(StringComparer.Ordinal);
        private readonly Dictionary<string, List<Bpos>> _keys = new(StringComparer.Ordinal);

        private readonly int _inodes;
        private readonly int _offsets;

        /// <summary>A builder whose wide keys spread over <paramref name="inodes"/> inodes of <paramref name="offsets"/> offsets (three snapshots each).</summary>
        public Builder(Random random, StoreOptions options, int inodes, int offsets)
        {
            _random = random;
            _store = Store.Open(_device, options);
            _inodes = inodes;
            _offsets = offsets;
        }

        public List<FuzzOp[]> Commits { get; } = [];

        private ulong Generation => _store.Statistics.SuperblockGeneration;

        public void RunFlushed()
        {
            Create("alpha");
            for (var i = 0; i < 1300; i++) Single("alpha", wide: true);
            Create("βeta");
            Create("empty"); // never written: a tree with no node on disk
            for (var i = 0; i < 250; i++) Mixed(["alpha", "βeta"], wide: true);
            _store.Checkpoint();
            for (var i = 0; i < 250; i++) Mixed(["alpha", "βeta"], wide: true);
            _store.Checkpoint();
            // Left in the journal only: few nodes change, so no checkpoint is needed on the way.
            var generation = Generation;
            for (var i = 0; i < 170; i++)
            {
                if (i == 60) Create("gamma");
                Mixed(i < 60 ? ["alpha", "βeta"] : ["alpha", "βeta", "gamma"], wide: false);
            }
            if (Generation != generation) throw new InvalidOperationException("The flushed image's last commits were checkpointed; they must stay in the journal.");
        }

        public void RunWrapped()
        {
            Create("main");
            Create("side");
            var journal = _store.Journal!;
            // Large batches until the journal wraps after the last checkpoint, then a few small commits that need no checkpoint.
            for (var round = 0; ; round++)
            {
                if (round > 5000) throw new InvalidOperationException($"The journal never wrapped: head {journal.Head}, tail {journal.Tail}, generation {Generation}, {Commits.Count} commits, used {_store.Statistics.JournalUsedBytes}.");
                Batch(["main", "side"], _random.Next(10, 40), wide: true, flush: _random.Next(4) == 0);
                if (round < 300 || journal.Head >= journal.Tail) continue;
                var generation = Generation;
                for (var i = 0; i < 40; i++)
                {
                    if (_random.Next(3) == 0) Batch(["main", "side"], _random.Next(2, 6), wide: false, flush: _random.Next(3) == 0);
                    else Single(_random.Next(2) == 0 ? "main" : "side", wide: false, flush: _random.Next(3) == 0);
                }
                if (Generation == generation && journal.Head < journal.Tail) break;
            }
        }

        public byte[] Finish()
        {
            _store.CloseWithoutCheckpoint();
            return _device.Snapshot();
        }

        private void Create(string name)
        {
            _trees[name] = _store.GetOrCreateTree(name);
            _keys[name] = [];
            Record([new FuzzOp(FuzzOpKind.CreateTree, name, default, [])]);
        }

        private void Single(string tree, bool wide, bool flush = true)
        {
            var op = NextOp(tree, wide);
            var batch = new WriteBatch();
            if (op.Kind == FuzzOpKind.Put) batch.Put(_trees[tree], op.Key, op.Value);
            else batch.Delete(_trees[tree], op.Key);
            _store.Write(batch, flush ? Durability.Flush : Durability.Buffered);
            Record([op]);
        }

        private void Mixed(string[] trees, bool wide)
        {
            if (_random.Next(5) == 0) Batch(trees, _random.Next(2, 9), wide, flush: true);
            else Single(trees[_random.Next(trees.Length)], wide);
        }

        private void Batch(string[] trees, int count, bool wide, bool flush)
        {
            var batch = new WriteBatch();
            var ops = new FuzzOp[count];
            for (var i = 0; i < count; i++)
            {
                var tree = trees[_random.Next(trees.Length)];
                ops[i] = NextOp(tree, wide);
                if (ops[i].Kind == FuzzOpKind.Put) batch.Put(_trees[tree], ops[i].Key, ops[i].Value);
                else batch.Delete(_trees[tree], ops[i].Key);
            }
            _store.Write(batch, flush ? Durability.Flush : Durability.Buffered);
            Record(ops);
        }

        /// <summary>A put (mostly), a delete of a key the tree has, or of one it may not have.</summary>
        private FuzzOp NextOp(string tree, bool wide)
        {
            var keys = _keys[tree];
            var roll = _random.Next(100);
            if (roll < 12 && keys.Count > 0) return new FuzzOp(FuzzOpKind.Delete, tree, keys[_random.Next(keys.Count)], []);
            if (roll < 14) return new FuzzOp(FuzzOpKind.Delete, tree, Key(wide), []);
            var key = roll < 30 && keys.Count > 0 ? keys[_random.Next(keys.Count)] : Key(wide); // overwrites
            var value = new byte[_random.Next(0, 201)];
            _random.NextBytes(value);
            keys.Add(key);
            return new FuzzOp(FuzzOpKind.Put, tree, key, value);
        }

        /// <summary>A position: mostly small inodes and offsets, sometimes far out (wider key formats), sometimes an end of the key space.</summary>
        private Bpos Key(bool wide)
        {
            var roll = _random.Next(400);
            if (roll == 0) return Bpos.Min;
            if (roll == 1) return Bpos.Max;
            if (wide && roll < 12) return new Bpos((ulong)_random.NextInt64(1, long.MaxValue), (ulong)_random.NextInt64(), (uint)_random.Next());
            return wide
                ? new Bpos((ulong)_random.Next(1, 1 + _inodes), (ulong)_random.Next(0, _offsets) * 8, (uint)_random.Next(0, 3))
                : new Bpos(1, (ulong)_random.Next(0, 60) * 8, 0);
        }

        private void Record(FuzzOp[] ops)
        {
            Commits.Add(ops);
            if (_store.LastCommit != (ulong)Commits.Count)
                throw new InvalidOperationException($"After {Commits.Count} recorded commits the store's last commit is {_store.LastCommit}.");
        }
    }
}
