namespace Packtree.Tests.Keys;

/// <summary>Byte keys as the models order and compare them: unsigned bytes, a proper prefix first.</summary>
internal static class ByteArrays
{
    public static readonly IComparer<byte[]> Order = Comparer<byte[]>.Create((a, b) => a.AsSpan().SequenceCompareTo(b));

    public static readonly IEqualityComparer<byte[]> Equality = EqualityComparer<byte[]>.Create((a, b) => a.AsSpan().SequenceEqual(b), a => a.Length);
}
