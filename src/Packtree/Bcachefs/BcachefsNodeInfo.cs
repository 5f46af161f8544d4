using Packtree.Keys;
using Packtree.Nodes;

namespace Packtree.Bcachefs;

/// <summary>A node as the raw walk shows it: where it is, its header, and every write (bset) with every key as stored.</summary>
/// <param name="Btree">The btree's name.</param>
/// <param name="BtreeId">The btree's id.</param>
/// <param name="Level">The node's level.</param>
/// <param name="ByteOffset">Where the node starts on the device (the image).</param>
/// <param name="WrittenSectors">Sectors of the node that hold its writes.</param>
/// <param name="Pointer">The parent's pointer to it.</param>
/// <param name="Header">The header (flags, range, format).</param>
/// <param name="HeaderChecksum">The first write's stored checksum.</param>
/// <param name="Bsets">The writes, oldest first.</param>
internal sealed record BcachefsNodeInfo(string Btree, int BtreeId, int Level, long ByteOffset, int WrittenSectors, BtreePointer Pointer,
    NodeHeader Header, Checksum HeaderChecksum, IReadOnlyList<BcachefsBsetInfo> Bsets)
{
    /// <summary>The node's first position.</summary>
    public Bpos MinKey => Header.MinPosition;

    /// <summary>The node's last position.</summary>
    public Bpos MaxKey => Header.MaxPosition;

    /// <summary>The node's key format.</summary>
    public BkeyFormat Format => Header.Format;
}

/// <summary>One write of a node as stored.</summary>
/// <param name="SectorOffset">Sector within the node where the write starts.</param>
/// <param name="ByteOffset">Byte within the node where the write starts.</param>
/// <param name="Sectors">Sectors the write takes, padding included.</param>
/// <param name="Header">The bset header (seq, journal_seq, flags, version, u64s).</param>
/// <param name="Blacklisted">Whether its journal_seq is blacklisted, so the merge skips it.</param>
/// <param name="Keys">Every key, deleted ones included, in stored order.</param>
internal sealed record BcachefsBsetInfo(int SectorOffset, int ByteOffset, int Sectors, BsetHeader Header, bool Blacklisted, IReadOnlyList<BcachefsRawKey> Keys);

/// <summary>A key as stored in a bset.</summary>
/// <param name="ByteOffset">Byte within the node.</param>
/// <param name="U64s">Its size in words as stored.</param>
/// <param name="Packed">Whether it is packed in the node's format.</param>
/// <param name="Type">Its key type.</param>
/// <param name="Raw">Its bytes.</param>
internal sealed record BcachefsRawKey(int ByteOffset, int U64s, bool Packed, byte Type, byte[] Raw);
