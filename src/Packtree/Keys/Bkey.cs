using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Packtree.Keys;

/// <summary>
/// The unpacked key header, with exactly the memory image of bcachefs's 40-byte
/// <c>struct bkey</c> (little-endian):
/// <list type="table">
/// <item><term>0</term><description>u64s: key plus value, in 8-byte words</description></item>
/// <item><term>1</term><description>bits 0..6 format (1 = unpacked), bit 7 needs_whiteout</description></item>
/// <item><term>2</term><description>type</description></item>
/// <item><term>3</term><description>pad, always 0</description></item>
/// <item><term>4..15</term><description>version (lo u64, hi u32)</description></item>
/// <item><term>16..19</term><description>size (u32)</description></item>
/// <item><term>20..39</term><description>position (snapshot u32, offset u64, inode u64)</description></item>
/// </list>
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = ByteCount)]
internal struct Bkey : IEquatable<Bkey>
{
    /// <summary>Size of the unpacked header in bytes.</summary>
    public const int ByteCount = 40;

    /// <summary>Size of the unpacked header in 8-byte words (bcachefs's <c>BKEY_U64s</c>).</summary>
    public const int U64sUnpacked = 5;

    /// <summary>The largest <see cref="U64s"/> a key can have (bcachefs's <c>BKEY_U64s_MAX</c>).</summary>
    public const int U64sMax = 255;

    /// <summary>The largest value, in 8-byte words (bcachefs's <c>BKEY_VAL_U64s_MAX</c>): 2,000 bytes.</summary>
    public const int ValueU64sMax = 250;

    /// <summary>Format byte value of a key packed in its node's format.</summary>
    public const byte FormatLocalBtree = 0;

    /// <summary>Format byte value of an unpacked key.</summary>
    public const byte FormatCurrent = 1;

    [FieldOffset(0)] private byte _u64s;
    [FieldOffset(1)] private byte _formatByte;
    [FieldOffset(2)] private byte _type;
    [FieldOffset(3)] private byte _pad;
    [FieldOffset(4)] private Bversion _version;
    [FieldOffset(16)] private uint _size;
    [FieldOffset(20)] private Bpos _position;


    /// <summary>
    /// Creates an unpacked key (format 1) at <paramref name="position"/> with
    /// <paramref name="valueU64s"/> words of value.
    /// </summary>
    public Bkey(Bpos position, byte type = 0, int valueU64s = 0, uint size = 0, Bversion version = default, bool needsWhiteout = false)
    {
        if ((uint)valueU64s > ValueU64sMax)
            throw new ArgumentOutOfRangeException(nameof(valueU64s), valueU64s, $"A key's value is at most {ValueU64sMax} words (2,000 bytes).");
        _u64s = (byte)(U64sUnpacked + valueU64s);
        _formatByte = (byte)(FormatCurrent | (needsWhiteout ? KeyHeader.NeedsWhiteoutBit : 0));
        _type = type;
        _pad = 0;
        _version = version;
        _size = size;
        _position = position;
    }

    /// <summary>Total length of key and value in 8-byte words.</summary>
    public byte U64s { readonly get => _u64s; set => _u64s = value; }

    /// <summary>Format (bits 0..6 of byte 1): 1 for an unpacked key.</summary>
    public byte Format
    {
        readonly get => (byte)KeyHeader.GetFormat(_formatByte);
        set
        {
            if (value > KeyHeader.FormatMask) throw new ArgumentOutOfRangeException(nameof(value), value, "The key format is a 7-bit field (0..127).");
            _formatByte = (byte)((_formatByte & KeyHeader.NeedsWhiteoutBit) | value);
        }
    }

    /// <summary>Bit 7 of byte 1: an overwritten key below this one must be hidden by a whiteout.</summary>
    public bool NeedsWhiteout
    {
        readonly get => KeyHeader.NeedsWhiteout(_formatByte);
        set => _formatByte = (byte)(value ? _formatByte | KeyHeader.NeedsWhiteoutBit : _formatByte & KeyHeader.FormatMask);
    }

    /// <summary>Value type, a <see cref="BkeyType"/> number.</summary>
    public byte Type { readonly get => _type; set => _type = value; }

    /// <summary>Version (not part of the sort key).</summary>
    public Bversion Version { readonly get => _version; set => _version = value; }

    /// <summary>Extent length in sectors (0 outside extent btrees).</summary>
    public uint Size { readonly get => _size; set => _size = value; }

    /// <summary>Position: the sort key.</summary>
    public Bpos Position { readonly get => _position; set => _position = value; }

    /// <summary>Length of the value in 8-byte words (<see cref="U64s"/> - 5), negative if the header is malformed.</summary>
    public readonly int ValueU64s => _u64s - U64sUnpacked;

    /// <summary>Reads the 40-byte little-endian image. Byte 3 (pad) is ignored.</summary>
    public static Bkey Read(ReadOnlySpan<byte> source)
    {
        if (source.Length < ByteCount)
            throw new ArgumentException($"An unpacked bkey needs {ByteCount} bytes; the span has {source.Length}.", nameof(source));
        Bkey key = default;
        key._u64s = source[0];
        key._formatByte = source[1];
        key._type = source[2];
        key._version = new Bversion(BinaryPrimitives.ReadUInt32LittleEndian(source[12..]), BinaryPrimitives.ReadUInt64LittleEndian(source[4..]));
        key._size = BinaryPrimitives.ReadUInt32LittleEndian(source[16..]);
        key._position = Bpos.Read(source[20..]);
        return key;
    }

    /// <summary>Writes the 40-byte little-endian image (pad byte 0).</summary>
    public readonly void Write(Span<byte> destination)
    {
        if (destination.Length < ByteCount)
            throw new ArgumentException($"An unpacked bkey needs {ByteCount} bytes; the span has {destination.Length}.", nameof(destination));
        destination[0] = _u64s;
        destination[1] = _formatByte;
        destination[2] = _type;
        destination[3] = 0;
        BinaryPrimitives.WriteUInt64LittleEndian(destination[4..], _version.Lo);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[12..], _version.Hi);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[16..], _size);
        _position.Write(destination[20..]);
    }

    /// <summary>Field <paramref name="field"/> as an unsigned 64-bit value.</summary>
    public readonly ulong GetField(BkeyField field) => field switch
    {
        BkeyField.Inode => _position.Inode,
        BkeyField.Offset => _position.Offset,
        BkeyField.Snapshot => _position.Snapshot,
        BkeyField.Size => _size,
        BkeyField.VersionHi => _version.Hi,
        BkeyField.VersionLo => _version.Lo,
        _ => throw new ArgumentOutOfRangeException(nameof(field), field, "A bkey has six fields, 0 to 5."),
    };

    /// <summary>The six field values, in field order (inode, offset, snapshot, size, version hi, version lo).</summary>
    public readonly void GetFields(Span<ulong> fields)
    {
        fields[0] = _position.Inode;
        fields[1] = _position.Offset;
        fields[2] = _position.Snapshot;
        fields[3] = _size;
        fields[4] = _version.Hi;
        fields[5] = _version.Lo;
    }

    /// <inheritdoc/>
    public readonly bool Equals(Bkey other) =>
        _u64s == other._u64s && _formatByte == other._formatByte && _type == other._type &&
        _version == other._version && _size == other._size && _position == other._position;

    /// <inheritdoc/>
    public override readonly bool Equals(object? obj) => obj is Bkey other && Equals(other);

    /// <inheritdoc/>
    public override readonly int GetHashCode() => HashCode.Combine(_u64s, _formatByte, _type, _version, _size, _position);

    /// <summary>
    /// As bcachefs prints a key: <c>u64s 8 type extent 1:64:U32_MAX len 8 ver 0:0</c>,
    /// followed by the format when it is not 1 and <c>needs_whiteout</c> when set.
    /// </summary>
    public override readonly string ToString()
    {
        var text = $"u64s {_u64s} type {BkeyTypes.Name(_type)} {_position.FieldsText()} len {_size} ver {_version}";
        if (Format != FormatCurrent) text += $" format {Format}";
        if (NeedsWhiteout) text += " needs_whiteout";
        return text;
    }

#pragma warning disable CS1591
    public static bool operator ==(Bkey left, Bkey right) => left.Equals(right);
    public static bool operator !=(Bkey left, Bkey right) => !left.Equals(right);
#pragma warning restore CS1591
}
