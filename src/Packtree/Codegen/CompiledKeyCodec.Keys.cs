using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Reflection.Emit;
using System.Runtime.InteropServices;
using Packtree.Keys;

namespace Packtree.Codegen;

// The members over key fields, for keys of any schema: compiled code for formats of other schemas,
// forwarding to the position code for formats of bcachefs positions.
internal sealed partial class CompiledKeyCodec
{
    private delegate void UnpackKeyFunction(ref byte source, ref ulong destination);

    private delegate bool PackSearchFunction(ref ulong search, ref byte destination);

    /// <inheritdoc/>
    public override void UnpackKey(ReadOnlySpan<byte> packed, Span<ulong> key)
    {
        Format.CheckPackedHeader(packed);
        CheckKeyFields(key.Length, nameof(key));
        if (_keys is null)
        {
            var position = _code.UnpackPosition(ref MemoryMarshal.GetReference(packed));
            key[2] = position.Snapshot;
            key[1] = position.Offset;
            key[0] = position.Inode;
            return;
        }
        // In bounds: the function reads the KeyBytes that CheckPackedHeader verified and writes KeyFieldCount words, checked above.
        _keys.UnpackKey(ref MemoryMarshal.GetReference(packed), ref MemoryMarshal.GetReference(key));
    }

    /// <inheritdoc/>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)] // a scan's first runs must not wait for tiering
    public override int UnpackKeys(ReadOnlySpan<byte> run, Span<ulong> keys) => RunKeys.UnpackKeys(UnpackKeysKernel, Format, run, keys);

    /// <inheritdoc/>
    public override int FindFirstAtOrAfter(ReadOnlySpan<byte> run, ReadOnlySpan<ulong> search)
    {
        CheckKeyFields(search.Length, nameof(search));
        if (_keys is null) return FindAsPosition(run, search);
        // As for positions: the search packed once (exactly by compiled code when it fits, else lossily),
        // and a threshold on the packed compare.
        Span<byte> packed = stackalloc byte[Format.KeyBytes];
        // In bounds: the function reads KeyFieldCount words of the search (checked above) and writes KeyBytes.
        var threshold = _keys.PackSearch(ref MemoryMarshal.GetReference(search), ref MemoryMarshal.GetReference(packed)) ? 0 : Threshold(Format.PackSearchLossy(search, packed));
        return FindFrom(run, packed, threshold, new KeyCheck(this, search));
    }

    /// <summary>Whether a key the kernel stopped at (an unpacked key, or a packed one with a bad header, which the compare refuses) is at or after a search given as key fields.</summary>
    private readonly ref struct KeyCheck(CompiledKeyCodec codec, ReadOnlySpan<ulong> search) : IStoppedKeyCheck
    {
        private readonly ReadOnlySpan<ulong> _search = search;

        public bool AtOrAfter(ReadOnlySpan<byte> key) =>
            (RunKeys.IsPacked(key) ? codec.ComparePackedToKey(key, _search) : RunKeys.CompareUnpackedKey(codec.Format, key, _search)) >= 0;
    }

    /// <summary>Finds a position key at or after key fields: a snapshot beyond 32 bits means the next offset.</summary>
    private int FindAsPosition(ReadOnlySpan<byte> run, ReadOnlySpan<ulong> search)
    {
        if (search[2] <= uint.MaxValue) return FindFirstAtOrAfter(run, new Bpos(search[0], search[1], (uint)search[2]));
        var below = new Bpos(search[0], search[1], uint.MaxValue);
        // Above every position: nothing is found, but the run is still walked so that a bad key is refused as elsewhere.
        return below == Bpos.Max ? base.FindFirstAtOrAfter(run, search) : FindFirstAtOrAfter(run, below.Successor());
    }

    [RequiresDynamicCode("Emits IL for the format.")]
    private static UnpackKeyFunction EmitUnpackKey(BkeyFormat format)
    {
        var method = NewMethod("unpack_key", format, typeof(void), typeof(byte).MakeByRefType(), typeof(ulong).MakeByRefType());
        var il = method.GetILGenerator();
        var words = KeyFieldsEmitter.EmitLoadKeyWords(il, format, Arg0);
        KeyFieldsEmitter.EmitStoreKeyFields(il, format, words, Arg1);
        il.Emit(OpCodes.Ret);
        return Bind<UnpackKeyFunction>(method, format);
    }

    [RequiresDynamicCode("Emits IL for the format.")]
    private static PackSearchFunction EmitPackSearch(BkeyFormat format)
    {
        var method = NewMethod("pack_search", format, typeof(bool), typeof(ulong).MakeByRefType(), typeof(byte).MakeByRefType());
        KeyFieldsEmitter.EmitPackSearch(method.GetILGenerator(), format, Arg0, Arg1);
        return Bind<PackSearchFunction>(method, format);
    }

    /// <summary>Runs every function of a format of another schema once, so that the runtime's compilation is part of the compile time.</summary>
    private static void WarmUp(BkeyFormat format, CompareFunction compare, FindKernel find, KeyFunctions keys, UnpackKeysKernel unpackKeys)
    {
        Span<byte> key = stackalloc byte[format.KeyBytes];
        key.Clear();
        key[0] = (byte)format.KeyU64s;
        Span<ulong> fields = stackalloc ulong[format.Schema.KeyFieldCount];
        compare(ref key[0], ref key[0]);
        keys.UnpackKey(ref key[0], ref fields[0]);
        var at = 0;
        unpackKeys(ref key[0], format.KeyBytes, ref fields[0], 1, ref at);
        at = 0;
        find(ref key[0], format.KeyBytes, ref key[0], 0, ref at);
        keys.PackSearch(ref fields[0], ref key[0]);
    }

    private sealed record KeyFunctions(UnpackKeyFunction UnpackKey, PackSearchFunction PackSearch);
}
