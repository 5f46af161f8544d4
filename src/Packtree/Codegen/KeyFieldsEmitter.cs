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

    /// <summary>Stores the key fields, offsets added, as consecutive u64s at <paramref name="destination"/> (a <c>ref ulong</c>).</summary>
    public static void EmitStoreKeyFields(ILGenerator il, BkeyFormat format, LocalBuilder[] words, Action<ILGenerator> destination)
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
            UnpackEmitter.EmitFieldValue(il, format.Fields[i], words);
            il.Emit(OpCodes.Stind_I8);
        }
    }
}
