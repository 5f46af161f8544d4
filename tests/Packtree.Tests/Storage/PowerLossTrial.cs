using System.Text;
using Packtree.Keys;
using Packtree.Tests.Trees;

namespace Packtree.Tests.Storage;

/// <summary>What one power-loss trial did: null <see cref="Failure"/> when it passed.</summary>
internal sealed record PowerLossOutcome(int Seed, string? Failure, int Cycles, int Operations, int CutsMidOperation, int RecoveriesBehindLastOperation, long DeviceOperations);

/// <summary>
/// One power-loss trial, drawn from a seed: a store on a <see cref="PowerCutDevice"/> with small nodes,
/// a small journal and a small cache runs a random workload — single puts and deletes, batches across
/// trees, now and then a batch of thousands of updates or (in some trials) of more than 65,536, new
/// trees with long and non-ASCII names, checkpoints, flushes, clean reopens, and process crashes
/// between or in the middle of operations (which lose the commits kept in memory since the last write) — each
/// commit flushed, buffered or kept in memory until a later write (background), values of random sizes or
/// (in some trials) all of one size, until the power is cut after a random number of device
/// operations. The image the cut leaves is opened, every tree verified, and its contents must equal
/// the model after some operation at or after the last one acknowledged durable. Some trials go on
/// with the recovered store for up to three more cuts, some of them soon after the recovery.
/// </summary>
internal sealed class PowerLossTrial
{
    private const int MaxTrees = 8;

    private readonly int _seed;
    private readonly Random _random;
    private readonly TextWriter? _log;
    private readonly PowerLossModel _model = new();
    private readonly Dictionary<string, Tree> _trees = new(StringComparer.Ordinal);
    private readonly WriteBatch _batch = new();
    private readonly StoreOptions _options;
    private readonly double _flushShare;
    private readonly int _fixedValueBytes;
    private readonly bool _uniform;
    private PowerCutDevice _device = new();
    private Store? _store;
    private int _lastAck;
    private int _lastWritten; // the last operation whose commits reached the device (a process crash keeps it and all before)
    private Packtree.Durability _how = Packtree.Durability.Flush;
    private int _operations;
    private int _cutsMidOperation;
    private int _recoveriesBehind;
    private long _deviceOperations;
    private int _hugeAt = -1;
    private int _treesCreated;
    private int _crashesThisCycle;

    private PowerLossTrial(int seed, TextWriter? log)
    {
        _seed = seed;
        _random = new Random(seed);
        _log = log;
        var huge = _random.Next(30) == 0; // a batch of over 65,536 updates needs a journal whose quarter holds it
        _options = Options(huge ? 8L * 1024 * 1024 : 1024 * 1024);
        if (huge) _hugeAt = _random.Next(0, 150);
        _flushShare = _random.Next(3) switch { 0 => 0.1, 1 => 0.5, _ => 0.9 };
        // Some trials write records of one size, one per commit: their journal entries are all as long
        // (64 bytes up to 4-byte values, deletes too; 72 up to 12), so after a cut the new commits land
        // exactly where the lost ones were.
        _uniform = _random.Next(6) == 0;
        _fixedValueBytes = _uniform ? _random.Next(0, 13) : _random.Next(4) == 0 ? _random.Next(0, 65) : -1;
    }

    /// <summary>The store's geometry in every trial: as the crash trials' (4 KiB nodes, 512-byte blocks, a cache of 32 nodes).</summary>
    public static StoreOptions Options(long journalBytes) => new()
    {
        NodeBytes = 4096,
        BlockBytes = 512,
        CacheBytes = 16 * 4096 * 2,
        JournalBytes = journalBytes,
        Durability = Packtree.Durability.Flush,
        BufferedFlushMilliseconds = 60_000, // the flush timer never fires within a trial: buffered commits are flushed only when the workload says so, and trials replay exactly
        MaxValueBytes = LargestValue,
    };

    /// <summary>The trials' largest value: values past a tree's leaf limit (896 bytes or less in 4 KiB nodes) go out of line.</summary>
    private const int LargestValue = 3000;

    /// <summary>Runs the trial of <paramref name="seed"/>; with <paramref name="log"/>, every operation and the fate of every pending write at each cut are written to it.</summary>
    public static PowerLossOutcome Run(int seed, TextWriter? log = null)
    {
        var trial = new PowerLossTrial(seed, log);
        var cycles = trial._random.Next(5) < 2 ? trial._random.Next(2, 5) : 1;
        string? failure = null;
        var done = 0;
        try
        {
            for (var cycle = 0; cycle < cycles && failure is null; cycle++, done++) failure = trial.RunCycle(cycle);
        }
        catch (Exception e)
        {
            failure = $"the harness failed: {e}";
        }
        finally
        {
            trial._store?.CloseWithoutCheckpoint();
        }
        return new PowerLossOutcome(seed, failure is null ? null : $"seed {seed}: {failure}", done, trial._operations, trial._cutsMidOperation, trial._recoveriesBehind, trial._deviceOperations);
    }

    /// <summary>Runs the workload until the cut, then recovers and checks; null when the recovered store is right.</summary>
    private string? RunCycle(int cycle)
    {
        var operations = _random.Next(10, 250);
        // Device operations before the cut: now and then one of the first few (while the store is created), else 4 .. 3000, log-uniform.
        // After a recovery, often soon again (power that fails twice): the new commits then overwrite journal space left by the lost ones.
        var cutAfter = cycle > 0 && _random.Next(3) == 0 ? _random.Next(1, 13)
            : _random.Next(20) == 0 ? _random.Next(1, 5) : (long)Math.Exp(Math.Log(4) + _random.NextDouble() * Math.Log(3000 / 4.0));
        _device.CutAfter(cutAfter);
        _crashesThisCycle = 0;
        _log?.WriteLine($"cycle {cycle}: {operations} operations, cut after {cutAfter} device operations; last acknowledged operation {_lastAck}");
        string where;
        try
        {
            if (_store is null) OpenStore();
            for (var i = 0; i < operations; i++)
            {
                if (_random.Next(60) == 0 && !_device.IsCrashed) _device.CrashAfter(_random.Next(0, 40)); // the process dies somewhere in the next few device operations
                try
                {
                    if (cycle == 0 && i == _hugeAt) HugeBatch();
                    else Step();
                    if (_store?.Journal is { } journal && journal.WrittenSeq == journal.AppendedSeq) _lastWritten = _model.Last;
                }
                catch (Exception e) when (_device.IsCrashed && !_device.IsCut)
                {
                    if (e is not IOException) throw new TrialFailure($"at a process crash the store threw {e.GetType().Name} instead of IOException: {e.Message}");
                    RecoverFromProcessCrash();
                }
            }
            where = $"while idle after operation {_model.Last}";
        }
        catch (Exception e) when (_device.IsCut && e is IOException)
        {
            _store = null; // it stopped; nothing of it is used again
            _cutsMidOperation++;
            where = $"during operation {_model.Last} ({_model.Describe(_model.Last)})";
        }
        catch (Exception e) when (_device.IsCut)
        {
            _store = null;
            return $"cycle {cycle}: at the power cut (device operation {_device.Operations}), operation {_model.Last} ({_model.Describe(_model.Last)}) threw {e.GetType().Name} instead of IOException: {e.Message}";
        }
        catch (TrialFailure e)
        {
            return $"cycle {cycle}, operation {_model.Last} ({_model.Describe(_model.Last)}): {e.Message}";
        }
        catch (Exception e)
        {
            return $"cycle {cycle}: operation {_model.Last} ({_model.Describe(_model.Last)}) threw with the power on: {e}";
        }
        _deviceOperations += _device.Operations;
        var pending = _device.PendingCount;
        var image = _device.Cut(_random);
        var fates = _device.LastCut;
        var crashes = _crashesThisCycle == 0 ? "" : $" ({_crashesThisCycle} process crash{(_crashesThisCycle > 1 ? "es" : "")} before it in this cycle)";
        var cut = $"cycle {cycle}: power cut at device operation {_device.Operations} {where}{crashes}; last acknowledged durable operation {_lastAck}; " +
            $"{pending} pending writes: {fates.Count(f => f.Fate == WriteFate.Kept)} kept, {fates.Count(f => f.Fate == WriteFate.Torn)} torn, {fates.Count(f => f.Fate == WriteFate.Lost)} lost";
        if (_log is not null)
        {
            _log.WriteLine(cut);
            for (var i = 0; i < fates.Count; i++) _log.WriteLine($"  pending {i}: {fates[i]}");
        }
        var failure = Recover(image);
        return failure is null ? null : $"{cut}: {failure}";
    }

    private void OpenStore() => Adopt(Store.Open(_device, _options));

    /// <summary>Runs the workload on <paramref name="store"/> from now on, whose trees are the model's.</summary>
    private void Adopt(Store store)
    {
        _store = store;
        _lastWritten = _model.Last; // the store holds the model's state
        _trees.Clear();
        foreach (var name in _model.TreeNames)
        {
            if (!store.TryGetTree(name, out var tree)) throw new TrialFailure($"the reopened store lacks tree {PowerLossModel.Quote(name)}");
            _trees[name] = tree;
        }
    }

    /// <summary>
    /// The process died in the middle of an operation (every write it made stays with the operating
    /// system); a new one opens the store: it must hold the state before or after that operation.
    /// </summary>
    private void RecoverFromProcessCrash()
    {
        var inDoubt = _model.Last;
        _crashesThisCycle++;
        _log?.WriteLine($"process crash at device operation {_device.Operations}, during operation {inDoubt} ({_model.Describe(inDoubt)})");
        _store?.CloseWithoutCheckpoint();
        _store = null;
        _device.Restart();
        Store store;
        try
        {
            store = Store.Open(_device, _options);
        }
        catch (Exception e) when (!(_device.IsCut && e is IOException)) // opening may write (and be cut)
        {
            throw new TrialFailure($"after a process crash (every write kept) the store does not open: {e.GetType().Name}: {e.Message}");
        }
        try
        {
            foreach (var name in store.TreeNames)
            {
                store.TryGetTree(name, out var tree);
                tree!.Verify();
            }
        }
        catch (Exception e)
        {
            store.CloseWithoutCheckpoint();
            throw new TrialFailure($"after a process crash (every write kept) the store fails verification: {e.GetType().Name}: {e.Message}");
        }
        var found = PowerLossModel.Fingerprint(store);
        foreach (var k in _model.Matching(found, Math.Max(_lastAck, Math.Min(inDoubt - 1, _lastWritten)), inDoubt)) // commits kept in memory since the last write may be lost
        {
            _model.RollBack(k);
            if (_model.Difference(store) is not null) continue;
            Adopt(store);
            return;
        }
        var report = new StringBuilder($"after a process crash (every write kept) the store holds {found}, neither the state before nor after operation {inDoubt}");
        var earlier = _model.Matching(found, 0, inDoubt - 2);
        if (earlier.Count > 0) report.Append($"; it equals the state after operation {earlier[0]} ({_model.Describe(earlier[0])})");
        report.Append($"; against operation {_model.Last}: {_model.Difference(store)}");
        if (_model.Last == inDoubt && inDoubt > _lastAck)
        {
            _model.RollBack(inDoubt - 1);
            report.Append($"; against operation {inDoubt - 1}: {_model.Difference(store)}");
        }
        store.CloseWithoutCheckpoint();
        throw new TrialFailure(report.ToString());
    }

    /// <summary>Opens the image a cut left and finds the operation whose state it holds.</summary>
    private string? Recover(byte[] image)
    {
        var device = new PowerCutDevice(image);
        Store store;
        try
        {
            store = Store.Open(device, _options);
        }
        catch (Exception e)
        {
            return $"the store does not open: {e.GetType().Name}: {e.Message}";
        }
        StateFingerprint found;
        try
        {
            foreach (var name in store.TreeNames)
            {
                store.TryGetTree(name, out var tree);
                var shape = tree!.Verify();
                if (shape.Keys != tree.Count) throw new InvalidDataException($"tree {PowerLossModel.Quote(name)} counts {tree.Count} keys but holds {shape.Keys}");
            }
            found = PowerLossModel.Fingerprint(store);
        }
        catch (Exception e)
        {
            store.CloseWithoutCheckpoint();
            return $"the recovered store fails verification: {e.GetType().Name}: {e.Message}";
        }
        var last = _model.Last;
        var candidates = _model.Matching(found, _lastAck, last);
        foreach (var k in candidates)
        {
            _model.RollBack(k);
            if (_model.Difference(store) is null)
            {
                _log?.WriteLine($"recovered the state after operation {k} of {last} (store: {found}, {store.Recovered} commits replayed)");
                if (k < last) _recoveriesBehind++;
                _device = device;
                _lastAck = k; // all of it is in the durable image now
                Adopt(store);
                return null;
            }
        }
        var report = new StringBuilder($"the recovered store ({found}, {store.Recovered} commits replayed) matches no state after operations {_lastAck}..{last}");
        if (candidates.Count > 0) report.Append($" (operation {candidates[0]} has its fingerprint but not its contents)");
        var earlier = _model.Matching(found, 0, _lastAck - 1);
        if (earlier.Count > 0) report.Append($"; it equals the state after operation {earlier[0]} ({_model.Describe(earlier[0])}), before the last acknowledged operation: acknowledged operations were lost");
        if (candidates.Count == 0)
        {
            report.Append($"; against operation {last} ({_model.Describe(last)}): {_model.Difference(store)}");
            if (_lastAck < last)
            {
                _model.RollBack(_lastAck);
                report.Append($"; against operation {_lastAck} ({_model.Describe(_lastAck)}): {_model.Difference(store)}");
            }
        }
        store.CloseWithoutCheckpoint();
        return report.ToString();
    }

    /// <summary>One random operation of the workload.</summary>
    private void Step()
    {
        _operations++;
        if (_model.TreeNames.Count == 0)
        {
            CreateTree();
            return;
        }
        var roll = _random.Next(1000);
        if (_uniform && roll < 680) roll = roll < 100 && _fixedValueBytes <= 4 ? 300 : 0; // single puts, and deletes when their entries are as long
        if (roll < 300) SinglePut();
        else if (roll < 400) SingleDelete();
        else if (roll < 680) SmallBatch();
        else if (roll < 695) LargeBatch();
        else if (roll < 740) Checkpoint();
        else if (roll < 800) Flush();
        else if (roll < 830 && _model.TreeNames.Count < MaxTrees) CreateTree();
        else if (roll < 845) CrashAndReopen();
        else if (roll < 855) CloseAndReopen();
        else if (roll < 865) TooLargeValue();
        else SinglePut();
    }

    /// <summary>Starts an operation of the model; the device labels the writes it makes with its number.</summary>
    private void Begin(string description)
    {
        _model.Begin(description);
        _device.Label = $"op {_model.Last + 1}";
        _log?.WriteLine($"op {_model.Last + 1} (device operation {_device.Operations}): {description}");
    }

    /// <summary>Whether the next commit is acknowledged durable (flushed); if not, it is written (buffered) or, a third of the time, kept in memory until a later write (in the background).</summary>
    private bool NextDurable()
    {
        var durable = _random.NextDouble() < _flushShare;
        _how = durable ? Packtree.Durability.Flush : _random.Next(3) == 0 ? Packtree.Durability.Background : Packtree.Durability.Buffered;
        return durable;
    }

    private string PickTree() => _model.TreeNames[_random.Next(_model.TreeNames.Count)];

    private Bpos PickKey(string tree, int knownOneIn)
    {
        var known = _model.Known(tree);
        if (known.Count > 0 && _random.Next(knownOneIn) == 0) return known[_random.Next(known.Count)];
        return _random.Next(5) == 0 ? BtreeModelTests.RandomPosition(_random) : new Bpos((ulong)_random.Next(0, 4), (ulong)_random.Next(0, 3000) * 8, (uint)_random.Next(0, 2));
    }

    /// <summary>0 to the tree's largest value, most of them small.</summary>
    private byte[] RandomValue(int max)
    {
        var length = _fixedValueBytes >= 0 ? Math.Min(_fixedValueBytes, max) : _random.Next(20) switch
        {
            0 => 0,
            1 => max,
            < 4 => _random.Next(Math.Min(200, max), max + 1),
            < 9 => _random.Next(Math.Min(24, max), Math.Min(200, max) + 1),
            _ => _random.Next(0, Math.Min(24, max) + 1),
        };
        var value = new byte[length];
        _random.NextBytes(value);
        return value;
    }

    private static string Describe(Packtree.Durability how) => how switch { Packtree.Durability.Flush => "flushed", Packtree.Durability.Buffered => "buffered", _ => "in the background" };

    private void SinglePut()
    {
        var name = PickTree();
        var tree = _trees[name];
        var key = PickKey(name, 3);
        var value = RandomValue(tree.MaxValueBytes);
        var durable = NextDurable();
        Begin($"put {key} in {PowerLossModel.Quote(name)}, {value.Length} bytes, {Describe(_how)}");
        _model.Put(name, key, value);
        var op = _model.End();
        if (durable && _random.Next(2) == 0) tree.Put(key, value); // the store's default durability is Flush
        else
        {
            _batch.Clear();
            _store!.Write(_batch.Put(tree, key, value), _how);
        }
        if (durable) _lastAck = op;
    }

    private void SingleDelete()
    {
        var name = PickTree();
        var tree = _trees[name];
        var key = _random.Next(4) == 0 ? PickKey(name, int.MaxValue) : PickKey(name, 1); // mostly a key that was put
        var durable = NextDurable();
        Begin($"delete {key} in {PowerLossModel.Quote(name)}, {Describe(_how)}");
        var existed = _model.Delete(name, key);
        var op = _model.End();
        if (durable && _random.Next(2) == 0)
        {
            var deleted = tree.Delete(key);
            if (deleted != existed) throw new TrialFailure($"Delete returned {deleted}, but the key {(existed ? "was" : "was not")} there");
        }
        else
        {
            _batch.Clear();
            _store!.Write(_batch.Delete(tree, key), _how);
        }
        if (durable) _lastAck = op;
    }

    private void SmallBatch()
    {
        var count = _random.Next(2, 51);
        var durable = NextDurable();
        Begin($"batch of {count} updates, {Describe(_how)}");
        _batch.Clear();
        for (var i = 0; i < count; i++)
        {
            var name = PickTree();
            var tree = _trees[name];
            var key = PickKey(name, 3);
            if (_random.Next(5) == 0)
            {
                _model.Delete(name, key);
                _batch.Delete(tree, key);
            }
            else
            {
                var value = RandomValue(_random.Next(3) == 0 ? tree.MaxValueBytes : 100);
                _model.Put(name, key, value);
                _batch.Put(tree, key, value);
            }
        }
        var op = _model.End();
        _store!.Write(_batch, _how);
        if (durable) _lastAck = op;
    }

    /// <summary>A few thousand updates in one commit, small values (the journal entry stays within a quarter of the journal).</summary>
    private void LargeBatch()
    {
        var count = _random.Next(1000, 4001);
        var durable = NextDurable();
        BigBatch($"large batch of {count} updates, {Describe(_how)}", count, 33, durable);
    }

    /// <summary>Over 65,536 updates in one commit (more than a 16-bit count holds).</summary>
    private void HugeBatch()
    {
        _operations++;
        if (_model.TreeNames.Count == 0)
        {
            CreateTree();
            return;
        }
        var count = _random.Next(65_537, 66_001);
        var durable = NextDurable();
        BigBatch($"huge batch of {count} updates, {Describe(_how)}", count, 5, durable);
    }

    private void BigBatch(string description, int count, int maxValue, bool durable)
    {
        var home = PickTree();
        var inode = (ulong)_random.Next(4, 1000);
        var offset = (ulong)_random.Next(0, 1000);
        var entryBytes = 32L;
        var limit = _options.JournalBytes / 4;
        Begin(description);
        _batch.Clear();
        for (var i = 0; i < count; i++)
        {
            var name = _random.Next(8) == 0 ? PickTree() : home;
            var tree = _trees[name];
            if (_random.Next(10) == 0)
            {
                var key = PickKey(name, 1);
                _model.Delete(name, key);
                _batch.Delete(tree, key);
                entryBytes += 28;
            }
            else
            {
                var key = _random.Next(4) == 0 ? PickKey(name, 3) : new Bpos(inode, offset++, 0);
                var value = new byte[_random.Next(0, maxValue)];
                _random.NextBytes(value);
                _model.Put(name, key, value);
                _batch.Put(tree, key, value);
                entryBytes += 28 + value.Length;
            }
        }
        if ((entryBytes + 7) / 8 * 8 > limit) throw new InvalidOperationException($"The harness made a batch of {entryBytes} journal bytes; at most {limit} fit.");
        var op = _model.End();
        _store!.Write(_batch, _how);
        if (durable) _lastAck = op;
    }

    private void Checkpoint()
    {
        Begin("checkpoint");
        var op = _model.End();
        _store!.Checkpoint();
        _lastAck = op;
    }

    private void Flush()
    {
        Begin("flush");
        var op = _model.End();
        _store!.Flush();
        _lastAck = op;
    }

    private void CreateTree()
    {
        var name = NewTreeName();
        Begin($"create tree {PowerLossModel.Quote(name)}");
        _model.CreateTree(name);
        var op = _model.End();
        _trees[name] = _store!.GetOrCreateTree(name);
        _lastAck = op; // a tree exists durably once GetOrCreateTree returns
    }

    /// <summary>The process dies (every write stays with the operating system, nothing is flushed) and the store is opened again: it must hold everything.</summary>
    private void CrashAndReopen()
    {
        _crashesThisCycle++;
        Begin("process crash and reopen");
        _model.End();
        _store!.CloseWithoutCheckpoint();
        _store = null;
        var written = _lastWritten; // commits kept in memory after it die with the process
        if (written < _model.Last) _model.RollBack(written);
        OpenStore();
        var found = PowerLossModel.Fingerprint(_store!);
        if (found != _model.Now) throw new TrialFailure($"reopened after a process crash (every write kept), the store holds {found}, not {_model.Now} (the state after operation {written}, the last written): {_model.Difference(_store!)}");
    }

    /// <summary>The store is closed (a checkpoint) and opened again.</summary>
    private void CloseAndReopen()
    {
        Begin("close and reopen");
        var op = _model.End();
        var store = _store!;
        _store = null;
        store.Dispose();
        _lastAck = op;
        OpenStore();
        var found = PowerLossModel.Fingerprint(_store!);
        if (found != _model.Now) throw new TrialFailure($"closed and reopened, the store holds {found}, not {_model.Now}: {_model.Difference(_store!)}");
    }

    /// <summary>A value over the tree's limit is refused and changes nothing.</summary>
    private void TooLargeValue()
    {
        var name = PickTree();
        var tree = _trees[name];
        var value = new byte[_random.Next(tree.MaxValueBytes + 1, tree.MaxValueBytes + 1000)];
        try
        {
            tree.Put(PickKey(name, 3), value);
        }
        catch (ValueTooLargeException)
        {
            return;
        }
        throw new TrialFailure($"a value of {value.Length} bytes was taken by a tree whose limit is {tree.MaxValueBytes}");
    }

    private string NewTreeName()
    {
        _treesCreated++;
        string name;
        do
        {
            name = (_treesCreated, _random.Next(6)) switch
            {
                (1, _) => "alpha",
                (2, _) => "beta",
                (_, 0) => $"données-ü-日本-{_random.Next(1000)}",
                (_, 1) => LongName('t', 255), // 255 ASCII bytes
                (_, 2) => LongName('日', 255 / 3), // 255 UTF-8 bytes in 85 characters
                (_, 3) => $"{_random.Next(100)}-" + LongName('é', _random.Next(1, 120)),
                (_, 4) => $"tree 🌳 {_random.Next(1000)}", // a character outside the basic plane: 4 UTF-8 bytes, 2 UTF-16 units
                _ => $"t{_random.Next(100_000)}",
            };
        }
        while (_model.HasTree(name) || Encoding.UTF8.GetByteCount(name) > 255);
        return name;
    }

    /// <summary>A name of <paramref name="count"/> characters from <paramref name="c"/> and random letters, ending in a random suffix so names differ.</summary>
    private string LongName(char c, int count)
    {
        var builder = new StringBuilder();
        var suffix = $"{_random.Next(100)}";
        for (var i = 0; i < count - suffix.Length; i++) builder.Append(_random.Next(4) == 0 ? c : c < 128 ? (char)('a' + _random.Next(26)) : c);
        builder.Append(suffix);
        return builder.ToString();
    }

    private sealed class TrialFailure(string message) : Exception(message);
}
