using System.Buffers.Binary;

namespace Packtree.Nodes;

/// <summary>A 16-byte on-disk checksum (<c>struct bch_csum</c>): <see cref="Lo"/> at byte 0, <see cref="Hi"/> at byte 8, little-endian.</summary>
internal readonly record struct Checksum(ulong Lo, ulong Hi)
{
    /// <summary>Size on disk.</summary>
    public const int ByteCount = 16;

    /// <summary>Reads the 16-byte image.</summary>
    public static Checksum Read(ReadOnlySpan<byte> source) =>
        new(BinaryPrimitives.ReadUInt64LittleEndian(source), BinaryPrimitives.ReadUInt64LittleEndian(source[8..]));

    /// <summary>Writes the 16-byte image.</summary>
    public void Write(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(destination, Lo);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[8..], Hi);
    }

    /// <summary><c>lo:hi</c> in hex.</summary>
    public override string ToString() => $"{Lo:x16}:{Hi:x16}";
}
