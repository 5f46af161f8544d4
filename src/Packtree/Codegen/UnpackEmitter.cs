using System.Reflection.Emit;
using Packtree.Keys;

namespace Packtree.Codegen;

/// <summary>
/// Emits IL that reads the fields of one exact format: word offsets, shifts, masks and field
/// offsets are constants, zero-width fields are constants, and nothing branches. The runtime
/// compiles the IL to machine code and owns the executable memory.
/// </summary>
internal static class UnpackEmitter
{
    // Byte offsets of inode, offset and snapshot inside a 20-byte Bpos.
    private static readonly int[] PositionFieldOffsets = [12, 4, 0];

    /// <summary>
    /// Emits the whole unpacked key at <paramref name="destination"/> as five 8-byte stores, each the
    /// OR of the fields that share that word of the 40-byte layout (header and version_lo's low half,
    /// version_lo's high half and version_hi, size and snapshot, offset, inode). Fewer, wider stores
    /// matter because stores bound the speed of a kernel; zero-width fields are constants, which the
    /// JIT folds.
    /// </summary>
    /// <param name="il">The method being emitted.</param>
    /// <param name="format">The format of the packed key.</param>
    /// <param name="words">The packed key's words, loaded by <see cref="EmitLoadWords"/>.</param>
    /// <param name="destination">Pushes the address to store to.</param>
    public static void EmitUnpackedKey(ILGenerator il, BkeyFormat format, LocalBuilder[] words, Action<ILGenerator> destination)
    {
        var versionLo = il.DeclareLocal(typeof(ulong));
        EmitFieldValue(il, format.Fields[(int)BkeyField.VersionLo], words);
        il.Emit(OpCodes.Stloc, versionLo);

        // Word 0: u64s - key_u64s + 5, format 1 with needs_whiteout, type, pad 0; then version_lo's low half.
        EmitStoreWord(il, destination, 0, () =>
        {
            EmitHeader(il, format, words);
            il.Emit(OpCodes.Ldloc, versionLo);
            EmitShiftLeft32(il);
            il.Emit(OpCodes.Or);
        });
        EmitStoreWord(il, destination, 1, () =>
        {
            il.Emit(OpCodes.Ldloc, versionLo);
            il.Emit(OpCodes.Ldc_I4, 32);
            il.Emit(OpCodes.Shr_Un);
            EmitFieldValue(il, format.Fields[(int)BkeyField.VersionHi], words);
            EmitShiftLeft32(il);
            il.Emit(OpCodes.Or);
        });
        EmitStoreWord(il, destination, 2, () =>
        {
            EmitFieldValue(il, format.Fields[(int)BkeyField.Size], words);
            EmitFieldValue(il, format.Fields[(int)BkeyField.Snapshot], words);
            EmitShiftLeft32(il);
            il.Emit(OpCodes.Or);
        });
        EmitStoreWord(il, destination, 3, () => EmitFieldValue(il, format.Fields[(int)BkeyField.Offset], words));
        EmitStoreWord(il, destination, 4, () => EmitFieldValue(il, format.Fields[(int)BkeyField.Inode], words));
    }

    /// <summary>Pushes the unpacked header as a u64 (upper 32 bits zero) from the packed key's first word.</summary>
    private static void EmitHeader(ILGenerator il, BkeyFormat format, LocalBuilder[] words)
    {
        // ((h + 5 - key_u64s) & 0xff) | (h & 0xff8000: type and needs_whiteout) | format 1
        il.Emit(OpCodes.Ldloc, words[0]);
        il.Emit(OpCodes.Ldc_I8, (long)(Bkey.U64sUnpacked - format.KeyU64s));
        il.Emit(OpCodes.Add);
        il.Emit(OpCodes.Ldc_I8, 0xFFL);
        il.Emit(OpCodes.And);
        il.Emit(OpCodes.Ldloc, words[0]);
        il.Emit(OpCodes.Ldc_I8, 0xFF0000L | (long)KeyHeader.NeedsWhiteoutBit << KeyHeader.FormatByteShift);
        il.Emit(OpCodes.And);
        il.Emit(OpCodes.Or);
        il.Emit(OpCodes.Ldc_I8, (long)Bkey.FormatCurrent << 8);
        il.Emit(OpCodes.Or);
    }

    private static void EmitShiftLeft32(ILGenerator il)
    {
        il.Emit(OpCodes.Ldc_I4, 32);
        il.Emit(OpCodes.Shl);
    }

    private static void EmitStoreWord(ILGenerator il, Action<ILGenerator> destination, int word, Action value)
    {
        destination(il);
        if (word != 0)
        {
            il.Emit(OpCodes.Ldc_I4, word * 8);
            il.Emit(OpCodes.Add);
        }
        value();
        il.Emit(OpCodes.Unaligned, (byte)1);
        il.Emit(OpCodes.Stind_I8);
    }

    /// <summary>Emits the stores of inode, offset and snapshot into a <see cref="Bpos"/> at <paramref name="destination"/>.</summary>
    public static void EmitPositionFields(ILGenerator il, BkeyFormat format, LocalBuilder[] words, Action<ILGenerator> destination)
    {
        for (var i = 0; i < BkeyFields.PositionCount; i++)
            EmitStoreField(il, format, i, words, destination, PositionFieldOffsets[i]);
    }

    /// <summary>
    /// Loads the key's words into locals once. Stores to the destination could alias the source as
    /// far as the JIT knows, so reading memory again for every field would reload the same word.
    /// </summary>
    public static LocalBuilder[] EmitLoadWords(ILGenerator il, BkeyFormat format, Action<ILGenerator> source, bool positionOnly)
    {
        var words = new LocalBuilder[format.KeyU64s];
        var lowest = positionOnly ? LowestWord(format, BkeyFields.PositionCount) : 0;
        for (var word = lowest; word < format.KeyU64s; word++)
        {
            words[word] = il.DeclareLocal(typeof(ulong));
            EmitLoadWord(il, source, word);
            il.Emit(OpCodes.Stloc, words[word]);
        }
        return words;
    }

    /// <summary>The lowest word any of the first <paramref name="fields"/> fields touches (the top word when all are empty).</summary>
    private static int LowestWord(BkeyFormat format, int fields)
    {
        var lowest = format.KeyU64s - 1;
        for (var i = 0; i < fields; i++)
        {
            if (format.Fields[i].Width != 0) lowest = Math.Min(lowest, format.Fields[i].LowBit >> 6);
        }
        return lowest;
    }

    private static void EmitStoreField(ILGenerator il, BkeyFormat format, int field, LocalBuilder[] words, Action<ILGenerator> destination, int destinationOffset)
    {
        destination(il);
        if (destinationOffset != 0)
        {
            il.Emit(OpCodes.Ldc_I4, destinationOffset);
            il.Emit(OpCodes.Add);
        }
        EmitFieldValue(il, format.Fields[field], words);
        il.Emit(OpCodes.Unaligned, (byte)1);
        il.Emit(BkeyFields.UnpackedWidth(field) == 32 ? OpCodes.Stind_I4 : OpCodes.Stind_I8);
    }

    /// <summary>Pushes the field's unpacked value as a u64.</summary>
    public static void EmitFieldValue(ILGenerator il, FieldLayout field, LocalBuilder[] words, LocalBuilder? offset = null)
    {
        if (field.Width == 0)
        {
            if (offset is null) il.Emit(OpCodes.Ldc_I8, unchecked((long)field.Offset));
            else il.Emit(OpCodes.Ldloc, offset);
            return;
        }
        var word = field.LowBit >> 6;
        var shift = field.LowBit & 63;
        var straddles = shift + field.Width > 64;
        il.Emit(OpCodes.Ldloc, words[word]);
        if (shift != 0)
        {
            il.Emit(OpCodes.Ldc_I4, shift);
            il.Emit(OpCodes.Shr_Un);
        }
        if (straddles)
        {
            il.Emit(OpCodes.Ldloc, words[word + 1]);
            il.Emit(OpCodes.Ldc_I4, 64 - shift);
            il.Emit(OpCodes.Shl);
            il.Emit(OpCodes.Or);
        }
        // No mask when the field's top bit is the top bit of the word it was shifted out of.
        if (field.Width != 64 && (straddles || shift + field.Width != 64))
        {
            il.Emit(OpCodes.Ldc_I8, unchecked((long)field.Mask));
            il.Emit(OpCodes.And);
        }
        if (offset is not null)
        {
            il.Emit(OpCodes.Ldloc, offset);
            il.Emit(OpCodes.Add);
        }
        else if (field.Offset != 0)
        {
            il.Emit(OpCodes.Ldc_I8, unchecked((long)field.Offset));
            il.Emit(OpCodes.Add);
        }
    }

    /// <summary>Pushes word <paramref name="word"/> of the key at <paramref name="source"/> (little-endian load).</summary>
    public static void EmitLoadWord(ILGenerator il, Action<ILGenerator> source, int word)
    {
        source(il);
        if (word != 0)
        {
            il.Emit(OpCodes.Ldc_I4, word * 8);
            il.Emit(OpCodes.Add);
        }
        il.Emit(OpCodes.Unaligned, (byte)1);
        il.Emit(OpCodes.Ldind_I8);
    }
}
