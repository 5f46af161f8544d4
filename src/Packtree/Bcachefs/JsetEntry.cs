using System.Buffers.Binary;

namespace Packtree.Bcachefs;

/// <summary>
/// One <c>jset_entry</c> (btree-facts §7.3): an 8-byte header (u64s of payload, btree id, level, type) and its
/// payload. Used for the journal's entries and for the superblock's clean field, which holds the same records.
/// </summary>
internal readonly record struct JsetEntry(int Offset, int BtreeId, int Level, int Type, ReadOnlyMemory<byte> Payload)
{
    /// <summary>btree_keys: unpacked keys for a btree.</summary>
    public const int BtreeKeys = 0;

    /// <summary>btree_root: one root pointer key.</summary>
    public const int BtreeRoot = 1;

    /// <summary>blacklist: one blacklisted seq.</summary>
    public const int Blacklist = 3;

    /// <summary>blacklist_v2: an inclusive range of blacklisted seqs.</summary>
    public const int BlacklistV2 = 4;

    /// <summary>
    /// The entries of <paramref name="area"/>, each bounds-checked; an 8-byte all-zero entry (u64s 0, type 0) is
    /// padding and stepped over. A malformed entry ends the walk with <paramref name="problem"/> set (byte offset within the area).
    /// </summary>
    public static List<JsetEntry> Parse(ReadOnlyMemory<byte> area, out (int Byte, string Text)? problem)
    {
        problem = null;
        var entries = new List<JsetEntry>();
        var bytes = area.Span;
        for (var at = 0; at < bytes.Length;)
        {
            if (bytes.Length - at < 8) { problem = (at, $"an entry header at byte {at} runs past the area's end"); break; }
            var u64s = BinaryPrimitives.ReadUInt16LittleEndian(bytes[at..]);
            var length = 8 + u64s * 8;
            if (length > bytes.Length - at) { problem = (at, $"an entry of u64s {u64s} at byte {at} runs past the area's end"); break; }
            if (u64s != 0 || bytes[at + 4] != 0) entries.Add(new JsetEntry(at, bytes[at + 2], bytes[at + 3], bytes[at + 4], area.Slice(at + 8, u64s * 8)));
            at += length;
        }
        return entries;
    }
}
