namespace Packtree.Bench;

/// <summary>Byte arrays in unsigned byte order (a proper prefix first): the order of byte keys, compared as spans.</summary>
public sealed class OrdinalBytesComparer : IComparer<byte[]>
{
    public static OrdinalBytesComparer Instance { get; } = new();

    public int Compare(byte[]? x, byte[]? y) => x.AsSpan().SequenceCompareTo(y);
}
