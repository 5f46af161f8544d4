using Packtree.Keys;

namespace Packtree.Nodes;

/// <summary>
/// What a store requires of its nodes' keys beyond the key format's rules, as bcachefs validates keys
/// per btree and level when it reads a node: which key types a level holds and what their values must
/// say, and how the keys that survive the merge fit together (an interior node's pointers tile its
/// range). The codec asks as it reads, so that a key breaking them is reported like any other
/// corruption, with the node, the write and the byte offset.
/// </summary>
internal abstract class NodeKeyRules
{
    /// <summary>Why a key (its key fields) of <paramref name="type"/> with <paramref name="value"/> cannot be in the node <paramref name="header"/> describes; null when it can. Asked of every key of every write.</summary>
    public abstract string? KeyProblem(NodeHeader header, ReadOnlySpan<ulong> key, byte type, ReadOnlySpan<byte> value);

    /// <summary>Whether the rules need each key's whole header (size, version): the codec then unpacks it and asks the overload that takes it.</summary>
    public virtual bool WantsWholeKey => false;

    /// <summary>
    /// As <see cref="KeyProblem(NodeHeader, ReadOnlySpan{ulong}, byte, ReadOnlySpan{byte})"/>, for rules of position keys that
    /// need the whole key header (its size or version, say); asked instead of it when <see cref="WantsWholeKey"/> is true.
    /// </summary>
    public virtual string? KeyProblem(NodeHeader header, in Bkey key, ReadOnlySpan<byte> value) => KeyProblem(header, KeyFields.FromPosition(key.Position), key.Type, value);

    /// <summary>Why the node's surviving keys, in order, cannot stand together; null when they can. <paramref name="index"/> names the key at fault (the last one when none alone is).</summary>
    public abstract string? MergedProblem(NodeHeader header, IReadOnlyList<NodeKey> keys, out int index);
}

/// <summary>A key that survived a node's merge: its key fields (a slice of the merge's own array), type and value.</summary>
internal readonly record struct NodeKey(ReadOnlyMemory<ulong> Key, byte Type, ReadOnlyMemory<byte> Value)
{
    /// <summary>The key as a position (position keys only).</summary>
    public Bpos Position => KeyFields.ToPosition(Key.Span);
}
