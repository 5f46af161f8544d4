using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Reflection.Emit;
using System.Runtime.InteropServices;
using Packtree.Keys;

namespace Packtree.Codegen;

/// <summary>
/// Key code compiled for one exact format: IL emitted with the format's positions, widths and
/// offsets as constants, compiled by the runtime. Results are identical to the generic codec.
/// </summary>
public sealed class CompiledKeyCodec : KeyCodec
{
    private readonly UnpackKeyFunction _unpackKey;
    private readonly UnpackPositionFunction _unpackPosition;
    private readonly CompareFunction _compare;

    private CompiledKeyCodec(BkeyFormat format, UnpackKeyFunction unpackKey, UnpackPositionFunction unpackPosition, CompareFunction compare, TimeSpan compileTime)
        : base(format)
    {
        _unpackKey = unpackKey;
        _unpackPosition = unpackPosition;
        _compare = compare;
        CompileTime = compileTime;
    }

    private delegate void UnpackKeyFunction(ref byte source, ref Bkey destination);

    private delegate void UnpackPositionFunction(ref byte source, ref Bpos destination);

    private delegate int CompareFunction(ref byte left, ref byte right);

    /// <inheritdoc/>
    public override UnpackStrategy Strategy => UnpackStrategy.Compiled;

    /// <summary>Time spent emitting the IL and having the runtime compile it to machine code.</summary>
    public TimeSpan CompileTime { get; }

    /// <summary>Emits and compiles the code for <paramref name="format"/>.</summary>
    /// <exception cref="PlatformNotSupportedException">The runtime cannot compile dynamic code, or the machine is big-endian.</exception>
    [RequiresDynamicCode("Emits IL for the format.")]
    public static CompiledKeyCodec Compile(BkeyFormat format)
    {
        if (!KeyCodecFactory.CanCompile)
            throw new PlatformNotSupportedException("This runtime cannot compile dynamic code (or the machine is big-endian); use the generic or byte-aligned codec.");
        var started = Stopwatch.GetTimestamp();
        var unpackKey = EmitUnpackKey(format);
        var unpackPosition = EmitUnpackPosition(format);
        var compare = EmitCompare(format);

        // Run each once so that the runtime's compilation is part of the measured cost.
        Span<byte> zero = stackalloc byte[BkeyFormat.MaxKeyU64s * 8];
        Bkey key = default;
        Bpos position = default;
        unpackKey(ref zero[0], ref key);
        unpackPosition(ref zero[0], ref position);
        compare(ref zero[0], ref zero[0]);
        return new CompiledKeyCodec(format, unpackKey, unpackPosition, compare, Stopwatch.GetElapsedTime(started));
    }

    /// <inheritdoc/>
    public override void Unpack(ReadOnlySpan<byte> packed, out Bkey key)
    {
        Format.CheckPackedHeader(packed);
        key = default;
        // In bounds: the compiled code reads only the KeyBytes that CheckPackedHeader verified.
        _unpackKey(ref MemoryMarshal.GetReference(packed), ref key);
    }

    /// <inheritdoc/>
    public override Bpos UnpackPosition(ReadOnlySpan<byte> packed)
    {
        Format.CheckPackedHeader(packed);
        Bpos position = default;
        _unpackPosition(ref MemoryMarshal.GetReference(packed), ref position);
        return position;
    }

    /// <inheritdoc/>
    public override int ComparePacked(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right)
    {
        if (left.Length < Format.KeyBytes || right.Length < Format.KeyBytes) return Format.ComparePacked(left, right); // throws the length error
        return _compare(ref MemoryMarshal.GetReference(left), ref MemoryMarshal.GetReference(right));
    }

    [RequiresDynamicCode("Emits IL for the format.")]
    private static DynamicMethod NewMethod(string name, BkeyFormat format, Type returnType, params Type[] parameters) =>
        new($"{name}_{format.KeyU64s}w_{Convert.ToHexStringLower(format.ToBytes().AsSpan(2, 6))}", returnType, parameters, typeof(CompiledKeyCodec).Module, skipVisibility: true);

    [RequiresDynamicCode("Emits IL for the format.")]
    private static UnpackKeyFunction EmitUnpackKey(BkeyFormat format)
    {
        var method = NewMethod("unpack_key", format, typeof(void), typeof(byte).MakeByRefType(), typeof(Bkey).MakeByRefType());
        var il = method.GetILGenerator();
        UnpackEmitter.EmitHeader(il, format, Arg0, Arg1);
        UnpackEmitter.EmitKeyFields(il, format, Arg0, Arg1);
        il.Emit(OpCodes.Ret);
        return method.CreateDelegate<UnpackKeyFunction>();
    }

    [RequiresDynamicCode("Emits IL for the format.")]
    private static UnpackPositionFunction EmitUnpackPosition(BkeyFormat format)
    {
        var method = NewMethod("unpack_pos", format, typeof(void), typeof(byte).MakeByRefType(), typeof(Bpos).MakeByRefType());
        var il = method.GetILGenerator();
        UnpackEmitter.EmitPositionFields(il, format, Arg0, Arg1);
        il.Emit(OpCodes.Ret);
        return method.CreateDelegate<UnpackPositionFunction>();
    }

    [RequiresDynamicCode("Emits IL for the format.")]
    private static CompareFunction EmitCompare(BkeyFormat format)
    {
        var method = NewMethod("cmp_packed", format, typeof(int), typeof(byte).MakeByRefType(), typeof(byte).MakeByRefType());
        var il = method.GetILGenerator();
        CompareEmitter.EmitCompare(il, format, Arg0, Arg1);
        il.Emit(OpCodes.Ret);
        return method.CreateDelegate<CompareFunction>();
    }

    private static void Arg0(ILGenerator il) => il.Emit(OpCodes.Ldarg_0);

    private static void Arg1(ILGenerator il) => il.Emit(OpCodes.Ldarg_1);
}
