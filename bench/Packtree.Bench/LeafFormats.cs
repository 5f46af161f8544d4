using Packtree.Keys;
using Packtree.Nodes;

namespace Packtree.Bench;

/// <summary>
/// How many distinct key formats a tree's leaves have, and how many shapes (the same field widths, offsets aside):
/// what compiled code per exact format, or code shared by a shape, would compile.
/// </summary>
public readonly record struct LeafFormats(int Leaves, int Formats, int Shapes)
{
    /// <summary>Walks the leaves of <paramref name="tree"/> in order, under the store's read lock.</summary>
    public static LeafFormats Of(Tree tree)
    {
        var formats = new HashSet<string>();
        var shapes = new HashSet<string>();
        var leaves = 0;
        var btree = tree.Btree;
        var iterator = new BtreeNode.NodeIterator();
        tree.Store.EnterReadWithBuffersApplied(); // the leaves hold every key
        try
        {
            var max = KeyFields.Max(btree.Schema);
            for (BtreeNode? leaf = btree.SeekLeaf(KeyFields.Min(btree.Schema), forward: true, iterator); leaf is not null; leaf = btree.NextLeaf(leaf, forward: true, max, iterator))
            {
                leaves++;
                var fields = leaf.Format.Fields.ToArray();
                var widths = string.Join(",", fields.Select(f => f.Width));
                shapes.Add(widths);
                formats.Add(widths + "/" + string.Join(",", fields.Select(f => f.Offset)));
            }
        }
        finally
        {
            tree.Store.ExitRead();
        }
        return new LeafFormats(leaves, formats.Count, shapes.Count);
    }
}
