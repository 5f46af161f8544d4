using Packtree.Keys;

namespace Packtree.Tests.Storage;

/// <summary>Dirty nodes count against the cache budget: going over it writes nodes back instead of growing.</summary>
public sealed class MemoryBoundTests
{
    [Fact]
    public void RandomPutsOverLargeValuesKeepTheCacheWithinItsBudget()
    {
        const int BudgetNodes = 64;
        var options = new StoreOptions { NodeBytes = 16384, BlockBytes = 4096, CacheBytes = BudgetNodes * 16384L, JournalBytes = 16 << 20, Durability = Durability.Buffered };
        using var folder = new TempFolder();
        using var store = Store.Open(folder.File("bounded.packtree"), options);
        var tree = store.GetOrCreateTree("t");
        var batch = new WriteBatch();
        var big = new byte[tree.MaxInlineValueBytes];
        for (var i = 0; i < 5_000; i++)
        {
            batch.Put(tree, new Bpos(1, (ulong)i, 0), big);
            if (batch.Count == 100)
            {
                store.Write(batch);
                batch.Clear();
            }
        }
        store.Write(batch);
        var random = new Random(3);
        var peak = 0;
        for (var i = 0; i < 20_000; i++)
        {
            tree.Put(new Bpos(1, (ulong)random.Next(5_000), 0), BitConverter.GetBytes(i));
            peak = Math.Max(peak, store.Statistics.CachedNodes);
        }
        // Within the budget, give or take the few nodes one commit touches (a split adds two, a new root one).
        Assert.True(peak <= BudgetNodes + 4, $"the cache grew to {peak} nodes with a budget of {BudgetNodes}");
        tree.Verify();
        Assert.Equal(5_000, tree.Count);
    }
}
