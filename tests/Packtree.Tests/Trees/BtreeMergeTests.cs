using Packtree.Keys;
using Packtree.Trees;

namespace Packtree.Tests.Trees;

/// <summary>Merges of sibling leaves whose parent has to make room for the change.</summary>
public sealed class BtreeMergeTests
{
    /// <summary>
    /// A merge whose parent is too full for it and splits right at the left leaf's pointer. In 1 KiB nodes, 43
    /// keys at snapshot 0 make three levels, the root's split giving the first interior node a format that packs
    /// snapshot 0 only; 17 keys at snapshot 1 then split its leaves at positions it stores unpacked (88 bytes a
    /// pointer, 56 packed), leaving it 11 pointers in 744 bytes with 112 free: room to replace a packed pointer,
    /// not the unpacked one at 1:21:1. Emptying the leaf over 1:17:2..1:19:0 and thinning the next one, over
    /// 1:19:1..1:21:1, merges the two; the parent splits to make room, its pivot the left leaf's pointer. The
    /// merge used to go on through that split: the merged node's pointer went to the right half, the left
    /// half lost its last child, and 1:17:2..1:19:0 was in no leaf.
    /// </summary>
    [Fact]
    public void AMergeWhoseParentSplitsAtTheLeftLeafKeepsTheTiling()
    {
        var tree = BtreeModelTests.NewTree(1024);
        var model = new SortedDictionary<Bpos, int>();
        for (var i = 0; i < 43; i++) Put(new Bpos(1, (ulong)i, 0), 104);
        for (var i = 11; i < 28; i++) Put(new Bpos(1, (ulong)i, 1), 112);
        Assert.Equal(2, tree.RootLevel);
        foreach (var position in new[] { new Bpos(1, 18, 0), new Bpos(1, 18, 1), new Bpos(1, 19, 0), new Bpos(1, 19, 1), new Bpos(1, 20, 0), new Bpos(1, 20, 1) })
        {
            Assert.True(tree.Delete(position));
            model.Remove(position);
            tree.Verify();
        }

        Assert.Equal(model.Count, tree.Verify().Keys);
        foreach (var (position, length) in model)
        {
            Assert.True(tree.TryFind(position, out var leaf, out var at), $"{position} is not found.");
            Assert.Equal(length, Btree.ValueOf(leaf, at).Length);
        }

        void Put(Bpos position, int length)
        {
            tree.Put(position, new byte[length]);
            model[position] = length;
        }
    }
}
