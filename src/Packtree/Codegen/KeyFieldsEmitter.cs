using System.Reflection.Emit;
using Packtree.Keys;

namespace Packtree.Codegen;

/// <summary>
/// Emits IL that reads the key fields of one exact format (a key of any schema) into consecutive words:
/// word offsets, shifts, masks and field offsets are constants, and fields every key of the format shares
/// (zero width) are constant stores.
/// </summary>
internal static class KeyFieldsEmitter
{
    /// <summary>
    /// Loads into locals the words that non-empty key fields touch, and only those: a byte-string format
    /// has many empty fields (the shared prefix, the padding), and loading their words would be wasted.
    /// </summary>
    /// <returns>One local per word of the key; null for words no key field reads.</returns>
    public static LocalBuilder[] EmitLoadKeyWords(ILGenerator il, BkeyFormat format, Action<ILGenerator> source)
    {
        var words = new LocalBuilder[format.KeyU64s];
        var fields = format.Fields;
        for (var i = 0; i < format.Schema.KeyFieldCount; i++)
        {
            if (fields[i].Width == 0) continue;
            var low = fields[i].LowBit >> 6;
            var high = fields[i].HighBit >> 6;
            for (var word = low; word <= high; word++)
            {
                if (words[word] is not null) continue;
                words[word] = il.DeclareLocal(typeof(ulong));
                UnpackEmitter.EmitLoadWord(il, source, word);
                il.Emit(OpCodes.Stloc, words[word]);
            }
        }
        return words;
    }

    /// <summary>
    /// Stores the key fields, offsets added, as consecutive u64s at <paramref name="destination"/> (a <c>ref ulong</c>):
    /// the format's own offsets as constants, or, for code shared by a shape, the locals in <paramref name="offsets"/>.
    /// </summary>
    public static void EmitStoreKeyFields(ILGenerator il, BkeyFormat format, LocalBuilder[] words, Action<ILGenerator> destination, LocalBuilder[]? offsets = null)
    {
        // Validated formats keep offset + mask inside each field's unpacked width: no field needs narrowing.
        for (var i = 0; i < format.Schema.KeyFieldCount; i++)
        {
            destination(il);
            if (i != 0)
            {
                il.Emit(OpCodes.Ldc_I4, i * 8);
                il.Emit(OpCodes.Add);
            }
            UnpackEmitter.EmitFieldValue(il, format.Fields[i], words, offsets?[i]);
            il.Emit(OpCodes.Stind_I8);
        }
    }

    /// <summary>
    /// Emits <c>bool (ref ulong search, ref byte destination)</c>'s body after the closure argument: packs the key fields
    /// at <paramref name="search"/> exactly (header u64s = key_u64s, format 0, type 0), or returns false, writing nothing,
    /// when one does not fit (the caller then packs lossily). Each word is the OR of the raw fields shifted to constant
    /// positions, stored once.
    /// </summary>
    public static void EmitPackSearch(ILGenerator il, BkeyFormat format, Action<ILGenerator> search, Action<ILGenerator> destination)
    {
        var fields = format.Fields;
        var count = format.Schema.KeyFieldCount;
        var raw = new LocalBuilder?[count];
        var fail = il.DefineLabel();
        for (var i = 0; i < count; i++)
        {
            var field = fields[i];
            EmitSearchField(il, search, i);
            if (field.Width == 0)
            {
                // A field every key shares fits only at its one value.
                il.Emit(OpCodes.Ldc_I8, unchecked((long)field.Offset));
                il.Emit(OpCodes.Bne_Un, fail);
                continue;
            }
            raw[i] = il.DeclareLocal(typeof(ulong));
            if (field.Offset != 0)
            {
                il.Emit(OpCodes.Ldc_I8, unchecked((long)field.Offset));
                il.Emit(OpCodes.Sub);
            }
            il.Emit(OpCodes.Stloc, raw[i]!);
            if (field.Width == 64) continue; // full width: offset 0, every value fits
            // Below the offset wraps to a large raw value, so one unsigned compare covers both ends.
            il.Emit(OpCodes.Ldloc, raw[i]!);
            il.Emit(OpCodes.Ldc_I8, unchecked((long)field.Mask));
            il.Emit(OpCodes.Bgt_Un, fail);
        }
        for (var word = 0; word < format.KeyU64s; word++)
        {
            destination(il);
            if (word != 0)
            {
                il.Emit(OpCodes.Ldc_I4, word * 8);
                il.Emit(OpCodes.Add);
            }
            il.Emit(OpCodes.Ldc_I8, word == 0 ? (long)format.KeyU64s : 0L);
            for (var i = 0; i < count; i++)
            {
                if (raw[i] is not { } value) continue;
                var low = fields[i].LowBit >> 6;
                var shift = fields[i].LowBit & 63;
                if (word == low)
                {
                    il.Emit(OpCodes.Ldloc, value);
                    if (shift != 0)
                    {
                        il.Emit(OpCodes.Ldc_I4, shift);
                        il.Emit(OpCodes.Shl);
                    }
                    il.Emit(OpCodes.Or);
                }
                else if (word == low + 1 && shift + fields[i].Width > 64)
                {
                    il.Emit(OpCodes.Ldloc, value);
                    il.Emit(OpCodes.Ldc_I4, 64 - shift);
                    il.Emit(OpCodes.Shr_Un);
                    il.Emit(OpCodes.Or);
                }
            }
            il.Emit(OpCodes.Unaligned, (byte)1);
            il.Emit(OpCodes.Stind_I8);
        }
        il.Emit(OpCodes.Ldc_I4_1);
        il.Emit(OpCodes.Ret);
        il.MarkLabel(fail);
        il.Emit(OpCodes.Ldc_I4_0);
        il.Emit(OpCodes.Ret);
    }

    /// <summary>Pushes key field <paramref name="field"/> of the search key (a <c>ref ulong</c>).</summary>
    private static void EmitSearchField(ILGenerator il, Action<ILGenerator> search, int field)
    {
        search(il);
        if (field != 0)
        {
            il.Emit(OpCodes.Ldc_I4, field * 8);
            il.Emit(OpCodes.Add);
        }
        il.Emit(OpCodes.Ldind_I8);
    }
}
