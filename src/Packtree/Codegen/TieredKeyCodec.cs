using System.Diagnostics.CodeAnalysis;
using Packtree.Keys;

namespace Packtree.Codegen;

/// <summary>
/// What <see cref="UnpackStrategy.Auto"/> gives a node: it starts on the portable path (byte-aligned or
/// generic) and, once the nodes of its format have read enough keys together that compiling pays, gets the
/// format's compiled code from the shared cache. Runs of key fields (what scans read) count per shape too: once
/// the formats of a shape have read enough together, the shape's kernel serves all of them, bound to each one's
/// offsets, so a large tree whose leaves each have a format of their own still scans with compiled code.
/// Compiles run on the thread pool, so no caller waits for them.
/// </summary>
/// <remarks>
/// Once compiled, every operation uses the compiled code: <c>packtree bench unpack</c> measures it at
/// least as fast as the portable paths for every operation, and 4–6× faster for runs of keys.
/// </remarks>
internal sealed class TieredKeyCodec : KeyCodec
{
    private readonly KeyCodec _portable;
    private readonly CompiledCodeCache _cache;
    private readonly long _threshold;
    private FormatUse? _format; // shared by every node of the format; looked up on first use, not when a node is made
    private FormatUse? _shape; // shared by every node of every format of the shape; looked up on a first run
    private UnpackKeysKernel? _shapeKernel; // the shape's run kernel bound to this format, once compiled

    [RequiresDynamicCode("Compiles IL for the format once the threshold is reached.")]
    internal TieredKeyCodec(KeyCodec portable, CompiledCodeCache cache, long threshold)
        : base(portable.Format)
    {
        _portable = portable;
        _cache = cache;
        _threshold = threshold;
        if (threshold == 0) Volatile.Write(ref Use.Compiled, cache.GetOrCompile(Format));
    }

    private FormatUse Use => _format ??= _cache.UseOf(Format);

    private FormatUse ShapeUse => _shape ??= _cache.UseOf(Format.Shape);

    /// <inheritdoc/>
    public override UnpackStrategy Strategy => Volatile.Read(ref Use.Compiled) is null ? _portable.Strategy : UnpackStrategy.Compiled;

    /// <summary>The background compile, once started (tests and benchmarks wait on it).</summary>
    public Task? Compilation => Volatile.Read(ref Use.Compilation);

    /// <inheritdoc/>
    public override void Unpack(ReadOnlySpan<byte> packed, out Bkey key) => Next(1).Unpack(packed, out key);

    /// <inheritdoc/>
    public override Bpos UnpackPosition(ReadOnlySpan<byte> packed) => Next(1).UnpackPosition(packed);

    /// <inheritdoc/>
    public override int ComparePacked(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right) => Next(1).ComparePacked(left, right);

    /// <inheritdoc/>
    public override bool TryPackPosition(Bpos position, Span<byte> destination) => Next(1).TryPackPosition(position, destination);

    /// <inheritdoc/>
    public override PackPositionResult PackPositionLossy(Bpos position, Span<byte> destination) => Next(1).PackPositionLossy(position, destination);

    /// <inheritdoc/>
    public override int UnpackRun(ReadOnlySpan<byte> run, Span<Bkey> keys) => Next(Math.Min(run.Length / Format.KeyBytes, keys.Length)).UnpackRun(run, keys);

    /// <inheritdoc/>
    public override int UnpackPositions(ReadOnlySpan<byte> run, Span<Bpos> positions) => Next(Math.Min(run.Length / Format.KeyBytes, positions.Length)).UnpackPositions(run, positions);

    /// <inheritdoc/>
    public override int FindFirstAtOrAfter(ReadOnlySpan<byte> run, Bpos search) => Next(run.Length / Format.KeyBytes).FindFirstAtOrAfter(run, search);

    /// <inheritdoc/>
    public override void UnpackKey(ReadOnlySpan<byte> packed, Span<ulong> key) => Next(1).UnpackKey(packed, key);

    /// <inheritdoc/>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)] // a scan's first runs must not wait for tiering
    public override int UnpackKeys(ReadOnlySpan<byte> run, Span<ulong> keys)
    {
        var count = Math.Min(run.Length / Format.KeyBytes, keys.Length / Format.Schema.KeyFieldCount);
        var codec = Next(count);
        if (codec != _portable) return codec.UnpackKeys(run, keys);
        if ((_shapeKernel ?? BindShape()) is { } kernel) return RunKeys.UnpackKeys(kernel, Format, run, keys);
        var read = ShapeUse.KeysRead += count; // racy, as the format's count
        if (read >= _threshold && Volatile.Read(ref ShapeUse.ShapeCompilation) is null) StartCompilingShape();
        return _portable.UnpackKeys(run, keys);
    }

    /// <summary>The shape's run kernel bound to this format, once the shape is compiled.</summary>
    private UnpackKeysKernel? BindShape() => Volatile.Read(ref ShapeUse.ShapeCode) is { } code ? _shapeKernel = code.UnpackKeysFor(Format) : null;

    /// <inheritdoc/>
    public override int FindFirstAtOrAfter(ReadOnlySpan<byte> run, ReadOnlySpan<ulong> search) => Next(run.Length / Format.KeyBytes).FindFirstAtOrAfter(run, search);

    /// <summary>Counts the keys about to be read (for a run, as many as it holds or the destination takes, at most) and returns the codec to read them with.</summary>
    private KeyCodec Next(long keys)
    {
        if (Volatile.Read(ref Use.Compiled) is { } compiled) return compiled;
        // A racy count is fine: it only decides when to start compiling, and that happens once.
        var read = Use.KeysRead += keys;
        if (read >= _threshold && Volatile.Read(ref Use.Compilation) is null) StartCompiling();
        return _portable;
    }

    [UnconditionalSuppressMessage("AOT", "IL3050", Justification = "Only constructed where dynamic code is supported (KeyCodecFactory checks).")]
    private void StartCompilingShape()
    {
        var use = ShapeUse;
        var compilation = new Task(() => Volatile.Write(ref use.ShapeCode, _cache.GetOrCompileShape(Format)));
        if (Interlocked.CompareExchange(ref use.ShapeCompilation, compilation, null) is null) compilation.Start(TaskScheduler.Default);
    }

    /// <summary>The shape's background compile, once started (tests wait on it).</summary>
    public Task? ShapeCompilation => Volatile.Read(ref ShapeUse.ShapeCompilation);

    [UnconditionalSuppressMessage("AOT", "IL3050", Justification = "Only constructed where dynamic code is supported (KeyCodecFactory checks).")]
    private void StartCompiling()
    {
        var use = Use;
        var compilation = new Task(() => Volatile.Write(ref use.Compiled, _cache.GetOrCompile(Format)));
        if (Interlocked.CompareExchange(ref use.Compilation, compilation, null) is null) compilation.Start(TaskScheduler.Default);
    }
}
