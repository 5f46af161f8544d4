using Packtree.Nodes;
using Packtree.Storage;
using Packtree.Trees;

namespace Packtree;

/// <summary>
/// Where a store's trees live: the store's one seam between what it does (commits, reads, the tree
/// catalogue) and where it keeps it. <see cref="InMemoryPersistence"/> keeps nodes in memory and
/// journals nothing; <see cref="FilePersistence"/> keeps a store file (superblock copies, journal, node
/// buckets). The store picks one when it is made and asks it, at fixed points of the one commit path,
/// for room, a journal, durability and checkpoints.
/// </summary>
internal abstract class StorePersistence : IDisposable
{
    /// <summary>The codec of the store's nodes (geometry and magic).</summary>
    public abstract NodeCodec Codec { get; }

    /// <summary>The journal commits are written to before they are applied; null when nothing is journaled.</summary>
    public abstract Journal? Journal { get; }

    /// <summary>Values kept out of line: the values tree and the data buckets.</summary>
    public abstract LargeValues Large { get; }

    /// <summary>Whether the trees are kept on a device.</summary>
    public abstract bool IsPersistent { get; }

    /// <summary>Why writes are refused after a failed write, or null.</summary>
    public abstract Exception? Failure { get; }

    /// <summary>Figures about the store on disk (zeros in memory).</summary>
    public abstract StoreStatistics Statistics { get; }

    /// <summary>The node store a new tree keeps its nodes in.</summary>
    public abstract NodeStore NodesForNewTree();

    /// <summary>The store is open (replay and its checkpoint done): background work may start; <paramref name="tick"/> runs on each period of the flush timer.</summary>
    public virtual void Opened(Action tick) { }

    /// <summary>A commit is on its way to the write lock (group commit: a flush about to start waits a moment for it).</summary>
    public virtual void CommitArriving() { }

    /// <summary>A commit left the write lock (or gave up on it).</summary>
    public virtual void CommitArrived() { }

    /// <summary>Makes journal room for an entry of <paramref name="entryBytes"/>, checkpointing <paramref name="trees"/> if needed (write lock held).</summary>
    /// <exception cref="InvalidOperationException">The entry can never fit; nothing was written.</exception>
    public virtual void MakeRoom(long entryBytes, IEnumerable<Tree> trees, ulong lastSeq) { }

    /// <summary>After a commit is applied (write lock held): keeps memory and the journal within bounds.</summary>
    public virtual void CommitApplied(IEnumerable<Tree> trees, ulong lastSeq) { }

    /// <summary>Returns once commit <paramref name="seq"/> is on stable storage.</summary>
    public virtual void WaitDurable(ulong seq) { }

    /// <summary>A commit returned before it is durable, or left updates in a write buffer: the flush timer runs.</summary>
    public virtual void FlushWithin() { }

    /// <summary>Returns once every commit written so far is on stable storage.</summary>
    public virtual void Flush() { }

    /// <summary>Writes every changed node of <paramref name="trees"/> and a superblock saying the store is whole at <paramref name="lastSeq"/> (write lock held).</summary>
    public virtual void Checkpoint(IEnumerable<Tree> trees, ulong lastSeq) { }

    /// <summary>Stops background work and, unless a write failed or the store is read-only, checkpoints (write lock held).</summary>
    public virtual void Close(IEnumerable<Tree> trees, ulong lastSeq) { }

    /// <summary>Stops background work without a checkpoint, as a crash would leave the file.</summary>
    public virtual void Abandon() { }

    /// <summary>Releases the device.</summary>
    public virtual void Dispose() { }
}
