using Packtree.Codegen;
using Packtree.Nodes;

namespace Packtree;

/// <summary>How a store is built. The defaults are bcachefs's: 256 KiB nodes, 4 KiB blocks.</summary>
public sealed record StoreOptions
{
    /// <summary>Node size in bytes: a power of two from 4 KiB to 512 KiB. Larger nodes mean shallower trees and fewer splits; smaller ones, cheaper compactions.</summary>
    public int NodeBytes { get; init; } = NodeGeometry.DefaultNodeBytes;

    /// <summary>Block size in bytes, the unit each node write is padded to: a power of two from 512 bytes to 32 KiB, below the node size.</summary>
    public int BlockBytes { get; init; } = NodeGeometry.DefaultBlockBytes;

    /// <summary>How nodes unpack keys; <see cref="UnpackStrategy.Auto"/> compiles code for a node's format once it has unpacked enough keys to repay it.</summary>
    public UnpackStrategy UnpackStrategy { get; init; } = UnpackStrategy.Auto;

    /// <summary>Under <see cref="UnpackStrategy.Auto"/>, keys a format unpacks before its code is compiled (0 compiles at once).</summary>
    public long CompileThreshold { get; init; } = KeyCodecOptions.DefaultCompileThreshold;

    /// <summary>Check every fast unpack against the generic one (slow; for diagnosing): a mismatch throws an <see cref="InvalidOperationException"/> that shows both results.</summary>
    public bool VerifyUnpack { get; init; }

    /// <summary>When a commit returns, for stores on disk: <see cref="Durability.Flush"/> (the default) after its journal entry is on stable storage.</summary>
    public Durability Durability { get; init; } = Durability.Flush;

    /// <summary>Under <see cref="Durability.Buffered"/> and <see cref="Durability.Background"/>, the longest a commit waits to be made durable, in milliseconds (10 to 60,000).</summary>
    public int BufferedFlushMilliseconds { get; init; } = 100;

    /// <summary>Memory for cached nodes of a store on disk and the write buffers, in bytes (at least 16 nodes); clean nodes unused for longest are dropped beyond it.</summary>
    public long CacheBytes { get; init; } = 512L * 1024 * 1024;

    /// <summary>
    /// Memory for the trees' write buffers, in bytes, taken from <see cref="CacheBytes"/> (0 turns them off; a quarter of the
    /// cache when that is less): puts and deletes are journaled as ever, then held in key order in memory and applied to the trees in sorted batches once the
    /// buffers pass this size, at a checkpoint, when a <see cref="Store.BeginRead"/> scope opens, and (stores on disk) once no
    /// commit has come for <see cref="BufferedFlushMilliseconds"/>. Reads see them at once.
    /// </summary>
    public long WriteBufferBytes { get; init; } = DefaultWriteBufferBytes;

    internal const long DefaultWriteBufferBytes = 4L << 20;

    /// <summary>Size of the journal region of a new store file, in bytes (1 MiB to 4 GiB, a multiple of 4 KiB). A checkpoint runs when it is half full.</summary>
    public long JournalBytes { get; init; } = 16L * 1024 * 1024;

    /// <summary>
    /// The largest value a put takes, in bytes (0 to 1 GiB, the default). Values longer than a tree keeps in its leaves
    /// (<see cref="Tree.MaxInlineValueBytes"/>) are kept out of line, in data buckets; a longer one is refused with
    /// <see cref="ValueTooLargeException"/>.
    /// </summary>
    public int MaxValueBytes { get; init; } = Trees.TreeValues.MaxLargeValueBytes;

    /// <summary>Open a store file only to read it: it must exist, writes are refused, nothing is written (not even a checkpoint at close).</summary>
    public bool ReadOnly { get; init; }

    /// <summary>
    /// Open a damaged store file to get at what can be read, read-only: where the journal is damaged,
    /// replay stops at the last intact commit instead of failing, and <see cref="Store.Recovery"/> says
    /// which commits were lost. Never use it to carry on writing: copy the data out.
    /// </summary>
    public bool Salvage { get; init; }

    /// <summary>Whether a store opened with these options refuses writes: read-only, or salvaging.</summary>
    internal bool RefusesWrites => ReadOnly || Salvage;

    /// <summary>The defaults.</summary>
    public static StoreOptions Default { get; } = new();

    /// <summary>Checks every option.</summary>
    /// <exception cref="ArgumentException">An option is out of range; the message names it, its value and the rule.</exception>
    public void Validate()
    {
        if (NodeBytes < 4096 || NodeBytes > 512 * 1024 || !int.IsPow2(NodeBytes))
            throw new ArgumentException($"StoreOptions.NodeBytes is {NodeBytes}; it must be a power of two from 4096 (4 KiB) to 524288 (512 KiB).", nameof(NodeBytes));
        if (BlockBytes < 512 || BlockBytes > 32 * 1024 || !int.IsPow2(BlockBytes))
            throw new ArgumentException($"StoreOptions.BlockBytes is {BlockBytes}; it must be a power of two from 512 to 32768 (32 KiB).", nameof(BlockBytes));
        if (BlockBytes >= NodeBytes)
            throw new ArgumentException($"StoreOptions.BlockBytes ({BlockBytes}) must be below NodeBytes ({NodeBytes}).", nameof(BlockBytes));
        if (!Enum.IsDefined(UnpackStrategy))
            throw new ArgumentException($"StoreOptions.UnpackStrategy is {(int)UnpackStrategy}, which names no strategy.", nameof(UnpackStrategy));
        if (!Enum.IsDefined(Durability))
            throw new ArgumentException($"StoreOptions.Durability is {(int)Durability}, which names no durability.", nameof(Durability));
        if (BufferedFlushMilliseconds is < 10 or > 60_000)
            throw new ArgumentException($"StoreOptions.BufferedFlushMilliseconds is {BufferedFlushMilliseconds}; it must be from 10 to 60000.", nameof(BufferedFlushMilliseconds));
        if (CacheBytes < 16L * NodeBytes)
            throw new ArgumentException($"StoreOptions.CacheBytes is {CacheBytes}; it must hold at least 16 nodes ({16L * NodeBytes} bytes).", nameof(CacheBytes));
        if (JournalBytes < 1024 * 1024 || JournalBytes > 4L * 1024 * 1024 * 1024 || JournalBytes % 4096 != 0)
            throw new ArgumentException($"StoreOptions.JournalBytes is {JournalBytes}; it must be a multiple of 4096 from 1 MiB to 4 GiB.", nameof(JournalBytes));
        if (MaxValueBytes is < 0 or > Trees.TreeValues.MaxLargeValueBytes)
            throw new ArgumentException($"StoreOptions.MaxValueBytes is {MaxValueBytes}; it must be from 0 to {Trees.TreeValues.MaxLargeValueBytes} (1 GiB).", nameof(MaxValueBytes));
        if (WriteBufferBytes < 0)
            throw new ArgumentException($"StoreOptions.WriteBufferBytes is {WriteBufferBytes}; it must be 0 (no write buffer) or more.", nameof(WriteBufferBytes));
        if (CompileThreshold < 0)
            throw new ArgumentException($"StoreOptions.CompileThreshold is {CompileThreshold}; it must be 0 or more.", nameof(CompileThreshold));
    }

    /// <summary>The size past which a write buffer is applied: <see cref="WriteBufferBytes"/>, within a quarter of the cache.</summary>
    internal long WriteBufferLimit => Math.Min(WriteBufferBytes, CacheBytes / 4);

    internal NodeGeometry Geometry => new(NodeBytes, BlockBytes);

    internal KeyCodecOptions CodecOptions => new() { Strategy = UnpackStrategy, CompileThreshold = CompileThreshold, Verify = VerifyUnpack };
}
