using Packtree.Codegen;
using Packtree.Nodes;
using Packtree.Storage;
using Packtree.Trees;

namespace Packtree;

/// <summary>The in-memory twin of <see cref="FilePersistence"/>: nodes in memory, no journal, nothing to flush or checkpoint.</summary>
internal sealed class InMemoryPersistence(NodeCodec codec, KeyCodecOptions codecOptions) : StorePersistence
{
    public override NodeCodec Codec { get; } = codec;

    public override Journal? Journal => null;

    public override bool IsPersistent => false;

    public override Exception? Failure => null;

    public override StoreStatistics Statistics => default;

    public override NodeStore NodesForNewTree() => new InMemoryNodeStore(Codec, codecOptions);
}
