using Packtree.Nodes;

namespace Packtree.Bcachefs;

// The raw walk of a btree's nodes, for dumps and checks: every node with every write and every stored key.
public sealed partial class BcachefsImage
{
    /// <summary>
    /// Walks <paramref name="btree"/>'s nodes, root first, then each child's subtree in key order. Without
    /// <paramref name="problems"/> a damaged node throws; with it the damage is recorded, the node's subtree
    /// skipped and the walk goes on.
    /// </summary>
    internal IEnumerable<BcachefsNodeInfo> WalkNodes(BcachefsBtree btree, List<BcachefsProblem>? problems)
    {
        foreach (var node in VerifyNodes(btree, problems))
            yield return Describe(btree, node.Pointer, node.Level, node.Offset, node.Image, node.Buffer);
    }

    /// <summary>
    /// The walk itself: each node read and verified, in <see cref="WalkNodes"/>' order, without copying out its
    /// keys (the metadata check needs only the verdicts).
    /// </summary>
    internal IEnumerable<(BtreePointer Pointer, int Level, long Offset, NodeImage Image, byte[] Buffer)> VerifyNodes(BcachefsBtree btree, List<BcachefsProblem>? problems)
    {
        if (btree.Root?.Pointer is not { } root) yield break;
        var stack = new Stack<(BtreePointer Pointer, int Level)>();
        stack.Push((root, btree.Root.Level));
        while (stack.Count > 0)
        {
            var (pointer, level) = stack.Pop();
            long offset;
            NodeImage image;
            byte[] buffer;
            try
            {
                offset = NodeOffset(btree, pointer, level);
                image = ReadNode(btree, pointer, level, offset, out buffer);
            }
            catch (Exception e) when (problems is not null && e is CorruptNodeException or CorruptImageException)
            {
                problems.Add(e is CorruptNodeException n
                    ? new BcachefsProblem("node", btree.Name, level, n.FileOffset ?? -1, $"bset {n.Bset}, byte {n.ByteOffset} of the node at byte {n.FileOffset - n.ByteOffset}: {n.Rule}")
                    : new BcachefsProblem(((CorruptImageException)e).Part, btree.Name, level, ((CorruptImageException)e).ByteOffset, ((CorruptImageException)e).Rule));
                continue;
            }
            yield return (pointer, level, offset, image, buffer);
            if (level == 0) continue;
            var children = Children(btree, image, level, offset);
            for (var i = children.Length - 1; i >= 0; i--) stack.Push((children[i], level - 1));
        }
    }

    private BcachefsNodeInfo Describe(BcachefsBtree btree, BtreePointer pointer, int level, long offset, NodeImage image, byte[] buffer)
    {
        var bsets = new List<BcachefsBsetInfo>(image.Bsets.Count);
        foreach (var bset in image.Bsets)
        {
            var keys = new List<BcachefsRawKey>();
            for (var at = bset.KeysOffset; at < bset.KeysOffset + bset.KeysLength;)
            {
                var u64s = buffer[at];
                var length = u64s * 8; // the codec checked that every key is non-empty and inside the bset
                keys.Add(new BcachefsRawKey(at, u64s, Keys.KeyHeader.IsPacked(buffer.AsSpan(at)), buffer[at + 2], buffer.AsSpan(at, length).ToArray()));
                at += length;
            }
            var byteOffset = bset.SectorOffset * NodeGeometry.SectorBytes;
            bsets.Add(new BcachefsBsetInfo(bset.SectorOffset, byteOffset, bset.Sectors, bset.Header, Blacklist.Contains(bset.Header.JournalSeq), keys));
        }
        return new BcachefsNodeInfo(btree.Name, btree.Id, level, offset, image.SectorsRead, pointer, image.Header, Checksum.Read(buffer), bsets);
    }
}
