using System.Diagnostics;
using Packtree.Bench.Peers;

namespace Packtree.Bench.Values;

/// <summary>
/// One engine streaming one large value, inside its worker process: each round puts a value of random bytes from a
/// <see cref="GeneratedStream"/> (made as it is read, never whole in memory), reads it back through the engine's
/// stream in 1 MiB reads with a checksum as it goes, and measures the worker's peak working set above its working
/// set just before the put.
/// </summary>
public sealed class StreamSession(string name, Func<string, IValueEngine> open, long bytes, string folder) : IPeerWorkerSession
{
    private const int ReadBytes = 1 << 20;
    private static readonly byte[] Key = ByteKeys.DbBenchKey(0);
    private readonly byte[] _read = new byte[ReadBytes];
    private string _durability = "";
    private int _round;

    public List<PeerMetric> Run(string step)
    {
        if (step != ValueSteps.Stream) throw new ArgumentException($"No step '{step}'; the one step is {ValueSteps.Stream}.", nameof(step));
        var seed = (ulong)++_round;
        var expected = Expected(seed);
        var path = Path.Combine(folder, "stream");
        Directory.CreateDirectory(path);
        try
        {
            using var engine = open(path);
            _durability = engine.Durability;
            GC.Collect();
            GC.WaitForPendingFinalizers();
            var reset = PeakMemory.TryReset();
            var before = PeakMemory.Current();
            var start = Stopwatch.GetTimestamp();
            using (var source = new GeneratedStream(bytes, seed)) engine.PutStream(Key, source);
            var put = Stopwatch.GetElapsedTime(start).TotalSeconds;
            start = Stopwatch.GetTimestamp();
            var checksum = new StreamChecksum();
            using (var value = engine.OpenRead(Key))
            {
                for (int n; (n = value.Read(_read)) > 0;) checksum.Add(_read.AsSpan(0, n));
            }
            var read = Stopwatch.GetElapsedTime(start).TotalSeconds;
            var peak = PeakMemory.Peak();
            if (checksum.Length != bytes || checksum.Value != expected) throw new InvalidOperationException($"{name} read back {checksum.Length:N0} bytes that differ from the {bytes:N0} put.");
            return
            [
                new PeerMetric("put_mb_per_second", bytes / put / 1e6, "MB/s"),
                new PeerMetric("read_mb_per_second", bytes / read / 1e6, "MB/s"),
                new PeerMetric("peak_above_before_bytes", Math.Max(0, peak - before), "bytes"),
                new PeerMetric("peak_reset", reset ? 1 : 0, reset ? "peak of this round alone" : "peak of the worker's whole life"),
                new PeerMetric("cache_bytes", engine.CacheBytes, "bytes"),
            ];
        }
        finally
        {
            Directory.Delete(path, recursive: true);
        }
    }

    public IEnumerable<PeerMetric> Closing() => [new PeerMetric("durability", 0, _durability)];

    public void Dispose()
    {
    }

    /// <summary>The checksum of the value round <paramref name="seed"/> puts, made before anything is timed.</summary>
    private ulong Expected(ulong seed)
    {
        var checksum = new StreamChecksum();
        using var source = new GeneratedStream(bytes, seed);
        for (int n; (n = source.Read(_read)) > 0;) checksum.Add(_read.AsSpan(0, n));
        return checksum.Value;
    }
}
