using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Reflection.Emit;
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
}
