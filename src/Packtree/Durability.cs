namespace Packtree;

/// <summary>When a commit to a store on disk returns.</summary>
public enum Durability
{
    /// <summary>After the commit's journal entry is on stable storage (fsync); commits waiting at the same time share one flush.</summary>
    Flush,

    /// <summary>After the entry is handed to the operating system; it becomes durable at the next flush, at most <see cref="StoreOptions.BufferedFlushMilliseconds"/> later, or at <see cref="Store.Flush()"/>.</summary>
    Buffered,
}
