using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Packtree.Keys;

namespace Packtree.Codegen;

/// <summary>
/// bcachefs's byte-aligned fast path: when every field's top bit ends a byte, each field is one
/// unaligned 8-byte load and a shift. Only for byte-aligned formats; <see cref="KeyCodecFactory"/>
/// gives other formats the generic codec, as bcachefs falls back to its generic unpacker.
/// </summary>
internal sealed class ByteAlignedKeyCodec : KeyCodec
{
    private readonly FieldLoad[] _loads;

    /// <summary>Creates the codec; the format must be byte-aligned.</summary>
    public ByteAlignedKeyCodec(BkeyFormat format)
        : base(format)
    {
        if (!format.IsByteAligned)
            throw new ArgumentException($"Format [{format}] is not byte-aligned; use the generic codec for it.", nameof(format));
        _loads = new FieldLoad[format.FieldCount];
        for (var i = 0; i < _loads.Length; i++)
        {
            var aligned = format.ByteAlignedFields[i];
            var field = format.Fields[i];
            // bcachefs may start a load up to 7 bytes before the key; this codec never reads outside
            // the key: it loads the first word instead and shifts the missing bytes in as zeros.
            _loads[i] = field.Width == 0
                ? new FieldLoad(0, 0, 0, 0, field.Offset)
                : new FieldLoad(Math.Max(aligned.ByteOffset, 0), 8 * Math.Max(-aligned.ByteOffset, 0), aligned.Shift, ulong.MaxValue, field.Offset);
        }
        AssertLoadsInKey();
    }

    /// <inheritdoc/>
    public override UnpackStrategy Strategy => UnpackStrategy.ByteAligned;

    /// <summary>Every load ends inside the key's <see cref="BkeyFormat.KeyBytes"/>: <see cref="Read"/> reads unchecked.</summary>
    [Conditional("DEBUG")]
    private void AssertLoadsInKey()
    {
        foreach (var load in _loads) Debug.Assert(load.ByteOffset >= 0 && load.ByteOffset + 8 <= Format.KeyBytes, "An unchecked load must stay inside the key.");
    }

    /// <inheritdoc/>
    public override void Unpack(ReadOnlySpan<byte> packed, out Bkey key)
    {
        Format.CheckPackedHeader(packed);
        ref var source = ref MemoryMarshal.GetReference(packed);
        var l = _loads;
        key = default;
        Format.UnpackHeader(packed, ref key);
        key.Position = new Bpos(Read(ref source, l[0]), Read(ref source, l[1]), (uint)Read(ref source, l[2]));
        key.Size = (uint)Read(ref source, l[3]);
        key.Version = new Bversion((uint)Read(ref source, l[4]), Read(ref source, l[5]));
    }

    /// <inheritdoc/>
    public override Bpos UnpackPosition(ReadOnlySpan<byte> packed)
    {
        Format.CheckPackedHeader(packed);
        ref var source = ref MemoryMarshal.GetReference(packed);
        var l = _loads;
        return new Bpos(Read(ref source, l[0]), Read(ref source, l[1]), (uint)Read(ref source, l[2]));
    }

    /// <inheritdoc/>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)] // a scan's first runs must not wait for tiering
    public override void UnpackKey(ReadOnlySpan<byte> packed, Span<ulong> key)
    {
        Format.CheckPackedHeader(packed);
        var count = Format.Schema.KeyFieldCount;
        CheckKeyFields(key.Length, nameof(key));
        ref var source = ref MemoryMarshal.GetReference(packed);
        var l = _loads;
        // Validated formats keep offset + mask inside the unpacked width, so no field needs narrowing.
        for (var i = 0; i < count; i++) key[i] = Read(ref source, l[i]);
    }

    /// <inheritdoc/>
    protected override int ComparePackedToKey(ReadOnlySpan<byte> packed, ReadOnlySpan<ulong> key)
    {
        Format.CheckPackedHeader(packed);
        ref var source = ref MemoryMarshal.GetReference(packed);
        var l = _loads;
        var count = Format.Schema.KeyFieldCount;
        for (var i = 0; i < count; i++)
        {
            var value = Read(ref source, l[i]);
            if (value != key[i]) return value < key[i] ? -1 : 1;
        }
        return 0;
    }

    // In bounds: every load ends at or before the byte holding its field's top bit, inside the
    // KeyBytes that CheckPackedHeader has verified.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Read(ref byte source, in FieldLoad load) =>
        (((Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref source, load.ByteOffset)) << load.LeftShift) >> load.RightShift) & load.Mask) + load.Offset;

    private readonly record struct FieldLoad(int ByteOffset, int LeftShift, int RightShift, ulong Mask, ulong Offset);
}
