namespace Packtree.Nodes;

/// <summary>
/// A read-only aux-tree node (bcachefs's 4-byte <c>bkey_float</c>): 16 bits of the node's key starting
/// at bit <see cref="Exponent"/> of the key, and where that key starts within the node's cacheline.
/// </summary>
/// <param name="Exponent">Bit position of the mantissa's lowest bit in the packed key; <see cref="Failed"/> means compare the real key.</param>
/// <param name="KeyOffset">Offset of the node's key from the start of its cacheline, in words.</param>
/// <param name="Mantissa">16 key bits.</param>
internal readonly record struct BkeyFloat(byte Exponent, byte KeyOffset, ushort Mantissa)
{
    /// <summary>Exponent of a node whose mantissa cannot be used (bcachefs's <c>BFLOAT_FAILED</c>).</summary>
    public const byte Failed = 255;

    /// <summary>Bits in a mantissa.</summary>
    public const int MantissaBits = 16;

    /// <summary>Whether searches must compare this node's real key.</summary>
    public bool IsFailed => Exponent == Failed;
}
