using Packtree.Keys;
using Packtree.Nodes;

namespace Packtree.Trees;

/// <summary>
/// A btree of packed bcachefs nodes (docs/DESIGN.md §5–§6): leaves hold the keys, interior nodes hold
/// <c>btree_ptr_v2</c> pointer keys at each child's max_key, packed in the interior node's own format;
/// every node covers [min_key, max_key] and the children of a node tile its range.
/// </summary>
/// <remarks>
/// Not thread-safe. The store above serializes writers and keeps readers out while one writes; within
/// that, reads never change the tree. The partial class is split by job: reads, updates (insert,
/// delete, split, compaction), merges, verification.
/// </remarks>
internal sealed partial class Btree
{
    /// <summary>Levels a tree may have: the node header keeps the level in 4 bits.</summary>
    public const int MaxLevels = 16;

    private readonly NodeStore _store;
    private BtreeNode _root;

    /// <summary>A new, empty tree: one leaf over [POS_MIN, SPOS_MAX].</summary>
    public Btree(NodeStore store, uint id)
    {
        if (id > NodeHeader.MaxBtreeId) throw new ArgumentOutOfRangeException(nameof(id), id, "A btree id has 20 bits in the node header.");
        _store = store;
        Id = id;
        _root = NewNode(level: 0, Bpos.Min, Bpos.Max, nodeSeq: 1);
        RootPointer = _store.Add(_root);
        MaxValueBytes = TreeValues.MaxBytesFor(store.Codec.Geometry.NodeBytes);
    }

    /// <summary>A tree whose root is already in <paramref name="store"/> (reopened from a checkpoint that counted <paramref name="count"/> keys).</summary>
    /// <exception cref="CorruptStoreException">The root is a leaf holding another number of keys than <paramref name="count"/> (<see cref="StorePart.Tree"/>).</exception>
    public Btree(NodeStore store, uint id, BtreePointer root, int rootLevel, long count)
    {
        _store = store;
        Id = id;
        _root = store.Load(root, new NodeExpectation(id, rootLevel, Bpos.Min, Bpos.Max));
        RootPointer = root;
        Count = count;
        MaxValueBytes = TreeValues.MaxBytesFor(store.Codec.Geometry.NodeBytes);
        // A root leaf is all the keys there are: its count is checked at once; a deeper tree's when Verify walks it.
        if (rootLevel == 0 && _root.KeyOffsets().Count() is var keys && keys != count)
            throw new CorruptStoreException($"Btree {id}: the checkpoint counts {count} keys, its root leaf holds {keys}: the key count or the root node is damaged.",
                StorePart.Tree, null, $"the key count {count} differs from the {keys} keys of the root leaf");
        CountUnconfirmed = rootLevel != 0;
    }

    /// <summary>The btree id written in every node's header.</summary>
    public uint Id { get; }

    /// <summary>The root's level: 0 while the root is a leaf.</summary>
    public int RootLevel => _root.Header.Level;

    /// <summary>The pointer to the root (bcachefs keeps it in a <c>btree_root</c> journal entry).</summary>
    public BtreePointer RootPointer { get; private set; }

    /// <summary>Live keys in the tree.</summary>
    public long Count { get; private set; }

    /// <summary>
    /// Whether <see cref="Count"/> started from a count read from a store file that no walk of the leaves
    /// has confirmed yet: a disagreement found then is damage in the file, not a fault of the tree.
    /// </summary>
    public bool CountUnconfirmed { get; private set; }

    /// <summary>Bumped by every change: a cursor that saw another version re-seeks.</summary>
    public ulong Version { get; private set; }

    /// <summary>Journal sequence number stamped on the updates that follow (the store's commit counter).</summary>
    public ulong JournalSeq { get; set; }

    /// <summary>The largest value this tree takes, in bytes.</summary>
    public int MaxValueBytes { get; }

    /// <summary>The store holding the nodes.</summary>
    public NodeStore Store => _store;

    /// <summary>The root node.</summary>
    public BtreeNode Root => _root;

    /// <summary>Bytes a node may fill with keys: the node less its header and the reserved last word.</summary>
    private int NodeKeyBytes => _store.Codec.Geometry.NodeBytes - NodeHeader.ByteCount - 8;

    /// <summary>The leaf whose range holds <paramref name="position"/>.</summary>
    public BtreeNode LeafFor(Bpos position)
    {
        _store.BeginOperation();
        return NodeFor(position, 0);
    }

    /// <summary>The node at <paramref name="level"/> whose range holds <paramref name="position"/>.</summary>
    public BtreeNode NodeFor(Bpos position, int level)
    {
        var node = _root;
        while (node.Header.Level > level)
        {
            var at = node.FindAtOrAfter(position);
            if (at < 0) throw Broken(node, $"no pointer at or after {position}");
            node = Child(node, at);
        }
        return node;
    }

    /// <summary>The child behind the pointer key at byte <paramref name="at"/> of <paramref name="parent"/>.</summary>
    internal BtreeNode Child(BtreeNode parent, int at)
    {
        var cached = _store.TryGetCached(parent.ValueWordAt(at, 0), parent.ValueWordAt(at, 1));
        if (cached is not null) return cached;
        var pointer = BtreePointer.Read(parent.ValueAt(at));
        var expected = new NodeExpectation(Id, parent.Header.Level - 1, pointer.MinKey, parent.PositionAt(at), (pointer.Flags & 1) != 0);
        var child = _store.Load(pointer, expected);
        if (child.Handle >= 0) parent.SetValueWordHint(at, 0, (ulong)child.Handle + 1); // the next descent finds it by slot
        return child;
    }

    /// <summary>The live value at <paramref name="position"/>: its leaf and byte offset there, or false.</summary>
    public bool TryFind(Bpos position, out BtreeNode leaf, out int at)
    {
        leaf = LeafFor(position); // starts the operation
        at = leaf.FindLive(position);
        return at >= 0;
    }

    /// <summary>The value bytes of the live key at byte <paramref name="at"/> of <paramref name="leaf"/>, padding removed.</summary>
    public static ReadOnlySpan<byte> ValueOf(BtreeNode leaf, int at) => TreeValues.Unpad(leaf.TypeAt(at), leaf.ValueAt(at));

    private BtreeNode NewNode(int level, Bpos min, Bpos max, uint nodeSeq)
    {
        var format = new BkeyFormatBuilder().AddPosition(min).AddPosition(max).Build();
        var header = new NodeHeader(_store.Codec.Magic, NodeHeader.MakeFlags(Id, level, nodeSeq), min, max, format);
        return BtreeNode.Create(_store.Codec, header, BtreeNode.NewSeq(), _store.CodecOptions);
    }

    private InvalidOperationException Broken(BtreeNode node, string what) =>
        new($"Btree {Id}: node at level {node.Header.Level} over {node.Header.MinPosition}..{node.Header.MaxPosition}: {what}.");
}
