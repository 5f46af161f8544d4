using System.Diagnostics;
using Packtree.Keys;

namespace Packtree.Nodes;

/// <summary>Reading the keys of one bset inside a node buffer: lengths, positions, deleted flags, and the in-bset scan.</summary>
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

    /// <summary>Position of the key at <paramref name="at"/>, packed or unpacked.</summary>
    public static Bpos Position(BkeyFormat format, ReadOnlySpan<byte> buffer, int at) =>
        IsPacked(buffer, at) ? format.UnpackPosition(buffer[at..]) : Bkey.Read(buffer[at..]).Position;

    /// <summary>
    /// From <paramref name="start"/>, the first key at or after <paramref name="search"/> in iterator order
    /// (a deleted key at the position counts as smaller), or <paramref name="end"/>. With an exact packed
    /// search key the packed compare decides for packed keys; otherwise positions do.
    /// </summary>
    public static int ScanForward(BkeyFormat format, ReadOnlySpan<byte> buffer, int start, int end, Bpos search, ReadOnlySpan<byte> packedSearch, bool exact)
    {
        var at = start;
        while (at < end)
        {
            int order;
            if (exact && IsPacked(buffer, at)) order = format.ComparePacked(buffer[at..], packedSearch);
            else order = Position(format, buffer, at).CompareTo(search);
            if (order > 0 || (order == 0 && !IsDeleted(buffer, at))) return at;
            at += Length(buffer, at);
        }
        return end;
    }
}
