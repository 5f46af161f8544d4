using System.Diagnostics.Metrics;

namespace Packtree.Codegen;

/// <summary>
/// Counters of the code generator, published on the meter <c>Packtree.Codegen</c>
/// (<see cref="System.Diagnostics.Metrics"/>) and readable in-process for tests and benchmarks.
/// </summary>
internal static class CodegenMetrics
{
    /// <summary>Name of the meter.</summary>
    public const string MeterName = "Packtree.Codegen";

    private static readonly Meter Meter = new(MeterName);
    private static readonly Counter<long> CompilationsCounter = Meter.CreateCounter<long>("packtree.codegen.compilations", "{format}", "Formats compiled to IL.");
    private static readonly Histogram<double> CompileTimeHistogram = Meter.CreateHistogram<double>("packtree.codegen.compile_time", "ms", "Time to emit and compile one format's code.");
    private static readonly Counter<long> ShapeCompilationsCounter = Meter.CreateCounter<long>("packtree.codegen.shape_compilations", "{shape}", "Shapes compiled to IL (code shared by the formats of a shape).");
    private static readonly Counter<long> CacheHitsCounter = Meter.CreateCounter<long>("packtree.codegen.cache_hits", "{lookup}", "Compiled code found in the cache.");
    private static readonly Counter<long> CacheMissesCounter = Meter.CreateCounter<long>("packtree.codegen.cache_misses", "{lookup}", "Compiled code not in the cache.");
    private static readonly Counter<long> EvictionsCounter = Meter.CreateCounter<long>("packtree.codegen.cache_evictions", "{format}", "Compiled code dropped from the full cache.");
    private static readonly Counter<long> FallbacksCounter = Meter.CreateCounter<long>("packtree.codegen.fallbacks", "{codec}", "Compiled code requested where the runtime cannot compile it.");

    private static long _compilations;
    private static long _compileTicks;
    private static long _shapeCompilations;
    private static long _shapeCompileTicks;
    private static long _cacheHits;
    private static long _cacheMisses;
    private static long _evictions;
    private static long _fallbacks;

    /// <summary>Formats compiled since the process started.</summary>
    public static long Compilations => Interlocked.Read(ref _compilations);

    /// <summary>Time spent compiling formats since the process started.</summary>
    public static TimeSpan CompileTime => TimeSpan.FromTicks(Interlocked.Read(ref _compileTicks));

    /// <summary>Shapes compiled since the process started.</summary>
    public static long ShapeCompilations => Interlocked.Read(ref _shapeCompilations);

    /// <summary>Time spent compiling shapes since the process started.</summary>
    public static TimeSpan ShapeCompileTime => TimeSpan.FromTicks(Interlocked.Read(ref _shapeCompileTicks));

    /// <summary>Cache lookups that found compiled code.</summary>
    public static long CacheHits => Interlocked.Read(ref _cacheHits);

    /// <summary>Cache lookups that had to compile.</summary>
    public static long CacheMisses => Interlocked.Read(ref _cacheMisses);

    /// <summary>Compiled formats dropped because the cache was full.</summary>
    public static long Evictions => Interlocked.Read(ref _evictions);

    /// <summary>Times compiled code was asked for where the runtime cannot compile it.</summary>
    public static long Fallbacks => Interlocked.Read(ref _fallbacks);

    internal static void Compiled(TimeSpan time)
    {
        Interlocked.Increment(ref _compilations);
        Interlocked.Add(ref _compileTicks, time.Ticks);
        CompilationsCounter.Add(1);
        CompileTimeHistogram.Record(time.TotalMilliseconds);
    }

    internal static void ShapeCompiled(TimeSpan time)
    {
        Interlocked.Increment(ref _shapeCompilations);
        Interlocked.Add(ref _shapeCompileTicks, time.Ticks);
        ShapeCompilationsCounter.Add(1);
        CompileTimeHistogram.Record(time.TotalMilliseconds);
    }

    internal static void CacheHit()
    {
        Interlocked.Increment(ref _cacheHits);
        CacheHitsCounter.Add(1);
    }

    internal static void CacheMiss()
    {
        Interlocked.Increment(ref _cacheMisses);
        CacheMissesCounter.Add(1);
    }

    internal static void Evicted()
    {
        Interlocked.Increment(ref _evictions);
        EvictionsCounter.Add(1);
    }

    internal static void FellBack()
    {
        Interlocked.Increment(ref _fallbacks);
        FallbacksCounter.Add(1);
    }
}
