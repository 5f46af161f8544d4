using System.Diagnostics.CodeAnalysis;
using System.Reflection.Emit;
using Packtree.Keys;

namespace Packtree.Codegen;

/// <summary>
/// Emits whole loops over a run of keys for one format, so that a delegate is called once per run
/// rather than once per key. A kernel handles only well-formed packed keys; at any other key
/// (an unpacked key, a bad header, a key running past the end) it stops and reports where, and
/// <see cref="CompiledKeyCodec"/> deals with that key and resumes. With no call inside the loop the
/// JIT keeps the loop state in registers.
/// </summary>
/// <remarks>
/// Every method is closed over its <see cref="BkeyFormat"/> (argument 0, unused): the runtime calls
/// closed delegates directly. Arguments: 1 the run, 2 its length, 3 the destination or packed search
/// key, 4 the capacity or threshold, 5 <c>ref int at</c>: where to start, and where the loop stopped.
/// </remarks>
[RequiresDynamicCode("Emits IL for the format.")]
internal static class KernelEmitter
{
    /// <summary>Kernel result of <see cref="EmitFind"/>: a key at or after the search key was found at <c>at</c>.</summary>
    public const int Found = 1;

    /// <summary>Kernel result of <see cref="EmitFind"/>: no such key before the end of the run.</summary>
    public const int NotFound = 0;

    /// <summary>Kernel result of <see cref="EmitFind"/>: stopped at a key the fast path does not take, at <c>at</c>.</summary>
    public const int Stopped = -1;

    /// <summary>Unpacks keys into the destination until the run ends, the destination is full, or a key needs the slow path; returns how many.</summary>
    public static UnpackRunKernel EmitUnpackRun(BkeyFormat format)
    {
        var (method, il) = NewMethod("unpack_run", format, typeof(Bkey).MakeByRefType());
        var destination = il.DeclareLocal(typeof(Bkey).MakeByRefType());
        EmitLoop(il, format, countKeys: true, fast: loop =>
        {
            EmitElementAddress(il, loop, Bkey.ByteCount, destination);
            var words = UnpackEmitter.EmitLoadWords(il, format, g => g.Emit(OpCodes.Ldloc, loop.Source), positionOnly: false);
            UnpackEmitter.EmitUnpackedKey(il, format, words, g => g.Emit(OpCodes.Ldloc, destination));
        });
        return (UnpackRunKernel)method.CreateDelegate(typeof(UnpackRunKernel), format);
    }

    /// <summary>As <see cref="EmitUnpackRun"/> for keys of any schema: the key fields, back to back (<see cref="KeySchema.KeyFieldCount"/> words each).</summary>
    public static UnpackKeysKernel EmitUnpackKeys(BkeyFormat format)
    {
        var (method, il) = NewMethod("unpack_keys", format, typeof(ulong).MakeByRefType());
        EmitUnpackKeysLoop(il, format, offsets: null);
        return (UnpackKeysKernel)method.CreateDelegate(typeof(UnpackKeysKernel), format);
    }

    /// <summary>
    /// As <see cref="EmitUnpackKeys"/> for every format of <paramref name="shape"/>'s shape: the layout is constant, the
    /// key fields' offsets are read once per call from the closure, a <c>ulong[]</c> of them (see <see cref="ShapeCode"/>).
    /// </summary>
    public static DynamicMethod EmitShapeUnpackKeys(BkeyFormat shape)
    {
        var (method, il) = NewMethod("unpack_keys_shape", shape, typeof(ulong).MakeByRefType(), closure: typeof(ulong[]));
        var offsets = new LocalBuilder[shape.Schema.KeyFieldCount];
        for (var i = 0; i < offsets.Length; i++)
        {
            offsets[i] = il.DeclareLocal(typeof(ulong));
            il.Emit(OpCodes.Ldarg_0);
            il.Emit(OpCodes.Ldc_I4, i);
            il.Emit(OpCodes.Ldelem_I8);
            il.Emit(OpCodes.Stloc, offsets[i]);
        }
        EmitUnpackKeysLoop(il, shape, offsets);
        return method;
    }

    /// <summary>The loop of the unpack-keys kernels: offsets as the format's constants, or from <paramref name="offsets"/>.</summary>
    private static void EmitUnpackKeysLoop(ILGenerator il, BkeyFormat format, LocalBuilder[]? offsets)
    {
        var destination = il.DeclareLocal(typeof(ulong).MakeByRefType());
        EmitLoop(il, format, countKeys: true, fast: loop =>
        {
            EmitElementAddress(il, loop, format.Schema.KeyFieldCount * sizeof(ulong), destination);
            var words = KeyFieldsEmitter.EmitLoadKeyWords(il, format, g => g.Emit(OpCodes.Ldloc, loop.Source));
            KeyFieldsEmitter.EmitStoreKeyFields(il, format, words, g => g.Emit(OpCodes.Ldloc, destination), offsets);
        });
    }

    /// <summary>As <see cref="EmitUnpackRun"/>, positions only.</summary>
    public static UnpackPositionsKernel EmitUnpackPositions(BkeyFormat format)
    {
        var (method, il) = NewMethod("unpack_positions", format, typeof(Bpos).MakeByRefType());
        var destination = il.DeclareLocal(typeof(Bpos).MakeByRefType());
        EmitLoop(il, format, countKeys: true, fast: loop =>
        {
            EmitElementAddress(il, loop, Bpos.ByteCount, destination);
            var words = UnpackEmitter.EmitLoadWords(il, format, g => g.Emit(OpCodes.Ldloc, loop.Source), positionOnly: true);
            UnpackEmitter.EmitPositionFields(il, format, words, g => g.Emit(OpCodes.Ldloc, destination));
        });
        return (UnpackPositionsKernel)method.CreateDelegate(typeof(UnpackPositionsKernel), format);
    }

    /// <summary>
    /// Finds the first packed key whose compare with the packed search key (argument 3) is at least
    /// the threshold (argument 4); returns <see cref="Found"/>, <see cref="NotFound"/> or <see cref="Stopped"/>.
    /// </summary>
    public static FindKernel EmitFind(BkeyFormat format, int unrolledWords = CompareEmitter.DefaultUnrolledWords)
    {
        var (method, il) = NewMethod("find_first_at_or_after", format, typeof(byte).MakeByRefType());
        EmitLoop(il, format, countKeys: false, fast: loop =>
        {
            CompareEmitter.EmitCompare(il, format, g => g.Emit(OpCodes.Ldloc, loop.Source), g => g.Emit(OpCodes.Ldarg_3), unrolledWords);
            il.Emit(OpCodes.Ldarg, 4);
            il.Emit(OpCodes.Bge, loop.Found);
        });
        return (FindKernel)method.CreateDelegate(typeof(FindKernel), format);
    }

    /// <summary>The loop every kernel shares; <paramref name="fast"/> handles a well-formed packed key at <see cref="LoopState.Source"/>.</summary>
    private static void EmitLoop(ILGenerator il, BkeyFormat format, bool countKeys, Action<LoopState> fast)
    {
        var at = il.DeclareLocal(typeof(int));
        var count = il.DeclareLocal(typeof(int));
        var u64s = il.DeclareLocal(typeof(int));
        var length = il.DeclareLocal(typeof(int));
        var src = il.DeclareLocal(typeof(byte).MakeByRefType());
        var stride = il.DeclareLocal(typeof(int));
        var loop = il.DefineLabel();
        var end = il.DefineLabel();
        var stopped = il.DefineLabel();
        var found = il.DefineLabel();

        il.Emit(OpCodes.Ldarg, 5);
        il.Emit(OpCodes.Ldind_I4);
        il.Emit(OpCodes.Stloc, at);
        il.Emit(OpCodes.Ldc_I4, format.KeyBytes);
        il.Emit(OpCodes.Stloc, stride);

        il.MarkLabel(loop);
        il.Emit(OpCodes.Ldloc, at);
        il.Emit(OpCodes.Ldarg_2);
        il.Emit(OpCodes.Bge, end);
        if (countKeys)
        {
            il.Emit(OpCodes.Ldloc, count);
            il.Emit(OpCodes.Ldarg, 4);
            il.Emit(OpCodes.Bge, end);
        }
        il.Emit(OpCodes.Ldarg_1);
        il.Emit(OpCodes.Ldloc, at);
        il.Emit(OpCodes.Conv_I);
        il.Emit(OpCodes.Add);
        il.Emit(OpCodes.Stloc, src);

        // The fast path takes a packed key whose u64s fits the format (a value of at most the schema's
        // MaxValueU64s words) and which ends inside the run.
        il.Emit(OpCodes.Ldloc, src);
        il.Emit(OpCodes.Ldind_U1);
        il.Emit(OpCodes.Stloc, u64s);
        il.Emit(OpCodes.Ldloc, u64s);
        il.Emit(OpCodes.Ldc_I4, format.KeyU64s);
        il.Emit(OpCodes.Sub);
        il.Emit(OpCodes.Ldc_I4, format.MaxValueU64s);
        il.Emit(OpCodes.Bgt_Un, stopped);
        il.Emit(OpCodes.Ldloc, u64s);
        il.Emit(OpCodes.Ldc_I4_3);
        il.Emit(OpCodes.Shl);
        il.Emit(OpCodes.Stloc, length);
        il.Emit(OpCodes.Ldloc, length);
        il.Emit(OpCodes.Ldarg_2);
        il.Emit(OpCodes.Ldloc, at);
        il.Emit(OpCodes.Sub);
        il.Emit(OpCodes.Bgt, stopped);
        il.Emit(OpCodes.Ldloc, src);
        il.Emit(OpCodes.Ldc_I4, KeyHeader.FormatByteOffset);
        il.Emit(OpCodes.Add);
        il.Emit(OpCodes.Ldind_U1);
        il.Emit(OpCodes.Ldc_I4, (int)KeyHeader.FormatMask);
        il.Emit(OpCodes.And);
        il.Emit(OpCodes.Brtrue, stopped);

        fast(new LoopState(src, count, found));

        // at += length, written as "at += stride" behind a predictable branch: the next key's address
        // then depends on a register, not on the byte just loaded, so the CPU can run ahead instead
        // of waiting for every header load (variable-length keys are otherwise a pointer chase).
        var sameStride = il.DefineLabel();
        il.Emit(OpCodes.Ldloc, length);
        il.Emit(OpCodes.Ldloc, stride);
        il.Emit(OpCodes.Beq, sameStride);
        il.Emit(OpCodes.Ldloc, length);
        il.Emit(OpCodes.Stloc, stride);
        il.MarkLabel(sameStride);
        il.Emit(OpCodes.Ldloc, at);
        il.Emit(OpCodes.Ldloc, stride);
        il.Emit(OpCodes.Add);
        il.Emit(OpCodes.Stloc, at);
        il.Emit(OpCodes.Ldloc, count);
        il.Emit(OpCodes.Ldc_I4_1);
        il.Emit(OpCodes.Add);
        il.Emit(OpCodes.Stloc, count);
        il.Emit(OpCodes.Br, loop);

        EmitExit(il, found, at, countKeys ? null : Found, count);
        EmitExit(il, stopped, at, countKeys ? null : Stopped, count);
        EmitExit(il, end, at, countKeys ? null : NotFound, count);
    }

    /// <summary>Stores <c>at</c> back through argument 5 and returns the count or <paramref name="result"/>.</summary>
    private static void EmitExit(ILGenerator il, Label label, LocalBuilder at, int? result, LocalBuilder count)
    {
        il.MarkLabel(label);
        il.Emit(OpCodes.Ldarg, 5);
        il.Emit(OpCodes.Ldloc, at);
        il.Emit(OpCodes.Stind_I4);
        if (result is { } value) il.Emit(OpCodes.Ldc_I4, value);
        else il.Emit(OpCodes.Ldloc, count);
        il.Emit(OpCodes.Ret);
    }

    /// <summary>Address of element <c>count</c> of the destination (argument 3), stored in <paramref name="into"/>.</summary>
    private static void EmitElementAddress(ILGenerator il, LoopState loop, int elementSize, LocalBuilder into)
    {
        il.Emit(OpCodes.Ldarg_3);
        il.Emit(OpCodes.Ldloc, loop.Count);
        il.Emit(OpCodes.Conv_I);
        il.Emit(OpCodes.Ldc_I4, elementSize);
        il.Emit(OpCodes.Conv_I);
        il.Emit(OpCodes.Mul);
        il.Emit(OpCodes.Add);
        il.Emit(OpCodes.Stloc, into);
    }

    private static (DynamicMethod Method, ILGenerator Il) NewMethod(string name, BkeyFormat format, Type argument3, Type? closure = null)
    {
        Type[] parameters = [closure ?? typeof(BkeyFormat), typeof(byte).MakeByRefType(), typeof(int), argument3, typeof(int), typeof(int).MakeByRefType()];
        var method = new DynamicMethod($"{name}_{CompiledKeyCodec.FormatTag(format)}", typeof(int), parameters, typeof(KernelEmitter).Module, skipVisibility: true);
        return (method, method.GetILGenerator());
    }

    /// <summary>The locals and labels of one kernel loop.</summary>
    private readonly record struct LoopState(LocalBuilder Source, LocalBuilder Count, Label Found);
}

/// <summary>Compiled loop unpacking a run of keys from <c>at</c>; returns how many keys were written and where it stopped.</summary>
internal delegate int UnpackRunKernel(ref byte run, int runLength, ref Bkey destination, int capacity, ref int at);

/// <summary>Compiled loop unpacking the key fields of a run's keys from <c>at</c>; returns how many keys were written and where it stopped.</summary>
internal delegate int UnpackKeysKernel(ref byte run, int runLength, ref ulong destination, int capacity, ref int at);

/// <summary>Compiled loop unpacking the positions of a run from <c>at</c>; returns how many were written and where it stopped.</summary>
internal delegate int UnpackPositionsKernel(ref byte run, int runLength, ref Bpos destination, int capacity, ref int at);

/// <summary>Compiled search of a run from <c>at</c> for the first packed key whose compare with the packed search key is at least the threshold.</summary>
internal delegate int FindKernel(ref byte run, int runLength, ref byte packedSearch, int threshold, ref int at);
