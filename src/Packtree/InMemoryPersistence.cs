using Packtree.Codegen;
using Packtree.Nodes;
using Packtree.Storage;
using Packtree.Trees;

namespace Packtree;

/// <summary>
/// The in-memory twin of <see cref="FilePersistence"/>: nodes in memory, no journal, nothing to flush or checkpoint.
/// Large values use the file's code on a device in memory, whose emptied buckets are freed at once.
/// </summary>
internal sealed class InMemoryPersistence : StorePersistence
{
    private readonly KeyCodecOptions _codecOptions;

    public InMemoryPersistence(NodeCodec codec, KeyCodecOptions codecOptions)
    {
        Codec = codec;
        _codecOptions = codecOptions;
        var bucketBytes = codec.Geometry.NodeBytes;
        Large = new LargeValues(new Btree(NodesForNewTree(), LargeValues.TreeId),
            new DataBuckets(new MemoryStorageDevice(bucketBytes), new BucketAllocator(holdFreed: false), 0, bucketBytes));
    }

    public override NodeCodec Codec { get; }

    public override LargeValues Large { get; }

    public override Journal? Journal => null;

    public override bool IsPersistent => false;

    public override Exception? Failure => null;

    public override StoreStatistics Statistics => default;

    public override NodeStore NodesForNewTree() => new InMemoryNodeStore(Codec, _codecOptions);
}
