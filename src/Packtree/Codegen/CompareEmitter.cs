using System.Reflection.Emit;
using Packtree.Keys;

namespace Packtree.Codegen;

/// <summary>
/// Emits the packed compare for one format: the key words from the most significant down, the
/// last one shifted so only key bits remain, stopping at the first word that differs. Up to
/// <see cref="DefaultUnrolledWords"/> whole words are unrolled; beyond that (the widest keys of byte-string
/// schemas: up to 135 words) the whole words are compared in a loop.
/// </summary>
internal static class CompareEmitter
{
    /// <summary>
    /// Most whole key words compared unrolled. Measured with <c>bench unpack</c> (deep-bytes: a find in runs of
    /// 33-word keys that differ about halfway down): unrolled, the find took 5.3–5.4 ns per key, looping after 2, 4
    /// or 16 words 6.7–7.0 ns; so formats up to this many words unroll, and only wider ones (up to 135 words) loop,
    /// where unrolled code would grow to kilobytes per function.
    /// </summary>
    public const int DefaultUnrolledWords = 32;

    /// <summary>Pushes -1, 0 or 1: the order of the keys at <paramref name="left"/> and <paramref name="right"/>.</summary>
    public static void EmitCompare(ILGenerator il, BkeyFormat format, Action<ILGenerator> left, Action<ILGenerator> right, int unrolledWords = DefaultUnrolledWords)
    {
        if (format.KeyBits == 0)
        {
            il.Emit(OpCodes.Ldc_I4_0);
            return;
        }
        var a = il.DeclareLocal(typeof(ulong));
        var b = il.DeclareLocal(typeof(ulong));
        var decide = il.DefineLabel();
        if (format.KeyBits / 64 > unrolledWords)
        {
            EmitLoopCompare(il, format, left, right, a, b, decide);
            EmitDecide(il, a, b, decide);
            return;
        }
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
        EmitDecide(il, a, b, decide);
    }

    /// <summary>The whole key words in a loop from the top down, then the partial word (if any) shifted; a and b hold the deciding words.</summary>
    private static void EmitLoopCompare(ILGenerator il, BkeyFormat format, Action<ILGenerator> left, Action<ILGenerator> right, LocalBuilder a, LocalBuilder b, Label decide)
    {
        var top = format.KeyU64s - 1;
        var whole = format.KeyBits / 64;
        var partial = format.KeyBits % 64;
        var lowestWhole = top - whole + 1;
        var at = il.DeclareLocal(typeof(int));
        var loop = il.DefineLabel();
        il.Emit(OpCodes.Ldc_I4, top * 8);
        il.Emit(OpCodes.Stloc, at);
        il.MarkLabel(loop);
        EmitWordAt(il, left, at, a);
        EmitWordAt(il, right, at, b);
        il.Emit(OpCodes.Ldloc, a);
        il.Emit(OpCodes.Ldloc, b);
        il.Emit(OpCodes.Bne_Un, decide);
        il.Emit(OpCodes.Ldloc, at);
        il.Emit(OpCodes.Ldc_I4_8);
        il.Emit(OpCodes.Sub);
        il.Emit(OpCodes.Dup);
        il.Emit(OpCodes.Stloc, at);
        il.Emit(OpCodes.Ldc_I4, lowestWhole * 8);
        il.Emit(OpCodes.Bge, loop);
        if (partial == 0) return; // every whole word was equal, and a == b decides 0
        EmitKeyWord(il, left, lowestWhole - 1, 64 - partial, a);
        EmitKeyWord(il, right, lowestWhole - 1, 64 - partial, b);
    }

    /// <summary>Loads the word at byte offset <paramref name="at"/> (a local) of the key at <paramref name="source"/>.</summary>
    private static void EmitWordAt(ILGenerator il, Action<ILGenerator> source, LocalBuilder at, LocalBuilder into)
    {
        source(il);
        il.Emit(OpCodes.Ldloc, at);
        il.Emit(OpCodes.Conv_I);
        il.Emit(OpCodes.Add);
        il.Emit(OpCodes.Unaligned, (byte)1);
        il.Emit(OpCodes.Ldind_I8);
        il.Emit(OpCodes.Stloc, into);
    }

    private static void EmitDecide(ILGenerator il, LocalBuilder a, LocalBuilder b, Label decide)
    {
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
