namespace Packtree;

/// <summary>Figures about a store on disk.</summary>
/// <param name="FileBytes">Size of the store file.</param>
/// <param name="NodeBuckets">Node buckets in use.</param>
/// <param name="FreeBuckets">Node buckets free (or freed since the last checkpoint).</param>
/// <param name="CachedNodes">Nodes in memory.</param>
/// <param name="NodesRead">Nodes read from disk since the store opened.</param>
/// <param name="NodesEvicted">Nodes dropped from the cache since the store opened.</param>
/// <param name="JournalUsedBytes">Journal bytes holding commits since the last checkpoint.</param>
/// <param name="JournalBytes">Size of the journal.</param>
/// <param name="SuperblockGeneration">Checkpoints written over the store's life.</param>
/// <param name="JournalFlushes">Flushes made since the store opened to make commits durable (concurrent committers share them).</param>
public readonly record struct StoreStatistics(long FileBytes, int NodeBuckets, int FreeBuckets, int CachedNodes, long NodesRead, long NodesEvicted, long JournalUsedBytes, long JournalBytes, ulong SuperblockGeneration, long JournalFlushes);
