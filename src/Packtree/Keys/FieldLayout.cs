namespace Packtree.Keys;

/// <summary>
/// Where one field lies in a packed key of a given format: bits
/// [<see cref="LowBit"/>, <see cref="LowBit"/> + <see cref="Width"/>) of the key read as one
/// little-endian integer. A zero-width field has <see cref="LowBit"/> 0 and <see cref="Mask"/> 0,
/// so reading it touches word 0 and yields 0 without a branch.
/// </summary>
/// <param name="LowBit">Bit position of the field's least significant bit.</param>
/// <param name="Width">Width in bits (0..64).</param>
/// <param name="Mask">ones(Width).</param>
/// <param name="Offset">Bias added when unpacking.</param>
internal readonly record struct FieldLayout(int LowBit, int Width, ulong Mask, ulong Offset)
{
    /// <summary>Bit position of the field's most significant bit, or -1 for a zero-width field.</summary>
    public int HighBit => Width == 0 ? -1 : LowBit + Width - 1;

    /// <summary>Largest value the field can hold: offset + ones(width).</summary>
    public ulong MaxValue => Offset + Mask;
}
