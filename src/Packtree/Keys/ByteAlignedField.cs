namespace Packtree.Keys;

/// <summary>
/// How the byte-aligned fast path reads one field: load 8 bytes little-endian starting
/// <see cref="ByteOffset"/> bytes from the key's first byte (negative offsets reach into the
/// bytes before the key, which the shift discards), shift right by <see cref="Shift"/>, add the
/// field offset. <see cref="Shift"/> 64 marks a zero-width field, whose value is its offset.
/// </summary>
/// <param name="ByteOffset">Start of the 8-byte load, relative to the key (-7..32).</param>
/// <param name="Shift">Right shift after the load: 64 - width.</param>
internal readonly record struct ByteAlignedField(int ByteOffset, int Shift);
