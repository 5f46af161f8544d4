namespace Packtree;

/// <summary>When a commit to a store on disk returns.</summary>
public enum Durability
{
    /// <summary>After the commit's journal entry is on stable storage (fsync); commits waiting at the same time share one flush.</summary>
    Flush,

    /// <summary>After the entry is handed to the operating system; it becomes durable at the next flush, at most <see cref="StoreOptions.BufferedFlushMilliseconds"/> later, or at <see cref="Store.Flush()"/>.</summary>
    Buffered,

    /// <summary>
    /// As soon as the commit is applied in memory: its entry waits in memory, with the commits after it, and is written and
    /// made durable in the background, at most <see cref="StoreOptions.BufferedFlushMilliseconds"/> later (sooner when a
    /// megabyte of entries waits, a commit that does not defer writes, or at <see cref="Store.Flush()"/>, a checkpoint or
    /// close). A crash loses at most the commits of that last interval, whole: the store reopens at a commit boundary.
    /// </summary>
    Background,
}
