using System.Diagnostics;
using System.Runtime.CompilerServices;
using Packtree.Keys;

namespace Packtree.Nodes;

/// <summary>Reading the keys of one bset inside a node buffer: lengths, key fields, deleted flags, and the in-bset scan.</summary>
internal static class BsetKeys
{
    /// <summary>Length in bytes of the key at <paramref name="at"/>.</summary>
    public static int Length(ReadOnlySpan<byte> buffer, int at)
    {
        Debug.Assert(buffer[at] != 0, "A key of u64s 0 would stop every walk of its bset.");
        return buffer[at] * 8;
    }

    /// <summary>Whether the key at <paramref name="at"/> is packed in the node's format.</summary>
    public static bool IsPacked(ReadOnlySpan<byte> buffer, int at) => KeyHeader.GetFormat(buffer[at + KeyHeader.FormatByteOffset]) == Bkey.FormatLocalBtree;

    /// <summary>Whether the key at <paramref name="at"/> is a deleted key (type 0).</summary>
    public static bool IsDeleted(ReadOnlySpan<byte> buffer, int at) => buffer[at + 2] == (byte)BkeyType.Deleted;

    /// <summary>The layout of the key at <paramref name="at"/>: the node's format, or its schema's unpacked format.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static BkeyFormat LayoutOf(BkeyFormat format, ReadOnlySpan<byte> buffer, int at) => IsPacked(buffer, at) ? format : format.Schema.UnpackedFormat;

    /// <summary>Bytes of the key at <paramref name="at"/> before its value.</summary>
    public static int KeyBytes(BkeyFormat format, ReadOnlySpan<byte> buffer, int at) => LayoutOf(format, buffer, at).KeyBytes;

    /// <summary>The key fields of the key at <paramref name="at"/>, packed or unpacked.</summary>
    public static void ReadKey(BkeyFormat format, ReadOnlySpan<byte> buffer, int at, Span<ulong> key) => LayoutOf(format, buffer, at).ReadKeyFields(buffer[at..], key);

    /// <summary>The key at <paramref name="at"/> against <paramref name="key"/>: -1, 0 or 1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int CompareToKey(BkeyFormat format, ReadOnlySpan<byte> buffer, int at, ReadOnlySpan<ulong> key) =>
        LayoutOf(format, buffer, at).ComparePackedToKey(buffer[at..], key);

    /// <summary>The keys at <paramref name="a"/> and <paramref name="b"/> compared: -1, 0 or 1, field by field where one is unpacked (nothing copied).</summary>
    public static int CompareKeys(BkeyFormat format, ReadOnlySpan<byte> buffer, int a, int b)
    {
        var layoutA = LayoutOf(format, buffer, a);
        var layoutB = LayoutOf(format, buffer, b);
        if (ReferenceEquals(layoutA, layoutB) && ReferenceEquals(layoutA, format)) return format.ComparePacked(buffer[a..], buffer[b..]);
        var keyA = buffer.Slice(a, layoutA.KeyBytes);
        var keyB = buffer.Slice(b, layoutB.KeyBytes);
        var count = format.Schema.KeyFieldCount;
        for (var i = 0; i < count; i++)
        {
            var x = layoutA.KeyFieldAt(keyA, i);
            var y = layoutB.KeyFieldAt(keyB, i);
            if (x != y) return x < y ? -1 : 1;
        }
        return 0;
    }

    /// <summary>
    /// From <paramref name="start"/>, the first key at or after <paramref name="search"/> in iterator order
    /// (a deleted key at the search key counts as smaller), or <paramref name="end"/>. With an exact packed
    /// search key the packed compare decides for packed keys; otherwise key fields do.
    /// </summary>
    public static int ScanForward(BkeyFormat format, ReadOnlySpan<byte> buffer, int start, int end, ReadOnlySpan<ulong> search, ReadOnlySpan<byte> packedSearch, bool exact)
    {
        var at = start;
        while (at < end)
        {
            int order;
            if (exact && IsPacked(buffer, at)) order = format.ComparePacked(buffer[at..], packedSearch);
            else order = CompareToKey(format, buffer, at, search);
            if (order > 0 || (order == 0 && !IsDeleted(buffer, at))) return at;
            at += Length(buffer, at);
        }
        return end;
    }
}
