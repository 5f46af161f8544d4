namespace Packtree.Trees;

// Write-back for a checkpoint: every dirty node is written, children before parents, and each written
// node's new pointer (its place, seq and written sectors) goes into its parent, which makes the parent
// dirty in turn, up to the root, whose pointer the superblock records.
internal sealed partial class Btree
{
    /// <summary>Writes every dirty node of the tree to <paramref name="store"/>; returns how many writes were made.</summary>
    public int WriteBack(PersistentNodeStore store)
    {
        if (!ReferenceEquals(store, _store)) throw new ArgumentException("The tree's nodes live in another store.", nameof(store));
        _store.BeginOperation();
        var writes = 0;
        // The root may grow while parents take their children's pointers; the loop follows it up.
        for (var level = 0; level <= RootLevel; level++)
        {
            foreach (var node in store.DirtyNodes(Id, level))
            {
                if (node.Handle < 0) continue; // freed by a split or merge above, after it was listed
                if (ReferenceEquals(node, _root) && node.Header.Level == 0 && Count == 0)
                {
                    // An empty tree needs no node on disk: the superblock records it as empty.
                    store.Unplace(node);
                    RootPointer = store.PointerFor(node);
                    continue;
                }
                var pointer = store.Write(node);
                if (pointer is not { } written) continue;
                writes++;
                if (ReferenceEquals(node, _root)) RootPointer = written;
                else InsertPointer(level + 1, node.Header.MaxKey, written);
            }
        }
        return writes;
    }
}
