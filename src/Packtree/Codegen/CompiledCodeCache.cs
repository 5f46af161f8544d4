using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using Packtree.Keys;

namespace Packtree.Codegen;

/// <summary>
/// A thread-safe, bounded cache of compiled codecs keyed by format, so that nodes with the same
/// format share one compilation. Each format is compiled at most once while it is cached, even when
/// many threads ask at once. When full, the oldest entries are dropped; nodes still holding their
/// codec keep it, and the runtime collects the code once nothing refers to it.
/// </summary>
internal sealed class CompiledCodeCache
{
    private readonly ConcurrentDictionary<BkeyFormat, Lazy<CompiledKeyCodec>> _entries = new();
    private readonly ConcurrentQueue<BkeyFormat> _insertionOrder = new();
    private readonly ConcurrentDictionary<BkeyFormat, FormatUse> _uses = new();
    private readonly ConcurrentDictionary<BkeyFormat, Lazy<ShapeCode>> _shapes = new();

    /// <summary>Creates a cache holding at most <paramref name="capacity"/> formats.</summary>
    public CompiledCodeCache(int capacity = DefaultCapacity)
    {
        if (capacity < 1) throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "The compiled-code cache must hold at least one format.");
        Capacity = capacity;
    }

    /// <summary>Default number of formats kept (a compiled format costs a few kilobytes of code).</summary>
    public const int DefaultCapacity = 4096;

    /// <summary>The process-wide cache.</summary>
    public static CompiledCodeCache Shared { get; } = new();

    /// <summary>Most formats kept.</summary>
    public int Capacity { get; }

    /// <summary>Formats cached now.</summary>
    public int Count => _entries.Count;

    /// <summary>The compiled codec for <paramref name="format"/>, compiling it on first use.</summary>
    [RequiresDynamicCode("Emits IL for the format.")]
    public CompiledKeyCodec GetOrCompile(BkeyFormat format)
    {
        if (_entries.TryGetValue(format, out var cached))
        {
            CodegenMetrics.CacheHit();
            return cached.Value;
        }
        var entry = new Lazy<CompiledKeyCodec>(() => Compile(format), LazyThreadSafetyMode.ExecutionAndPublication);
        var winner = _entries.GetOrAdd(format, entry);
        if (!ReferenceEquals(winner, entry))
        {
            CodegenMetrics.CacheHit();
            return winner.Value;
        }
        CodegenMetrics.CacheMiss();
        _insertionOrder.Enqueue(format);
        while (_entries.Count > Capacity && _insertionOrder.TryDequeue(out var oldest))
        {
            if (_entries.TryRemove(oldest, out _)) CodegenMetrics.Evicted();
        }
        return entry.Value;
    }

    /// <summary>The code shared by the formats of <paramref name="format"/>'s shape, compiling it on first use.</summary>
    [RequiresDynamicCode("Emits IL for the shape.")]
    public ShapeCode GetOrCompileShape(BkeyFormat format)
    {
        var shape = format.Shape;
        if (_shapes.TryGetValue(shape, out var cached)) return cached.Value;
        if (_shapes.Count >= Capacity) _shapes.Clear(); // bounded: nodes keep the kernels they hold
        return _shapes.GetOrAdd(shape, s => new Lazy<ShapeCode>(() => ShapeCode.Compile(s), LazyThreadSafetyMode.ExecutionAndPublication)).Value;
    }

    /// <summary>
    /// How much the nodes of <paramref name="format"/> have read on the portable path, together, and its code once
    /// compiled: <see cref="UnpackStrategy.Auto"/> compiles a format when all its nodes' reads, not one node's, repay it.
    /// </summary>
    public FormatUse UseOf(BkeyFormat format)
    {
        if (_uses.TryGetValue(format, out var use)) return use;
        if (_uses.Count >= 4 * Capacity) _uses.Clear(); // bounded: formats seen long ago start counting again
        return _uses.GetOrAdd(format, _ => new FormatUse());
    }

    [RequiresDynamicCode("Emits IL for the format.")]
    private static CompiledKeyCodec Compile(BkeyFormat format)
    {
        var codec = CompiledKeyCodec.Compile(format);
        CodegenMetrics.Compiled(codec.CompileTime);
        return codec;
    }
}

/// <summary>Keys the nodes of one format (or shape) have read before its code was compiled, and the compiled code (shared by those nodes).</summary>
internal sealed class FormatUse
{
    /// <summary>The shape's code, once ready (in the use of a shape).</summary>
    public ShapeCode? ShapeCode;

    /// <summary>The shape's background compile, once started.</summary>
    public Task? ShapeCompilation;

    /// <summary>Keys read so far (a racy count: it only decides when to compile, and that happens once).</summary>
    public long KeysRead;

    /// <summary>The compiled code, once ready.</summary>
    public CompiledKeyCodec? Compiled;

    /// <summary>The background compile, once started.</summary>
    public Task? Compilation;
}
