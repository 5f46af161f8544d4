using System.Diagnostics;
using Packtree.Bench.Peers;

namespace Packtree.Bench.Values;

/// <summary>
/// One engine on one case, inside its worker process: each step of a round (<see cref="ValueSteps.Round"/>) run when
/// the suite asks for it. Every round starts from an empty store and puts the same values in the same orders.
/// Values are made just before each put, outside the time measured (only the engine's calls are timed), so that
/// no engine holds the whole data set in memory and no engine's time includes making it.
/// </summary>
public sealed class ValuesSession : IPeerWorkerSession
{
    private readonly string _name;
    private readonly Func<string, IValueEngine> _open;
    private readonly ValueCase _case;
    private readonly string _folder;
    private readonly byte[][] _keys;
    private readonly int[] _getOrder;
    private readonly int[] _overwriteOrder;
    private readonly byte[] _value;
    private readonly byte[] _buffer;
    private IValueEngine? _data;
    private string _durability = "";
    private long _sink;

    /// <summary>A session on <paramref name="case"/> with <paramref name="totalBytes"/> of values (their count: total ÷ size, at least one).</summary>
    public ValuesSession(string name, Func<string, IValueEngine> open, ValueCase @case, long totalBytes, string folder)
    {
        (_name, _open, _case, _folder) = (name, open, @case, folder);
        var count = (int)Math.Clamp(totalBytes / @case.ValueBytes, 1, int.MaxValue);
        _keys = ByteKeys.DbBench(count, seed: 3);
        _getOrder = Shuffled(count, seed: 5);
        _overwriteOrder = Shuffled(count, seed: 9);
        _value = new byte[@case.ValueBytes];
        _buffer = new byte[@case.ValueBytes];
    }

    private long LiveBytes => (long)_keys.Length * _case.ValueBytes;

    public List<PeerMetric> Run(string step)
    {
        List<PeerMetric> figures = [];
        void Record(double seconds)
        {
            figures.Add(new PeerMetric("ops_per_second", _keys.Length / seconds, "ops/s"));
            figures.Add(new PeerMetric("mb_per_second", LiveBytes / seconds / 1e6, "MB/s"));
        }
        switch (step)
        {
            case "put":
                if (_data is not null) throw new InvalidOperationException("put came before the last round's store was closed.");
                Directory.CreateDirectory(Path.Combine(_folder, "data"));
                _data = _open(Path.Combine(_folder, "data"));
                _durability = _data.Durability;
                Record(PutAll(null, pass: 0));
                break;
            case "get":
                Record(PeerTiming.Time(GetAll));
                break;
            case "scan":
                Record(PeerTiming.Time(() =>
                {
                    if (Data.ScanAll() is var seen && seen != _keys.Length) throw new InvalidOperationException($"{_name} scanned {seen} values; {_keys.Length} were put.");
                }));
                break;
            case "overwrite":
                Record(PutAll(_overwriteOrder, pass: 1));
                Data.Flush();
                figures.Add(new PeerMetric("disk_bytes_per_value_byte", (double)DiskUsage.Bytes(Path.Combine(_folder, "data")) / LiveBytes, "bytes"));
                break;
            case ValueSteps.Close:
                _data?.Dispose();
                _data = null;
                Directory.Delete(Path.Combine(_folder, "data"), recursive: true);
                break;
            default:
                throw new ArgumentException($"No step '{step}'; steps: {string.Join(", ", ValueSteps.Round)}.", nameof(step));
        }
        return figures;
    }

    /// <summary>How the engine commits and lays out its values (and the bytes read summed, so that they are used).</summary>
    public IEnumerable<PeerMetric> Closing() => [new PeerMetric("durability", 0, _durability), new PeerMetric("read_byte_sum", _sink, "")];

    public void Dispose()
    {
        _data?.Dispose();
        _data = null;
    }

    private IValueEngine Data => _data ?? throw new InvalidOperationException("This step runs on the store put fills: run put first.");

    /// <summary>Puts every key, in insertion order or in <paramref name="order"/>; returns the seconds spent in the engine's puts.</summary>
    private double PutAll(int[]? order, int pass)
    {
        GC.Collect();
        long ticks = 0;
        for (var i = 0; i < _keys.Length; i++)
        {
            var k = order is null ? i : order[i];
            _case.Fill(_value, k, pass);
            var start = Stopwatch.GetTimestamp();
            Data.Put(_keys[k], _value);
            ticks += Stopwatch.GetTimestamp() - start;
        }
        return (double)ticks / Stopwatch.Frequency;
    }

    /// <summary>Reads every key once, a byte of each value summed (a different byte each time) so that no read is skipped.</summary>
    private void GetAll()
    {
        long sum = 0;
        for (var i = 0; i < _getOrder.Length; i++)
        {
            if (!Data.Get(_keys[_getOrder[i]], _buffer)) throw new InvalidOperationException($"{_name} lost a key.");
            sum += _buffer[i % _buffer.Length];
        }
        _sink += sum;
    }

    private static int[] Shuffled(int count, int seed)
    {
        var order = Enumerable.Range(0, count).ToArray();
        new Random(seed).Shuffle(order);
        return order;
    }
}
