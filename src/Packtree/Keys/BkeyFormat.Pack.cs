using System.Runtime.CompilerServices;

namespace Packtree.Keys;

// Packing whole keys: every field must fit its width after subtracting its offset.
internal sealed partial class BkeyFormat
{
    /// <summary>
    /// Packs <paramref name="key"/> into <see cref="KeyBytes"/> bytes of <paramref name="destination"/>
    /// (header and fields; unused bits zero). Returns false, writing nothing, when a field does not fit;
    /// the node then stores the key unpacked.
    /// </summary>
    /// <exception cref="ArgumentException">The key's u64s is below 5 or the destination is too short.</exception>
    public bool TryPack(in Bkey key, Span<byte> destination)
    {
        CheckKeyLength(destination.Length);
        if (key.U64s < Bkey.U64sUnpacked)
            throw new ArgumentException($"Key [{key}] has u64s {key.U64s}; an unpacked key has at least {Bkey.U64sUnpacked}.", nameof(key));

        var f = _fields;
        var words = default(KeyWords);
        var position = key.Position;
        var version = key.Version;
        if (!TryInsert(ref words, f[0], position.Inode) ||
            !TryInsert(ref words, f[1], position.Offset) ||
            !TryInsert(ref words, f[2], position.Snapshot) ||
            !TryInsert(ref words, f[3], key.Size) ||
            !TryInsert(ref words, f[4], version.Hi) ||
            !TryInsert(ref words, f[5], version.Lo))
        {
            return false;
        }

        var u64s = (ulong)(KeyU64s + key.U64s - Bkey.U64sUnpacked);
        words[0] |= u64s | (key.NeedsWhiteout ? (ulong)KeyHeader.NeedsWhiteoutBit << KeyHeader.FormatByteShift : 0) | ((ulong)key.Type << 16);
        words.WriteTo(destination, KeyU64s);
        return true;
    }

    /// <summary>Whether every field of <paramref name="key"/> fits this format.</summary>
    public bool CanPack(in Bkey key)
    {
        var f = _fields;
        return Fits(f[0], key.Position.Inode) && Fits(f[1], key.Position.Offset) && Fits(f[2], key.Position.Snapshot) &&
               Fits(f[3], key.Size) && Fits(f[4], key.Version.Hi) && Fits(f[5], key.Version.Lo);
    }

    /// <summary>Packs six field values (offsets not yet subtracted) into <paramref name="words"/>; false when one does not fit.</summary>
    internal bool TryInsertFields(ref KeyWords words, ReadOnlySpan<ulong> values)
    {
        var f = _fields;
        for (var i = 0; i < f.Length; i++)
        {
            if (!TryInsert(ref words, f[i], values[i])) return false;
        }
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Fits(in FieldLayout field, ulong value) =>
        value >= field.Offset && value - field.Offset <= field.Mask;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool TryInsert(ref KeyWords words, in FieldLayout field, ulong value)
    {
        if (!Fits(field, value)) return false;
        words.Insert(field, value - field.Offset);
        return true;
    }
}
