namespace Packtree.Bench.Peers;

/// <summary>
/// One engine on one kind of keys, inside its worker process: each step of a round (<see cref="PeerSteps.Round"/>)
/// run when the suite asks for it, on the state the round's earlier steps left. Every round starts from
/// empty stores and the same random seeds, so the rounds repeat the same work and differ only in the
/// machine's speed at the time.
/// </summary>
public sealed class PeerSession : IPeerWorkerSession
{
    private readonly string _name;
    private readonly PeerOpen _open;
    private readonly bool _byteKeys;
    private readonly BenchKey[] _keys;
    private readonly BenchKey[] _inserted;
    private readonly BenchKey[] _sorted;
    private readonly int _count;
    private readonly int _ycsb;
    private readonly int _sync;
    private readonly int _threads;
    private readonly string _folder;
    private readonly ZipfianGenerator _zipf;
    private readonly byte[] _value = new byte[PeerKeys.ValueBytes];
    private readonly byte[] _buffer = new byte[PeerKeys.ValueBytes];
    private IPeerEngine? _data;
    private Random _random = new(7);
    private Random _zipfRandom = new(11);
    private int _next;

    public PeerSession(string name, PeerOpen open, string kind, int count, int threads, bool quick, string folder)
    {
        (_name, _open, _count, _threads, _folder) = (name, open, count, threads, folder);
        _byteKeys = PeerKeys.IsBytes(kind);
        (_ycsb, _sync) = PeerSteps.Sizes(count, quick);
        _keys = PeerKeys.Make(kind, count + _ycsb);
        _inserted = _keys[..count];
        _sorted = [.. _inserted];
        Array.Sort(_sorted, BenchKey.Compare);
        _zipf = new ZipfianGenerator(count);
    }

    /// <summary>How fills commit (known once <c>fillseq</c> has opened the engine).</summary>
    public string FillDurability { get; private set; } = "";

    /// <summary>How fillsync commits.</summary>
    public string SyncDurability { get; private set; } = "not supported per commit";

    /// <summary>Runs one step; returns its figures (none for a workload the engine does not offer).</summary>
    public List<PeerMetric> Run(string step)
    {
        List<PeerMetric> figures = [];
        void Record(long operations, double seconds) => figures.Add(new PeerMetric("ops_per_second", operations / seconds, "ops/s"));
        switch (step)
        {
            case "fillseq":
                using (var engine = Open("seq", sync: false))
                {
                    FillDurability = engine.Durability;
                    Record(_count, PeerTiming.Time(() => Fill(engine, _sorted)));
                    figures.AddRange(engine.KeyFigures());
                }
                Directory.Delete(Path.Combine(_folder, "seq"), recursive: true);
                break;
            case "fillrandom":
                if (_data is not null) throw new InvalidOperationException("fillrandom came before the last round's store was closed.");
                (_random, _zipfRandom, _next) = (new Random(7), new Random(11), _count);
                _data = Open("data", sync: false);
                Record(_count, PeerTiming.Time(() => Fill(Data, _inserted)));
                figures.AddRange(Data.KeyFigures());
                break;
            case "overwrite":
                Record(_count, PeerTiming.Time(() =>
                {
                    for (var i = 0; i < _count; i++) Data.Put(_inserted[_random.Next(_count)], PeerKeys.Value(_value, i));
                }));
                Data.Flush();
                figures.Add(new PeerMetric("bytes_on_disk_per_key", (double)DiskUsage.Bytes(Path.Combine(_folder, "data")) / _count, "bytes"));
                break;
            case "readrandom":
                Record(_count, PeerTiming.Time(() => PeerTiming.Parallel(Data, _threads, _count, (reader, r, buffer) =>
                {
                    if (!reader.Get(_inserted[r.Next(_count)], buffer)) throw new InvalidOperationException($"{_name} lost a key.");
                })));
                break;
            case "readseq" or "readreverse":
                if (Data.SupportsScans) Record(_count, PeerTiming.Time(() => Check(Data.ScanAll(reverse: step == "readreverse"))));
                break;
            case "ycsb_a" or "ycsb_b":
                var writeOneIn = step == "ycsb_a" ? 2 : 20;
                Record(_ycsb, PeerTiming.Time(() => ReadOrUpdate(writeOneIn)));
                break;
            case "ycsb_c":
                Record(_ycsb, PeerTiming.Time(() => PeerTiming.Parallel(Data, _threads, _ycsb,
                    (reader, r, buffer) => reader.Get(_inserted[_zipf.Next(_threads <= 1 ? _zipfRandom : r)], buffer))));
                break;
            case "ycsb_e":
                if (Data.SupportsScans) Record(_ycsb, PeerTiming.Time(ScanOrInsert));
                break;
            case "ycsb_f":
                Record(_ycsb, PeerTiming.Time(ReadModifyWrite));
                break;
            case PeerSteps.Close:
                _data?.Dispose();
                _data = null;
                Directory.Delete(Path.Combine(_folder, "data"), recursive: true);
                break;
            case "fillsync":
                using (var engine = Open("sync", sync: true))
                {
                    if (engine.SupportsSyncCommits)
                    {
                        SyncDurability = engine.Durability;
                        var slice = _keys[.._sync];
                        Record(_sync, PeerTiming.Time(() => Fill(engine, slice)));
                        figures.AddRange(engine.KeyFigures());
                    }
                }
                Directory.Delete(Path.Combine(_folder, "sync"), recursive: true);
                break;
            case var _ when PeerSteps.WritersOf(step) is > 1 and var writers:
                using (var engine = Open("writers", sync: false))
                {
                    Record(_count, PeerTiming.Time(() => FillInParallel(engine, _inserted, writers)));
                }
                Directory.Delete(Path.Combine(_folder, "writers"), recursive: true);
                break;
            default:
                throw new ArgumentException($"No step '{step}'; steps: {string.Join(", ", PeerSteps.Round)}, {PeerSteps.WritersFill(2)} (and so on, to 64 writers), {PeerSteps.Quit}.", nameof(step));
        }
        return figures;
    }

    /// <summary>How fills and fillsync commit.</summary>
    public IEnumerable<PeerMetric> Closing() => [new PeerMetric("durability_fill", 0, FillDurability), new PeerMetric("durability_sync", 0, SyncDurability)];

    public void Dispose()
    {
        _data?.Dispose();
        _data = null;
    }

    /// <summary>The round's store: only between fillrandom and close.</summary>
    private IPeerEngine Data => _data ?? throw new InvalidOperationException("This step runs on the store fillrandom fills: run fillrandom first.");

    private IPeerEngine Open(string sub, bool sync)
    {
        var path = Path.Combine(_folder, sub);
        Directory.CreateDirectory(path);
        return _open(path, sync, _byteKeys);
    }

    private void Fill(IPeerEngine engine, BenchKey[] keys)
    {
        for (var i = 0; i < keys.Length; i++) engine.Put(keys[i], PeerKeys.Value(_value, i));
    }

    /// <summary>Puts <paramref name="keys"/> from <paramref name="writers"/> threads at once, each with its own handle (<see cref="IPeerEngine.ForThread"/>) and every writers-th key.</summary>
    private static void FillInParallel(IPeerEngine engine, BenchKey[] keys, int writers)
    {
        Exception? failure = null;
        var threads = Enumerable.Range(0, writers).Select(t => new Thread(() =>
        {
            try
            {
                using var own = engine.ForThread() is var handle && !ReferenceEquals(handle, engine) ? handle : null;
                var mine = own ?? engine;
                var value = new byte[PeerKeys.ValueBytes];
                for (var i = t; i < keys.Length; i += writers) mine.Put(keys[i], PeerKeys.Value(value, i));
            }
            catch (Exception e)
            {
                Interlocked.CompareExchange(ref failure, e, null);
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        if (failure is not null) throw new InvalidOperationException($"A writer of {writers} failed: {failure.Message}", failure);
    }

    /// <summary>YCSB A and B: reads, and one update in <paramref name="writeOneIn"/>, of Zipfian keys.</summary>
    private void ReadOrUpdate(int writeOneIn)
    {
        for (var i = 0; i < _ycsb; i++)
        {
            var key = _inserted[_zipf.Next(_zipfRandom)];
            if (_random.Next(writeOneIn) != 0) Data.Get(key, _buffer);
            else Data.Put(key, PeerKeys.Value(_value, i));
        }
    }

    /// <summary>YCSB E: scans of 1 to 100 keys from a Zipfian key, and one insert of a new key in 20.</summary>
    private void ScanOrInsert()
    {
        for (var i = 0; i < _ycsb; i++)
        {
            if (_random.Next(20) != 0) Data.Scan(_inserted[_zipf.Next(_zipfRandom)], _random.Next(1, 101));
            else Data.Put(_keys[_next++], PeerKeys.Value(_value, i));
        }
    }

    /// <summary>YCSB F: reads, and half of them written back changed.</summary>
    private void ReadModifyWrite()
    {
        for (var i = 0; i < _ycsb; i++)
        {
            var key = _inserted[_zipf.Next(_zipfRandom)];
            Data.Get(key, _buffer);
            if (_random.Next(2) == 0)
            {
                _buffer[0]++;
                Data.Put(key, _buffer);
            }
        }
    }

    private void Check(long seen)
    {
        if (seen != _count) throw new InvalidOperationException($"{_name} scanned {seen} keys; {_count} were inserted.");
    }
}
