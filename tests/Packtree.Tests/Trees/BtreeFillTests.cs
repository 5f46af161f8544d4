using Packtree.Keys;

namespace Packtree.Tests.Trees;

/// <summary>How full keys inserted in order leave the leaves: split at the end of the last leaf, only when it is full.</summary>
public sealed class BtreeFillTests
{
    /// <remarks>
    /// The last leaf's format spans to the end of the key space, so its keys take more room there than once split off
    /// (the left half's format packs them tighter): the smaller the values, the more of a leaf that leaves free.
    /// </remarks>
    [Theory]
    [InlineData(4096, 100, 0.8)]
    [InlineData(65536, 100, 0.8)]
    [InlineData(65536, 40, 0.7)]
    public void KeysInsertedInOrderLeaveFullLeaves(int nodeBytes, int valueBytes, double fill)
    {
        var tree = BtreeModelTests.NewTree(nodeBytes);
        var keys = 40 * nodeBytes / (valueBytes + 16); // about 40 leaves' worth: the last, part full, weighs little
        for (var i = 0; i < keys; i++) tree.Put(new Bpos(7, (ulong)i * 8, 0), new byte[valueBytes]);
        var shape = tree.Verify();
        Assert.Equal(keys, shape.Keys);
        var perLeaf = (double)shape.LiveBytes / shape.Leaves;
        // A leaf splits once a block is not left for the next key: 512 bytes in these nodes.
        Assert.True(perLeaf > fill * nodeBytes, $"{shape.Leaves} leaves of {perLeaf:F0} live bytes on average in {nodeBytes}-byte nodes");
        for (var i = 0; i < keys; i++) Assert.True(tree.TryFind(new Bpos(7, (ulong)i * 8, 0), out _, out _));
    }

    /// <summary>
    /// A leaf's format may come from its keys alone: keys whose snapshot is always U32_MAX need no snapshot bits, though
    /// the leaf's minimum (a successor: snapshot 0) would give them 32 if it entered the format, as in bcachefs.
    /// </summary>
    [Fact]
    public void LeavesOfKeysWithOneSnapshotSpendNoBitsOnIt()
    {
        var tree = BtreeModelTests.NewTree(4096);
        var random = new Random(5);
        var offsets = Enumerable.Range(0, 3000).OrderBy(_ => random.Next()).ToList();
        foreach (var i in offsets) tree.Put(new Bpos(7, (ulong)i * 8, uint.MaxValue), new byte[16]);
        var shape = tree.Verify();
        Assert.Equal(offsets.Count, shape.Keys);
        var leaves = tree.LiveKeys().Select(k => k.Leaf).Distinct().ToList();
        var snapshotless = leaves.Count(l => l.Format.Width(BkeyField.Snapshot) == 0);
        Assert.True(snapshotless >= leaves.Count / 2, $"{snapshotless} of {leaves.Count} leaves have a format without snapshot bits");
        foreach (var i in offsets) Assert.True(tree.TryFind(new Bpos(7, (ulong)i * 8, uint.MaxValue), out _, out _));
        Assert.False(tree.TryFind(new Bpos(7, 8, 0), out _, out _));
    }

    [Fact]
    public void KeysInsertedInRandomOrderStillSplitInTheMiddleAndStayWhole()
    {
        var tree = BtreeModelTests.NewTree(4096);
        var random = new Random(3);
        var keys = Enumerable.Range(0, 3000).OrderBy(_ => random.Next()).ToList();
        foreach (var i in keys) tree.Put(new Bpos(7, (ulong)i, 0), new byte[100]);
        var shape = tree.Verify();
        Assert.Equal(keys.Count, shape.Keys);
        var perLeaf = (double)shape.LiveBytes / shape.Leaves;
        Assert.InRange(perLeaf, 0.3 * 4096, 0.8 * 4096); // neither half empty nor packed: room left for the next inserts
    }

    /// <summary>
    /// A key appended to the last node that a compaction leaves no room for (long byte keys; the crash trials' workload of
    /// seed 39344, commit 33) splits the node rather than compacting it again and again.
    /// </summary>
    [Fact]
    public void AnAppendThatACompactionCannotPlaceSplitsTheNode()
    {
        var (store, model, _) = Packtree.Tests.Storage.TortureReplay.Run(seed: 39344, commits: 200);
        using (store) Assert.Null(model.Compare(store, 200));
    }
}
