using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Reflection.Emit;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Packtree.Keys;

namespace Packtree.Codegen;

/// <summary>
/// Key code compiled for one exact format: IL emitted with the format's positions, widths and
/// offsets as constants, compiled by the runtime. Per-key functions for single keys, and kernels
/// (whole loops) for runs of keys. Results are identical to the generic codec.
/// </summary>
/// <remarks>
/// A format of bcachefs positions gets the position code, and its members over key fields forward to it;
/// a format of any other schema gets code over its key fields (the position members then refuse).
/// The packed compare and the find kernel serve both.
/// </remarks>
internal sealed partial class CompiledKeyCodec : KeyCodec
{
    private readonly Functions _code;
    private readonly KeyFunctions? _keys;
    private UnpackKeysKernel? _unpackKeys; // key fields of a run, for every schema (positions: compiled on a first scan's run)

    private CompiledKeyCodec(BkeyFormat format, Functions code, KeyFunctions? keys, UnpackKeysKernel? unpackKeys, TimeSpan compileTime)
        : base(format)
    {
        _code = code;
        _keys = keys;
        _unpackKeys = unpackKeys;
        CompileTime = compileTime;
    }

    private delegate Bpos UnpackPositionFunction(ref byte source);

    private delegate int CompareFunction(ref byte left, ref byte right);

    private delegate void WritePositionFunction(ref byte destination, ulong rawInode, ulong rawOffset, ulong rawSnapshot);

    /// <inheritdoc/>
    public override UnpackStrategy Strategy => UnpackStrategy.Compiled;

    /// <summary>Time spent emitting the IL and having the runtime compile it to machine code.</summary>
    public TimeSpan CompileTime { get; }

    /// <summary>Emits and compiles the code for <paramref name="format"/>.</summary>
    /// <param name="format">The format.</param>
    /// <param name="unrolledWords">Most whole key words a compare unrolls before it loops (benchmarks vary it to measure the default).</param>
    /// <exception cref="PlatformNotSupportedException">The runtime cannot compile dynamic code, or the machine is big-endian.</exception>
    [RequiresDynamicCode("Emits IL for the format.")]
    public static CompiledKeyCodec Compile(BkeyFormat format, int unrolledWords = CompareEmitter.DefaultUnrolledWords)
    {
        if (!KeyCodecFactory.CanCompile)
            throw new PlatformNotSupportedException("This runtime cannot compile dynamic code (or the machine is big-endian); use the generic or byte-aligned codec.");
        var started = Stopwatch.GetTimestamp();
        if (!format.Schema.IsPositions)
        {
            var compare = EmitCompare(format, unrolledWords);
            var find = KernelEmitter.EmitFind(format, unrolledWords);
            var keys = new KeyFunctions(EmitUnpackKey(format), EmitPackSearch(format));
            var unpackKeys = KernelEmitter.EmitUnpackKeys(format);
            WarmUp(format, compare, find, keys, unpackKeys);
            return new CompiledKeyCodec(format, Functions.WithoutPositions(format, compare, find), keys, unpackKeys, Stopwatch.GetElapsedTime(started));
        }
        var code = new Functions(
            EmitUnpackPosition(format),
            EmitCompare(format, unrolledWords),
            EmitWritePosition(format),
            KernelEmitter.EmitUnpackRun(format),
            KernelEmitter.EmitUnpackPositions(format),
            KernelEmitter.EmitFind(format, unrolledWords));
        WarmUp(format, code);
        // The key-fields run kernel waits for a first scan: most position formats (bcachefs's images, a tree's many
        // small nodes) are never scanned through it, and it would add a fifth to every compile.
        return new CompiledKeyCodec(format, code, null, null, Stopwatch.GetElapsedTime(started));
    }

    /// <inheritdoc/>
    public override void Unpack(ReadOnlySpan<byte> packed, out Bkey key)
    {
        Format.CheckPackedHeader(packed);
        // The run kernel with room for one key writes it in place with five word stores; a key returned
        // by value would be copied once more, and that copy stalls on store forwarding.
        Unsafe.SkipInit(out key);
        var at = 0;
        // In bounds: the kernel reads only the KeyBytes that CheckPackedHeader verified; the length passed
        // is the key's own (value included) so that the kernel takes it, though the value is not read.
        _code.UnpackRun(ref MemoryMarshal.GetReference(packed), packed[0] * 8, ref key, 1, ref at);
    }

    /// <inheritdoc/>
    public override Bpos UnpackPosition(ReadOnlySpan<byte> packed)
    {
        Format.CheckPackedHeader(packed);
        return _code.UnpackPosition(ref MemoryMarshal.GetReference(packed));
    }

    /// <inheritdoc/>
    public override int ComparePacked(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right)
    {
        if (left.Length < Format.KeyBytes || right.Length < Format.KeyBytes) return Format.ComparePacked(left, right); // throws the length error
        return _code.Compare(ref MemoryMarshal.GetReference(left), ref MemoryMarshal.GetReference(right));
    }

    /// <inheritdoc/>
    public override bool TryPackPosition(Bpos position, Span<byte> destination)
    {
        CheckDestination(destination);
        if (!Format.TryRawPosition(position, out var inode, out var offset, out var snapshot)) return false;
        _code.WritePosition(ref MemoryMarshal.GetReference(destination), inode, offset, snapshot);
        return true;
    }

    /// <inheritdoc/>
    public override PackPositionResult PackPositionLossy(Bpos position, Span<byte> destination)
    {
        CheckDestination(destination);
        var result = Format.LossyRawPosition(position, out var inode, out var offset, out var snapshot);
        if (result != PackPositionResult.Fail) _code.WritePosition(ref MemoryMarshal.GetReference(destination), inode, offset, snapshot);
        return result;
    }

    /// <inheritdoc/>
    public override int UnpackRun(ReadOnlySpan<byte> run, Span<Bkey> keys)
    {
        ref var start = ref MemoryMarshal.GetReference(run);
        int count = 0, at = 0;
        while (at < run.Length && count < keys.Length)
        {
            // In bounds: the kernel checks every key's length against the run's before reading it,
            // and writes at most keys.Length - count keys.
            count += _code.UnpackRun(ref start, run.Length, ref keys[count], keys.Length - count, ref at);
            Debug.Assert(at <= run.Length && count <= keys.Length, "The kernel stays inside the run and the keys given.");
            if (at >= run.Length || count >= keys.Length) break;
            var key = RunKeys.Slice(Format, run, at, out var length); // the kernel stopped here: unpacked or malformed
            keys[count++] = RunKeys.IsPacked(key) ? Format.Unpack(key) : Bkey.Read(key);
            at += length;
        }
        return count;
    }

    /// <inheritdoc/>
    public override int UnpackPositions(ReadOnlySpan<byte> run, Span<Bpos> positions)
    {
        ref var start = ref MemoryMarshal.GetReference(run);
        int count = 0, at = 0;
        while (at < run.Length && count < positions.Length)
        {
            count += _code.UnpackPositions(ref start, run.Length, ref positions[count], positions.Length - count, ref at);
            Debug.Assert(at <= run.Length && count <= positions.Length, "The kernel stays inside the run and the positions given.");
            if (at >= run.Length || count >= positions.Length) break;
            var key = RunKeys.Slice(Format, run, at, out var length);
            positions[count++] = RunKeys.IsPacked(key) ? Format.UnpackPosition(key) : Bkey.Read(key).Position;
            at += length;
        }
        return count;
    }

    /// <inheritdoc/>
    public override int FindFirstAtOrAfter(ReadOnlySpan<byte> run, Bpos search)
    {
        // Pack the search key once, lossily: for packed keys, "at or after search" is "compare with
        // the packed search >= 0" when exact, "> 0" when it came out smaller (nothing representable
        // lies between), and always true when nothing representable is at or below search.
        Span<byte> packed = stackalloc byte[Format.KeyBytes];
        return FindFrom(run, packed, Threshold(PackPositionLossy(search, packed)), new PositionCheck(Format, search));
    }

    /// <summary>The find kernel's threshold on the packed compare for a search packed with <paramref name="result"/>.</summary>
    private static int Threshold(PackPositionResult result) => result switch
    {
        PackPositionResult.Exact => 0,
        PackPositionResult.Smaller => 1,
        _ => -1,
    };

    /// <summary>
    /// Byte offset of the first key of the run at or after the search: the find kernel runs with the packed search and
    /// its threshold, and <paramref name="check"/> decides at each key the kernel does not take.
    /// </summary>
    private int FindFrom<TCheck>(ReadOnlySpan<byte> run, ReadOnlySpan<byte> packed, int threshold, TCheck check)
        where TCheck : IStoppedKeyCheck, allows ref struct
    {
        ref var start = ref MemoryMarshal.GetReference(run);
        var at = 0;
        while (at < run.Length)
        {
            var result = _code.Find(ref start, run.Length, ref MemoryMarshal.GetReference(packed), threshold, ref at);
            if (result == KernelEmitter.Found) return at;
            if (result == KernelEmitter.NotFound) break;
            var key = RunKeys.Slice(Format, run, at, out var length);
            if (check.AtOrAfter(key)) return at;
            at += length;
        }
        return run.Length;
    }

    /// <summary>Decides, at a key the find kernel stopped at, whether it is at or after the search.</summary>
    private interface IStoppedKeyCheck
    {
        bool AtOrAfter(ReadOnlySpan<byte> key);
    }

    /// <summary>The stopped-key decision for a position search.</summary>
    private readonly struct PositionCheck(BkeyFormat format, Bpos search) : IStoppedKeyCheck
    {
        public bool AtOrAfter(ReadOnlySpan<byte> key) => (RunKeys.IsPacked(key) ? format.UnpackPosition(key) : Bkey.Read(key).Position) >= search;
    }

    /// <summary>A short name for the format's shape in method names (visible in profilers): words and widths.</summary>
    internal static string FormatTag(BkeyFormat format) => $"{format.KeyU64s}w_{Convert.ToHexStringLower(format.ToBytes().AsSpan(2, 6))}";

    private void CheckDestination(Span<byte> destination)
    {
        if (destination.Length < Format.KeyBytes)
            throw new ArgumentException($"A packed key in format [{Format}] takes {Format.KeyBytes} bytes; the span has {destination.Length}.", nameof(destination));
    }

    /// <summary>Runs every function once so that the runtime's compilation is part of the measured compile time.</summary>
    private static void WarmUp(BkeyFormat format, Functions code)
    {
        Span<byte> key = stackalloc byte[format.KeyBytes];
        key.Clear();
        key[0] = (byte)format.KeyU64s;
        Bkey unpacked = default;
        Bpos position = default;
        position = code.UnpackPosition(ref key[0]);
        code.Compare(ref key[0], ref key[0]);
        code.WritePosition(ref key[0], 0, 0, 0);
        var at = 0;
        code.UnpackRun(ref key[0], format.KeyBytes, ref unpacked, 1, ref at);
        at = 0;
        code.UnpackPositions(ref key[0], format.KeyBytes, ref position, 1, ref at);
        at = 0;
        code.Find(ref key[0], format.KeyBytes, ref key[0], 0, ref at);
    }

    /// <summary>The key-fields run kernel, compiled on first use for position formats (a racing second compile is harmless).</summary>
    [UnconditionalSuppressMessage("AOT", "IL3050", Justification = "A compiled codec exists only where dynamic code is supported.")]
    private UnpackKeysKernel UnpackKeysKernel => _unpackKeys ??= KernelEmitter.EmitUnpackKeys(Format);

    [RequiresDynamicCode("Emits IL for the format.")]
    private static DynamicMethod NewMethod(string name, BkeyFormat format, Type returnType, params Type[] parameters) =>
        new($"{name}_{FormatTag(format)}", returnType, [typeof(BkeyFormat), .. parameters], typeof(CompiledKeyCodec).Module, skipVisibility: true);

    /// <summary>
    /// A delegate closed over the format: the runtime calls closed delegates directly, while open
    /// static ones go through an argument-shuffling thunk that costs about as much as a small unpack.
    /// </summary>
    private static T Bind<T>(DynamicMethod method, BkeyFormat format) where T : Delegate => (T)method.CreateDelegate(typeof(T), format);

    [RequiresDynamicCode("Emits IL for the format.")]
    private static UnpackPositionFunction EmitUnpackPosition(BkeyFormat format)
    {
        // Returned by value through Bpos's constructor, so the JIT writes the fields straight into the
        // caller's result; writing through a ref and copying the struct out stalls on store forwarding.
        var method = NewMethod("unpack_pos", format, typeof(Bpos), typeof(byte).MakeByRefType());
        var il = method.GetILGenerator();
        var words = UnpackEmitter.EmitLoadWords(il, format, Arg0, positionOnly: true);
        UnpackEmitter.EmitFieldValue(il, format.Fields[(int)BkeyField.Inode], words);
        UnpackEmitter.EmitFieldValue(il, format.Fields[(int)BkeyField.Offset], words);
        UnpackEmitter.EmitFieldValue(il, format.Fields[(int)BkeyField.Snapshot], words);
        il.Emit(OpCodes.Conv_U4);
        il.Emit(OpCodes.Newobj, typeof(Bpos).GetConstructor([typeof(ulong), typeof(ulong), typeof(uint)])!);
        il.Emit(OpCodes.Ret);
        return Bind<UnpackPositionFunction>(method, format);
    }

    [RequiresDynamicCode("Emits IL for the format.")]
    private static CompareFunction EmitCompare(BkeyFormat format, int unrolledWords)
    {
        var method = NewMethod("cmp_packed", format, typeof(int), typeof(byte).MakeByRefType(), typeof(byte).MakeByRefType());
        var il = method.GetILGenerator();
        CompareEmitter.EmitCompare(il, format, Arg0, Arg1, unrolledWords);
        il.Emit(OpCodes.Ret);
        return Bind<CompareFunction>(method, format);
    }

    [RequiresDynamicCode("Emits IL for the format.")]
    private static WritePositionFunction EmitWritePosition(BkeyFormat format)
    {
        var method = NewMethod("pack_pos", format, typeof(void), typeof(byte).MakeByRefType(), typeof(ulong), typeof(ulong), typeof(ulong));
        PositionEmitter.EmitWritePosition(method.GetILGenerator(), format);
        return Bind<WritePositionFunction>(method, format);
    }

    // Argument 0 is the format the delegate is closed over; the key arguments follow.
    private static void Arg0(ILGenerator il) => il.Emit(OpCodes.Ldarg_1);

    private static void Arg1(ILGenerator il) => il.Emit(OpCodes.Ldarg_2);

    private sealed record Functions(
        UnpackPositionFunction UnpackPosition,
        CompareFunction Compare,
        WritePositionFunction WritePosition,
        UnpackRunKernel UnpackRun,
        UnpackPositionsKernel UnpackPositions,
        FindKernel Find)
    {
        /// <summary>
        /// The functions of a format of another schema: the compare and the find, and position functions that refuse,
        /// so that the position members keep their direct calls and no check of their own.
        /// </summary>
        public static Functions WithoutPositions(BkeyFormat format, CompareFunction compare, FindKernel find) => new(
            (ref byte _) => throw NotPositions(format),
            compare,
            (ref byte _, ulong _, ulong _, ulong _) => throw NotPositions(format),
            (ref byte _, int _, ref Bkey _, int _, ref int _) => throw NotPositions(format),
            (ref byte _, int _, ref Bpos _, int _, ref int _) => throw NotPositions(format),
            find);

        private static InvalidOperationException NotPositions(BkeyFormat format) =>
            new($"Format [{format}] packs keys of {format.Schema}, not bcachefs positions: read them with UnpackKey, UnpackKeys and FindFirstAtOrAfter over key fields.");
    }
}
