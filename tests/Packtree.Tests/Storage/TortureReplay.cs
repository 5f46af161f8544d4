using Packtree.Cli.Commands;

namespace Packtree.Tests.Storage;

/// <summary>The crash trials' workload run on a store in memory and in its model, without a worker process.</summary>
internal static class TortureReplay
{
    /// <summary>Runs <paramref name="commits"/> commits of the workload of <paramref name="seed"/> on a store in memory and in a model.</summary>
    public static (Store Store, TortureModel Model, List<TortureCommit> Commits) Run(int seed, int commits)
    {
        var store = Store.CreateInMemory(TortureWorkload.Options(Durability.Buffered));
        var trees = TortureWorkload.StartingTrees.Select(t => store.GetOrCreateTree(t.Name, t.Kind)).ToList();
        var model = new TortureModel();
        var workload = new TortureWorkload(seed);
        var done = new List<TortureCommit>();
        var batch = new WriteBatch();
        for (var i = 0; i < commits; i++)
        {
            var next = workload.Next();
            done.Add(next);
            model.Apply(next);
            if (next.NewTree is { } name)
            {
                trees.Add(store.GetOrCreateTree(name, next.NewKind!));
                continue;
            }
            batch.Clear();
            foreach (var (tree, key, value) in next.Updates)
            {
                if (value is null) key.Delete(batch, trees[tree]);
                else key.Put(batch, trees[tree], value);
            }
            store.Write(batch);
        }
        return (store, model, done);
    }
}
