using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Reflection.Emit;
using System.Runtime.InteropServices;
using Packtree.Keys;

namespace Packtree.Codegen;

/// <summary>
/// Code shared by every format of one shape (schema, key_u64s and field widths; offsets aside), compiled once and
/// bound to each format by a delegate closed over that format's offsets, which compiles nothing. Nodes split from
/// one another keep their widths while their offsets move with their key ranges, so a large tree has about as many
/// formats as leaves but only a few shapes. The kernel shared is the one scans call: the key fields of a run.
/// </summary>
internal sealed class ShapeCode
{
    private readonly DynamicMethod _unpackKeys;

    private ShapeCode(BkeyFormat shape, DynamicMethod unpackKeys, TimeSpan compileTime)
    {
        Shape = shape;
        _unpackKeys = unpackKeys;
        CompileTime = compileTime;
    }

    /// <summary>The shape: a format with every offset 0.</summary>
    public BkeyFormat Shape { get; }

    /// <summary>Time spent emitting the IL and having the runtime compile it.</summary>
    public TimeSpan CompileTime { get; }

    /// <summary>Emits and compiles the code for the shape of <paramref name="format"/>.</summary>
    /// <exception cref="PlatformNotSupportedException">The runtime cannot compile dynamic code, or the machine is big-endian.</exception>
    [RequiresDynamicCode("Emits IL for the shape.")]
    public static ShapeCode Compile(BkeyFormat format)
    {
        if (!KeyCodecFactory.CanCompile)
            throw new PlatformNotSupportedException("This runtime cannot compile dynamic code (or the machine is big-endian); use the generic or byte-aligned codec.");
        var started = Stopwatch.GetTimestamp();
        var shape = format.Shape;
        var method = KernelEmitter.EmitShapeUnpackKeys(shape);
        // Run it once, so that the runtime's compilation is part of the compile time.
        Span<byte> key = stackalloc byte[shape.KeyBytes];
        key.Clear();
        key[0] = (byte)shape.KeyU64s;
        Span<ulong> fields = stackalloc ulong[shape.Schema.KeyFieldCount];
        var at = 0;
        Bind(method, shape)(ref key[0], shape.KeyBytes, ref fields[0], 1, ref at);
        var code = new ShapeCode(shape, method, Stopwatch.GetElapsedTime(started));
        CodegenMetrics.ShapeCompiled(code.CompileTime);
        return code;
    }

    /// <summary>The run kernel bound to <paramref name="format"/>'s offsets (a delegate, not a compile).</summary>
    /// <exception cref="ArgumentException">The format is of another shape.</exception>
    public UnpackKeysKernel UnpackKeysFor(BkeyFormat format)
    {
        if (!format.Shape.Equals(Shape)) throw new ArgumentException($"The format [{format}] is not of the shape [{Shape}].", nameof(format));
        return Bind(_unpackKeys, format);
    }

    private static UnpackKeysKernel Bind(DynamicMethod method, BkeyFormat format)
    {
        var offsets = new ulong[format.Schema.KeyFieldCount];
        for (var i = 0; i < offsets.Length; i++) offsets[i] = format.Fields[i].Offset;
        return (UnpackKeysKernel)method.CreateDelegate(typeof(UnpackKeysKernel), offsets);
    }

    /// <summary>
    /// The key fields of a run through <paramref name="kernel"/> (of <paramref name="format"/>), keys the kernel stops at
    /// (unpacked, or malformed: refused as elsewhere) read by the format; as <see cref="KeyCodec.UnpackKeys"/>.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)] // a scan's first runs must not wait for tiering
    public static int UnpackKeys(UnpackKeysKernel kernel, BkeyFormat format, ReadOnlySpan<byte> run, Span<ulong> keys)
    {
        var stride = format.Schema.KeyFieldCount;
        var capacity = keys.Length / stride;
        ref var start = ref MemoryMarshal.GetReference(run);
        int count = 0, at = 0;
        while (at < run.Length && count < capacity)
        {
            // In bounds: the kernel checks every key's length against the run's before reading it,
            // and writes at most capacity - count keys of stride words.
            count += kernel(ref start, run.Length, ref keys[count * stride], capacity - count, ref at);
            Debug.Assert(at <= run.Length && count <= capacity, "The kernel stays inside the run and the keys given.");
            if (at >= run.Length || count >= capacity) break;
            var key = RunKeys.Slice(format, run, at, out var length); // the kernel stopped here: unpacked or malformed
            var destination = keys.Slice(count++ * stride, stride);
            if (RunKeys.IsPacked(key)) format.UnpackKey(key, destination);
            else RunKeys.ReadUnpackedKey(format, key, destination);
            at += length;
        }
        return count;
    }
}
