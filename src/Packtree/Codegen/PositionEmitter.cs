using System.Reflection.Emit;
using Packtree.Keys;

namespace Packtree.Codegen;

/// <summary>
/// Emits the placement of a packed search position for one format: each word of the key is the OR
/// of the raw fields shifted to constant positions (and the constant header in word 0), stored once.
/// </summary>
internal static class PositionEmitter
{
    /// <summary>Emits <c>void (BkeyFormat closure, ref byte destination, ulong rawInode, ulong rawOffset, ulong rawSnapshot)</c>'s body.</summary>
    public static void EmitWritePosition(ILGenerator il, BkeyFormat format)
    {
        for (var word = 0; word < format.KeyU64s; word++)
        {
            il.Emit(OpCodes.Ldarg_1);
            if (word != 0)
            {
                il.Emit(OpCodes.Ldc_I4, word * 8);
                il.Emit(OpCodes.Add);
            }
            // Header of a packed position: u64s = key_u64s, format 0, type 0.
            il.Emit(OpCodes.Ldc_I8, word == 0 ? (long)format.KeyU64s : 0L);
            for (var field = 0; field < BkeyFields.PositionCount; field++)
            {
                var layout = format.Fields[field];
                if (layout.Width == 0) continue;
                var lowWord = layout.LowBit >> 6;
                var shift = layout.LowBit & 63;
                if (word == lowWord)
                {
                    il.Emit(OpCodes.Ldarg, field + 2);
                    if (shift != 0)
                    {
                        il.Emit(OpCodes.Ldc_I4, shift);
                        il.Emit(OpCodes.Shl);
                    }
                    il.Emit(OpCodes.Or);
                }
                else if (word == lowWord + 1 && shift + layout.Width > 64)
                {
                    il.Emit(OpCodes.Ldarg, field + 2);
                    il.Emit(OpCodes.Ldc_I4, 64 - shift);
                    il.Emit(OpCodes.Shr_Un);
                    il.Emit(OpCodes.Or);
                }
            }
            il.Emit(OpCodes.Unaligned, (byte)1);
            il.Emit(OpCodes.Stind_I8);
        }
        il.Emit(OpCodes.Ret);
    }
}
