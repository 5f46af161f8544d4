using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Packtree.Keys;

// Packing whole keys: every field must fit its width after subtracting its offset.
internal sealed partial class BkeyFormat
{
    /// <summary>
    /// Packs the bcachefs key <paramref name="key"/> into <see cref="KeyBytes"/> bytes of <paramref name="destination"/>
    /// (header and fields; unused bits zero). Returns false, writing nothing, when a field does not fit;
    /// the node then stores the key unpacked.
    /// </summary>
    /// <exception cref="ArgumentException">The key's u64s is below 5 or the destination is too short.</exception>
    public bool TryPack(in Bkey key, Span<byte> destination)
    {
        Debug.Assert(Schema.IsPositions, "A Bkey holds the fields of a position key.");
        CheckKeyLength(destination.Length);
        if (key.U64s < Bkey.U64sUnpacked)
            throw new ArgumentException($"Key [{key}] has u64s {key.U64s}; an unpacked key has at least {Bkey.U64sUnpacked}.", nameof(key));
        Span<ulong> fields = stackalloc ulong[BkeyFields.Count];
        key.GetFields(fields);
        return TryPackFields(fields, key.Type, key.NeedsWhiteout, key.ValueU64s, destination);
    }

    /// <summary>
    /// Packs a key given as its fields (<see cref="FieldCount"/> values, offsets not yet subtracted) and header:
    /// u64s = <see cref="KeyU64s"/> + <paramref name="valueU64s"/>, format 0. Returns false, writing nothing, when a
    /// field does not fit.
    /// </summary>
    public bool TryPackFields(ReadOnlySpan<ulong> fields, byte type, bool needsWhiteout, int valueU64s, Span<byte> destination)
    {
        CheckKeyLength(destination.Length);
        Debug.Assert(fields.Length == FieldCount && (uint)valueU64s <= (uint)MaxValueU64s, "One value per field, and a value a key can hold.");
        if (!CanPackFields(fields)) return false;
        // Every field fits: straight into the destination's words (no scratch space on the insert path).
        var f = _fields;
        destination[..KeyBytes].Clear();
        for (var i = 0; i < f.Length; i++) KeyWords.InsertInto(destination, f[i], fields[i] - f[i].Offset);
        destination[0] = (byte)(KeyU64s + valueU64s);
        destination[KeyHeader.FormatByteOffset] = needsWhiteout ? KeyHeader.NeedsWhiteoutBit : (byte)0;
        destination[2] = type;
        return true;
    }

    /// <summary>Whether every field of the bcachefs key <paramref name="key"/> fits this format.</summary>
    public bool CanPack(in Bkey key)
    {
        var f = _fields;
        return Fits(f[0], key.Position.Inode) && Fits(f[1], key.Position.Offset) && Fits(f[2], key.Position.Snapshot) &&
               Fits(f[3], key.Size) && Fits(f[4], key.Version.Hi) && Fits(f[5], key.Version.Lo);
    }

    /// <summary>Whether every one of <paramref name="fields"/> (<see cref="FieldCount"/> values) fits this format.</summary>
    public bool CanPackFields(ReadOnlySpan<ulong> fields)
    {
        var f = _fields;
        for (var i = 0; i < f.Length; i++)
        {
            if (!Fits(f[i], fields[i])) return false;
        }
        return true;
    }

    /// <summary>Packs every field's value (offsets not yet subtracted) into <paramref name="words"/>; false when one does not fit.</summary>
    internal bool TryInsertFields(Span<ulong> words, ReadOnlySpan<ulong> values)
    {
        var f = _fields;
        for (var i = 0; i < f.Length; i++)
        {
            if (!TryInsert(words, f[i], values[i])) return false;
        }
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Fits(in FieldLayout field, ulong value) =>
        value >= field.Offset && value - field.Offset <= field.Mask;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool TryInsert(Span<ulong> words, in FieldLayout field, ulong value)
    {
        if (!Fits(field, value)) return false;
        KeyWords.Insert(words, field, value - field.Offset);
        return true;
    }
}
