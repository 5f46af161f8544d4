using BenchmarkDotNet.Attributes;
using Packtree.Codegen;
using Packtree.Keys;

namespace Packtree.Benchmarks;

/// <summary>
/// Each unpack strategy and kernel on the three setups of <c>packtree bench unpack</c>, 4,096 keys
/// per operation (so results are per 4,096 keys; divide for ns per key).
/// </summary>
[MemoryDiagnoser]
public class CodecBenchmarks
{
    private const int KeyCount = 4096;
    private KeyCodec _codec = null!;
    private byte[] _packed = null!;
    private Bpos[] _searches = null!;
    private readonly Bkey[] _keys = new Bkey[KeyCount];
    private readonly Bpos[] _positions = new Bpos[KeyCount];

    [Params("extents", "extents-unaligned", "wide")]
    public string Setup { get; set; } = "extents";

    [Params(UnpackStrategy.Generic, UnpackStrategy.ByteAligned, UnpackStrategy.Compiled)]
    public UnpackStrategy Strategy { get; set; }

    [GlobalSetup]
    public void Prepare()
    {
        var random = new Random(7);
        var keys = new Bkey[KeyCount];
        for (var i = 0; i < KeyCount; i++)
        {
            keys[i] = Setup == "wide"
                ? new Bkey(new Bpos((ulong)random.NextInt64(1L << 13), (ulong)random.NextInt64(1L << 45), (uint)random.Next(1 << 26)), size: (uint)random.Next(1 << 20))
                : new Bkey(new Bpos(4096 + (ulong)(i * 50 / KeyCount), (ulong)(i % (KeyCount / 50) + 1) * 64, uint.MaxValue), size: (uint)random.Next(1, 129));
        }
        Array.Sort(keys, (a, b) => a.Position.CompareTo(b.Position));
        var builder = new BkeyFormatBuilder();
        foreach (var key in keys) builder.AddKey(key);
        var format = builder.Build(roundToBytes: Setup == "extents");
        _packed = new byte[KeyCount * format.KeyBytes];
        for (var i = 0; i < KeyCount; i++) format.TryPack(keys[i], _packed.AsSpan(i * format.KeyBytes));
        _codec = KeyCodecFactory.Create(format, Strategy);
        _searches = [.. Enumerable.Range(0, 64).Select(_ => keys[random.Next(KeyCount)].Position)];
    }

    [Benchmark(Description = "unpack, one call per key")]
    public ulong UnpackEach()
    {
        var stride = _codec.Format.KeyBytes;
        ulong sum = 0;
        for (var at = 0; at < _packed.Length; at += stride)
        {
            _codec.Unpack(_packed.AsSpan(at, stride), out var key);
            sum += key.Position.Offset;
        }
        return sum;
    }

    [Benchmark(Description = "unpack run (kernel)")]
    public int UnpackRun() => _codec.UnpackRun(_packed, _keys);

    [Benchmark(Description = "unpack positions run (kernel)")]
    public int UnpackPositions() => _codec.UnpackPositions(_packed, _positions);

    [Benchmark(Description = "compare adjacent")]
    public int CompareAdjacent()
    {
        var stride = _codec.Format.KeyBytes;
        var sum = 0;
        for (var at = stride; at < _packed.Length; at += stride)
            sum += _codec.ComparePacked(_packed.AsSpan(at - stride, stride), _packed.AsSpan(at, stride));
        return sum;
    }

    [Benchmark(Description = "find first at or after, 64 searches (kernel)")]
    public int Find()
    {
        var sum = 0;
        foreach (var search in _searches) sum += _codec.FindFirstAtOrAfter(_packed, search);
        return sum;
    }
}
