using System.Reflection.Emit;
using Packtree.Keys;

namespace Packtree.Codegen;

/// <summary>
/// Emits the packed compare for one format: the key words from the most significant down, the
/// last one shifted so only key bits remain, stopping at the first word that differs.
/// </summary>
internal static class CompareEmitter
{
    /// <summary>Pushes -1, 0 or 1: the order of the keys at <paramref name="left"/> and <paramref name="right"/>.</summary>
    public static void EmitCompare(ILGenerator il, BkeyFormat format, Action<ILGenerator> left, Action<ILGenerator> right)
    {
        if (format.KeyBits == 0)
        {
            il.Emit(OpCodes.Ldc_I4_0);
            return;
        }
        var a = il.DeclareLocal(typeof(ulong));
        var b = il.DeclareLocal(typeof(ulong));
        var decide = il.DefineLabel();
        var remaining = format.KeyBits;
        for (var word = format.KeyU64s - 1; remaining > 0; word--)
        {
            var shift = remaining < 64 ? 64 - remaining : 0;
            remaining = Math.Max(remaining - 64, 0);
            EmitKeyWord(il, left, word, shift, a);
            EmitKeyWord(il, right, word, shift, b);
            if (remaining == 0) break;
            il.Emit(OpCodes.Ldloc, a);
            il.Emit(OpCodes.Ldloc, b);
            il.Emit(OpCodes.Bne_Un, decide);
        }
        il.MarkLabel(decide);
        // (a > b) - (a < b)
        il.Emit(OpCodes.Ldloc, a);
        il.Emit(OpCodes.Ldloc, b);
        il.Emit(OpCodes.Cgt_Un);
        il.Emit(OpCodes.Ldloc, a);
        il.Emit(OpCodes.Ldloc, b);
        il.Emit(OpCodes.Clt_Un);
        il.Emit(OpCodes.Sub);
    }

    private static void EmitKeyWord(ILGenerator il, Action<ILGenerator> source, int word, int shift, LocalBuilder into)
    {
        UnpackEmitter.EmitLoadWord(il, source, word);
        if (shift != 0)
        {
            il.Emit(OpCodes.Ldc_I4, shift);
            il.Emit(OpCodes.Shr_Un);
        }
        il.Emit(OpCodes.Stloc, into);
    }
}
