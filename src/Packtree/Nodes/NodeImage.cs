using System.Text;
using Packtree.Codegen;
using Packtree.Keys;

namespace Packtree.Nodes;

/// <summary>
/// A node as read from disk: its header, the writes (bsets) of its log, and the merged result — the
/// newest version of every position, deleted keys dropped, in order, as one run of keys in their
/// original packed or unpacked form.
/// </summary>
internal sealed class NodeImage
{
    internal NodeImage(NodeHeader header, IReadOnlyList<BsetRecord> bsets, byte[] mergedKeys, int mergedCount, ulong journalSeq, int sectorsRead)
    {
        Header = header;
        Bsets = bsets;
        MergedKeys = mergedKeys;
        MergedCount = mergedCount;
        JournalSeq = journalSeq;
        SectorsRead = sectorsRead;
    }

    /// <summary>The node's header (range, format, btree, level).</summary>
    public NodeHeader Header { get; }

    /// <summary>The writes of the node's log, oldest first.</summary>
    public IReadOnlyList<BsetRecord> Bsets { get; }

    /// <summary>The surviving keys, merged into one sorted run (packed in <see cref="NodeHeader.Format"/> or unpacked).</summary>
    public byte[] MergedKeys { get; }

    /// <summary>Number of keys in <see cref="MergedKeys"/>.</summary>
    public int MergedCount { get; }

    /// <summary>Highest journal sequence number over the merged bsets.</summary>
    public ulong JournalSeq { get; }

    /// <summary>Sectors of the node that belong to it.</summary>
    public int SectorsRead { get; }

    /// <summary>The merged keys unpacked, in order.</summary>
    public Bkey[] UnpackKeys()
    {
        var keys = new Bkey[MergedCount];
        var count = new GenericKeyCodec(Header.Format).UnpackRun(MergedKeys, keys);
        return count == keys.Length ? keys : throw new InvalidOperationException($"Merged keys hold {count} keys, {keys.Length} were counted.");
    }

    /// <summary>A dump in the spirit of bcachefs's debug output: header, each bset, each merged key.</summary>
    public override string ToString()
    {
        var text = new StringBuilder().AppendLine(Header.ToString());
        foreach (var bset in Bsets) text.AppendLine($"  sector {bset.SectorOffset} (+{bset.Sectors}): {bset.Header}");
        foreach (var key in UnpackKeys()) text.AppendLine($"    {key}");
        return text.ToString();
    }
}
