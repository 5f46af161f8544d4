using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Packtree.Keys;

namespace Packtree.Codegen;

/// <summary>
/// Walking a run of keys (as laid out in a bset): each key's header u64s gives its length; a key is
/// packed (format 0) or unpacked (format 1, laid out in the schema's <see cref="KeySchema.UnpackedFormat"/>). Shared by every codec; compiled kernels stop at the keys their fast path does not take
/// (unpacked keys, bad headers) and leave those to this.
/// </summary>
internal static class RunKeys
{
    /// <summary>The key starting at byte <paramref name="at"/>, checked to be well formed and to lie inside the run.</summary>
    /// <exception cref="InvalidPackedKeyException">The key's header is inconsistent or the key runs past the end.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ReadOnlySpan<byte> Slice(BkeyFormat format, ReadOnlySpan<byte> run, int at, out int length)
    {
        length = run[at] * 8;
        var keyFormat = run.Length - at > KeyHeader.FormatByteOffset ? KeyHeader.GetFormat(run[at + KeyHeader.FormatByteOffset]) : -1;
        var minimum = keyFormat == Bkey.FormatCurrent ? UnpackedBytes(format) : format.KeyBytes;
        if (keyFormat is not (0 or 1) || length < minimum || length > run.Length - at) ThrowBadKey(format, run, at, keyFormat);
        return run.Slice(at, length);
    }

    /// <summary>Bytes of an unpacked key of the format's schema: 40 for positions, a header word and one word per field otherwise.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int UnpackedBytes(BkeyFormat format) => format.Schema.IsPositions ? Bkey.ByteCount : format.Schema.UnpackedFormat.KeyBytes;

    /// <summary>Reads the key fields of an unpacked key (format 1, already sliced) through the schema's unpacked format.</summary>
    public static void ReadUnpackedKey(BkeyFormat format, ReadOnlySpan<byte> key, Span<ulong> destination)
    {
        var unpacked = format.Schema.UnpackedFormat.Fields;
        // Unpacked widths and offsets 0: every value already fits its unpacked width, nothing to narrow.
        for (var i = 0; i < destination.Length; i++) destination[i] = BkeyFormat.ReadField(key, unpacked[i]);
    }

    /// <summary>Compares the key fields of an unpacked key (format 1, already sliced) with <paramref name="search"/>: -1, 0 or 1.</summary>
    public static int CompareUnpackedKey(BkeyFormat format, ReadOnlySpan<byte> key, ReadOnlySpan<ulong> search) =>
        format.Schema.UnpackedFormat.ComparePackedToKey(key, search);

    /// <summary>Whether the key (already sliced) is packed in the node's format rather than unpacked.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsPacked(ReadOnlySpan<byte> key) => KeyHeader.IsPacked(key);

    private static void ThrowBadKey(BkeyFormat format, ReadOnlySpan<byte> run, int at, int keyFormat) =>
        throw new InvalidPackedKeyException(
            $"The key at byte {at} of a {run.Length}-byte run has u64s {run[at]} and format {keyFormat}: " +
            (keyFormat is not (0 or 1)
                ? "a key in a node is either packed (format 0) or unpacked (format 1)"
                : $"it must take at least {(keyFormat == 1 ? UnpackedBytes(format) : format.KeyBytes)} bytes and end inside the run") +
            $" (node format [{format}]).");

    /// <summary>
    /// The key fields of a run through <paramref name="kernel"/> (of <paramref name="format"/>), keys the kernel stops at
    /// (unpacked, or malformed: refused as elsewhere) read by the format; as <see cref="KeyCodec.UnpackKeys"/>; shared by the compiled codecs and the shapes' code.
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
