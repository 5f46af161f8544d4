using Packtree.Keys;

namespace Packtree.Nodes;

/// <summary>
/// Turns node writes into bcachefs's on-disk bytes and back. The first write of a node is a
/// <c>btree_node</c> (160-byte header with the first bset), every later write a
/// <c>btree_node_entry</c> (40-byte header) at the next block boundary. Each write is checksummed
/// from byte 16 to the end of its keys and zero-padded to the block size.
/// </summary>
/// <remarks>
/// Reading validates as bcachefs does (docs/DESIGN.md §3.7) and never repairs: magic, sequence
/// numbers, checksum, bset bounds and flags, every key's size, format, range and order. Any violation
/// is a <see cref="CorruptNodeException"/> naming node, bset, byte offset and rule; reads never leave
/// the buffer and every loop advances.
/// </remarks>
internal sealed partial class NodeCodec
{
    /// <summary>Metadata version Packtree writes in bset headers (bcachefs 1.39's number).</summary>
    public const ushort CurrentVersion = (1 << 10) | 39;

    /// <summary>Oldest metadata version bcachefs accepts (0.9).</summary>
    public const ushort OldestVersion = 9;

    /// <summary>Size of a later write's header (<c>btree_node_entry</c>), bset header included.</summary>
    public const int EntryHeaderBytes = 40;

    private const int ChecksumStart = Checksum.ByteCount;

    /// <summary>Creates a codec for nodes of <paramref name="geometry"/> under a store's <paramref name="magic"/>.</summary>
    public NodeCodec(NodeGeometry geometry, ulong magic, ChecksumType checksum = ChecksumType.Crc32cNonzero)
    {
        if (!Checksums.IsSupported(checksum))
            throw new ArgumentOutOfRangeException(nameof(checksum), checksum, "Nodes can be written with checksum none, crc32c, crc64 or xxhash.");
        Geometry = geometry;
        Magic = magic;
        ChecksumType = checksum;
    }

    /// <summary>Node and block sizes.</summary>
    public NodeGeometry Geometry { get; }

    /// <summary>Value every node of the store carries in its header, so stray data is not taken for a node.</summary>
    public ulong Magic { get; }

    /// <summary>Checksum type of the writes this codec makes.</summary>
    public ChecksumType ChecksumType { get; }

    /// <summary>
    /// Writes a node's first write at byte 0 of <paramref name="node"/>: header, bset header and
    /// <paramref name="keys"/> (a sorted run; needs_whiteout is cleared in the written copy), padded to a block.
    /// </summary>
    /// <returns>Sectors written.</returns>
    public int WriteFirst(Span<byte> node, NodeHeader header, ulong seq, ulong journalSeq, ReadOnlySpan<byte> keys)
    {
        if (header.Magic != Magic) throw new ArgumentException($"The header's magic {header.Magic:x16} is not this store's {Magic:x16}.", nameof(header));
        if (seq == 0) throw new ArgumentOutOfRangeException(nameof(seq), "A node's seq identifies it on disk and must not be 0.");
        var write = Prepare(node, 0, header.Bytes, keys);
        header.Write(write);
        FinishWrite(write, header.FirstBsetOffset, seq, journalSeq, 0, keys);
        return Geometry.SectorsFor(header.Bytes + keys.Length);
    }

    /// <summary>
    /// Appends a later write at sector <paramref name="writtenSectors"/> (the sectors the node's log
    /// already takes): entry header, bset header and <paramref name="keys"/>, padded to a block.
    /// </summary>
    /// <returns>Sectors written.</returns>
    public int WriteEntry(Span<byte> node, int writtenSectors, ulong seq, ulong journalSeq, ReadOnlySpan<byte> keys)
    {
        if (writtenSectors <= 0 || writtenSectors * NodeGeometry.SectorBytes % Geometry.BlockBytes != 0)
            throw new ArgumentOutOfRangeException(nameof(writtenSectors), writtenSectors, "A later write starts after the first, at a block boundary.");
        if (keys.IsEmpty) throw new ArgumentException("A later write must hold keys; bcachefs rejects empty ones.", nameof(keys));
        var write = Prepare(node, writtenSectors * NodeGeometry.SectorBytes, EntryHeaderBytes, keys);
        FinishWrite(write, Checksum.ByteCount, seq, journalSeq, writtenSectors, keys);
        return Geometry.SectorsFor(EntryHeaderBytes + keys.Length);
    }

    /// <summary>The write's region of the node, checked to fit, cleared through its block padding.</summary>
    private Span<byte> Prepare(Span<byte> node, int start, int headerBytes, ReadOnlySpan<byte> keys)
    {
        if (node.Length != Geometry.NodeBytes)
            throw new ArgumentException($"The node buffer has {node.Length} bytes; nodes here are {Geometry.NodeBytes}.", nameof(node));
        if (keys.Length % 8 != 0 || keys.Length / 8 > BsetHeader.MaxU64s)
            throw new ArgumentException($"A bset holds whole words, at most {BsetHeader.MaxU64s}; {keys.Length} bytes were given.", nameof(keys));
        var padded = Geometry.SectorsFor(headerBytes + keys.Length) * NodeGeometry.SectorBytes;
        if (start + padded > node.Length)
            throw new ArgumentException($"A write of {headerBytes + keys.Length} bytes at byte {start} does not fit a {node.Length}-byte node.", nameof(keys));
        var write = node.Slice(start, padded);
        write.Clear();
        return write;
    }

    private void FinishWrite(Span<byte> write, int bsetOffset, ulong seq, ulong journalSeq, int writtenSectors, ReadOnlySpan<byte> keys)
    {
        var keysOffset = bsetOffset + BsetHeader.ByteCount;
        var target = write.Slice(keysOffset, keys.Length);
        keys.CopyTo(target);
        ClearNeedsWhiteout(target);
        new BsetHeader(seq, journalSeq, BsetHeader.MakeFlags(ChecksumType, writtenSectors), CurrentVersion, (ushort)(keys.Length / 8)).Write(write[bsetOffset..]);
        Checksums.Compute(ChecksumType, write[ChecksumStart..(keysOffset + keys.Length)]).Write(write);
    }

    /// <summary>On disk needs_whiteout is always 0: it is in-memory bookkeeping.</summary>
    private static void ClearNeedsWhiteout(Span<byte> keys)
    {
        for (var at = 0; at < keys.Length;)
        {
            var length = keys[at] * 8;
            if (length == 0 || at + length > keys.Length)
                throw new ArgumentException($"The key at byte {at} of the keys to write has u64s {keys[at]} and does not fit the {keys.Length} bytes given.", nameof(keys));
            keys[at + KeyHeader.FormatByteOffset] &= KeyHeader.FormatMask;
            at += length;
        }
    }
}
