using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Reflection.Emit;
using Packtree.Keys;

namespace Packtree.Codegen;

/// <summary>
/// Emits whole loops over a run of keys for one format, so that a delegate is called once per run
/// rather than once per key. Every loop takes the compiled fast path for well-formed packed keys and
/// calls <see cref="RunKeys"/> for anything else (unpacked keys, which it handles, and bad headers,
/// which it refuses with the same exception as the other codecs).
/// </summary>
/// <remarks>Every method is closed over its <see cref="BkeyFormat"/>, which the slow path needs.</remarks>
[RequiresDynamicCode("Emits IL for the format.")]
internal static class KernelEmitter
{
    private const int ArgFormat = 0;
    private const int ArgRun = 1;
    private const int ArgRunLength = 2;

    /// <summary><c>int (ref byte run, int runLength, ref Bkey destination, int capacity)</c>: keys unpacked.</summary>
    public static UnpackRunKernel EmitUnpackRun(BkeyFormat format)
    {
        var (method, il) = NewMethod("unpack_run", format, typeof(Bkey).MakeByRefType(), typeof(int));
        var destination = il.DeclareLocal(typeof(Bkey).MakeByRefType());
        EmitLoop(il, format, countKeys: true, capacityArg: 4,
            fast: loop =>
            {
                EmitElementAddress(il, loop, Bkey.ByteCount, destination);
                UnpackEmitter.EmitHeader(il, format, g => g.Emit(OpCodes.Ldloc, loop.Source), g => g.Emit(OpCodes.Ldloc, destination));
                UnpackEmitter.EmitKeyFields(il, format, g => g.Emit(OpCodes.Ldloc, loop.Source), g => g.Emit(OpCodes.Ldloc, destination));
            },
            slow: loop =>
            {
                EmitSlowCallPrefix(il, loop);
                EmitElementAddress(il, loop, Bkey.ByteCount, null);
                il.Emit(OpCodes.Call, Method(nameof(RunKeys.UnpackOther)));
                il.Emit(OpCodes.Stloc, loop.Length);
            },
            done: null);
        return (UnpackRunKernel)method.CreateDelegate(typeof(UnpackRunKernel), format);
    }

    /// <summary><c>int (ref byte run, int runLength, ref Bpos destination, int capacity)</c>: positions unpacked.</summary>
    public static UnpackPositionsKernel EmitUnpackPositions(BkeyFormat format)
    {
        var (method, il) = NewMethod("unpack_positions", format, typeof(Bpos).MakeByRefType(), typeof(int));
        var destination = il.DeclareLocal(typeof(Bpos).MakeByRefType());
        EmitLoop(il, format, countKeys: true, capacityArg: 4,
            fast: loop =>
            {
                EmitElementAddress(il, loop, Bpos.ByteCount, destination);
                UnpackEmitter.EmitPositionFields(il, format, g => g.Emit(OpCodes.Ldloc, loop.Source), g => g.Emit(OpCodes.Ldloc, destination));
            },
            slow: loop =>
            {
                EmitSlowCallPrefix(il, loop);
                EmitElementAddress(il, loop, Bpos.ByteCount, null);
                il.Emit(OpCodes.Call, Method(nameof(RunKeys.UnpackOtherPosition)));
                il.Emit(OpCodes.Stloc, loop.Length);
            },
            done: null);
        return (UnpackPositionsKernel)method.CreateDelegate(typeof(UnpackPositionsKernel), format);
    }

    /// <summary>
    /// <c>int (ref byte run, int runLength, ref byte packedSearch, int threshold, ref Bpos search)</c>:
    /// byte offset of the first packed key whose compare with <c>packedSearch</c> is at least
    /// <c>threshold</c> (unpacked keys compare with <c>search</c> itself), or runLength.
    /// </summary>
    public static FindKernel EmitFind(BkeyFormat format)
    {
        var (method, il) = NewMethod("find_first_at_or_after", format, typeof(byte).MakeByRefType(), typeof(int), typeof(Bpos).MakeByRefType());
        EmitLoop(il, format, countKeys: false, capacityArg: -1,
            fast: loop =>
            {
                CompareEmitter.EmitCompare(il, format, g => g.Emit(OpCodes.Ldloc, loop.Source), g => g.Emit(OpCodes.Ldarg_3));
                il.Emit(OpCodes.Ldarg, 4);
                il.Emit(OpCodes.Bge, loop.Found);
            },
            slow: loop =>
            {
                EmitSlowCallPrefix(il, loop);
                il.Emit(OpCodes.Ldarg, 5);
                il.Emit(OpCodes.Ldloca, loop.Length);
                il.Emit(OpCodes.Call, Method(nameof(RunKeys.CompareOther)));
                il.Emit(OpCodes.Ldc_I4_0);
                il.Emit(OpCodes.Bge, loop.Found);
            },
            done: () => il.Emit(OpCodes.Ldarg_2));
        return (FindKernel)method.CreateDelegate(typeof(FindKernel), format);
    }

    /// <summary>
    /// The loop shared by every kernel. <paramref name="fast"/> handles a well-formed packed key at
    /// <see cref="LoopState.Source"/>; <paramref name="slow"/> must set <see cref="LoopState.Length"/>;
    /// either may branch to <see cref="LoopState.Found"/> to return the key's offset.
    /// </summary>
    private static void EmitLoop(ILGenerator il, BkeyFormat format, bool countKeys, int capacityArg,
        Action<LoopState> fast, Action<LoopState> slow, Action? done)
    {
        var at = il.DeclareLocal(typeof(int));
        var count = il.DeclareLocal(typeof(int));
        var u64s = il.DeclareLocal(typeof(int));
        var length = il.DeclareLocal(typeof(int));
        var src = il.DeclareLocal(typeof(byte).MakeByRefType());
        var loop = il.DefineLabel();
        var slowPath = il.DefineLabel();
        var next = il.DefineLabel();
        var end = il.DefineLabel();
        var found = il.DefineLabel();
        var state = new LoopState(src, at, count, length, found);

        il.MarkLabel(loop);
        il.Emit(OpCodes.Ldloc, at);
        il.Emit(OpCodes.Ldarg_2);
        il.Emit(OpCodes.Bge, end);
        if (capacityArg >= 0)
        {
            il.Emit(OpCodes.Ldloc, count);
            il.Emit(OpCodes.Ldarg, capacityArg);
            il.Emit(OpCodes.Bge, end);
        }
        il.Emit(OpCodes.Ldarg_1);
        il.Emit(OpCodes.Ldloc, at);
        il.Emit(OpCodes.Conv_I);
        il.Emit(OpCodes.Add);
        il.Emit(OpCodes.Stloc, src);

        // Fast path only for a packed key whose u64s fits the format and which ends inside the run.
        il.Emit(OpCodes.Ldloc, src);
        il.Emit(OpCodes.Ldind_U1);
        il.Emit(OpCodes.Stloc, u64s);
        il.Emit(OpCodes.Ldloc, u64s);
        il.Emit(OpCodes.Ldc_I4, format.KeyU64s);
        il.Emit(OpCodes.Sub);
        il.Emit(OpCodes.Ldc_I4, Bkey.ValueU64sMax);
        il.Emit(OpCodes.Bgt_Un, slowPath);
        il.Emit(OpCodes.Ldloc, u64s);
        il.Emit(OpCodes.Ldc_I4_3);
        il.Emit(OpCodes.Shl);
        il.Emit(OpCodes.Stloc, length);
        il.Emit(OpCodes.Ldloc, length);
        il.Emit(OpCodes.Ldarg_2);
        il.Emit(OpCodes.Ldloc, at);
        il.Emit(OpCodes.Sub);
        il.Emit(OpCodes.Bgt, slowPath);
        il.Emit(OpCodes.Ldloc, src);
        il.Emit(OpCodes.Ldc_I4_1);
        il.Emit(OpCodes.Add);
        il.Emit(OpCodes.Ldind_U1);
        il.Emit(OpCodes.Ldc_I4, 0x7f);
        il.Emit(OpCodes.And);
        il.Emit(OpCodes.Brtrue, slowPath);

        fast(state);
        il.Emit(OpCodes.Br, next);

        il.MarkLabel(slowPath);
        slow(state);

        il.MarkLabel(next);
        il.Emit(OpCodes.Ldloc, at);
        il.Emit(OpCodes.Ldloc, length);
        il.Emit(OpCodes.Add);
        il.Emit(OpCodes.Stloc, at);
        if (countKeys)
        {
            il.Emit(OpCodes.Ldloc, count);
            il.Emit(OpCodes.Ldc_I4_1);
            il.Emit(OpCodes.Add);
            il.Emit(OpCodes.Stloc, count);
        }
        il.Emit(OpCodes.Br, loop);

        il.MarkLabel(found);
        il.Emit(OpCodes.Ldloc, at);
        il.Emit(OpCodes.Ret);

        il.MarkLabel(end);
        if (done is null) il.Emit(OpCodes.Ldloc, count);
        else done();
        il.Emit(OpCodes.Ret);
    }

    /// <summary>Pushes format, run, runLength, at: the first arguments of every <see cref="RunKeys"/> slow path.</summary>
    private static void EmitSlowCallPrefix(ILGenerator il, LoopState loop)
    {
        il.Emit(OpCodes.Ldarg, ArgFormat);
        il.Emit(OpCodes.Ldarg, ArgRun);
        il.Emit(OpCodes.Ldarg, ArgRunLength);
        il.Emit(OpCodes.Ldloc, loop.At);
    }

    /// <summary>Address of element <c>count</c> of the destination argument (argument 3); stored in <paramref name="into"/> or left on the stack.</summary>
    private static void EmitElementAddress(ILGenerator il, LoopState loop, int elementSize, LocalBuilder? into)
    {
        il.Emit(OpCodes.Ldarg_3);
        il.Emit(OpCodes.Ldloc, loop.Count);
        il.Emit(OpCodes.Conv_I);
        il.Emit(OpCodes.Ldc_I4, elementSize);
        il.Emit(OpCodes.Conv_I);
        il.Emit(OpCodes.Mul);
        il.Emit(OpCodes.Add);
        if (into is not null) il.Emit(OpCodes.Stloc, into);
    }

    private static (DynamicMethod Method, ILGenerator Il) NewMethod(string name, BkeyFormat format, params Type[] extraParameters)
    {
        Type[] parameters = [typeof(BkeyFormat), typeof(byte).MakeByRefType(), typeof(int), .. extraParameters];
        var method = new DynamicMethod($"{name}_{CompiledKeyCodec.FormatTag(format)}", typeof(int), parameters, typeof(KernelEmitter).Module, skipVisibility: true);
        return (method, method.GetILGenerator());
    }

    /// <summary>The locals and labels of one kernel loop.</summary>
    private readonly record struct LoopState(LocalBuilder Source, LocalBuilder At, LocalBuilder Count, LocalBuilder Length, Label Found);

    private static MethodInfo Method(string name) =>
        typeof(RunKeys).GetMethod(name, BindingFlags.Public | BindingFlags.Static) ?? throw new MissingMethodException(nameof(RunKeys), name);
}

/// <summary>Compiled loop unpacking a run of keys; returns how many keys were written.</summary>
internal delegate int UnpackRunKernel(ref byte run, int runLength, ref Bkey destination, int capacity);

/// <summary>Compiled loop unpacking the positions of a run; returns how many were written.</summary>
internal delegate int UnpackPositionsKernel(ref byte run, int runLength, ref Bpos destination, int capacity);

/// <summary>Compiled search of a run: offset of the first key at or after the search key, or runLength.</summary>
internal delegate int FindKernel(ref byte run, int runLength, ref byte packedSearch, int threshold, ref Bpos search);
