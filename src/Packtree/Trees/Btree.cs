using Packtree.Keys;
using Packtree.Nodes;

namespace Packtree.Trees;

/// <summary>
/// A btree of packed bcachefs nodes (docs/DESIGN.md §5–§6): leaves hold the keys, interior nodes hold
/// <c>btree_ptr_v2</c> pointer keys at each child's max_key, packed in the interior node's own format;
/// every node covers [min_key, max_key] and the children of a node tile its range. Keys are of one
/// <see cref="KeySchema"/> (bcachefs positions by default) and are passed as their key fields; the Bpos
/// overloads are the same operations for position keys.
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
    private readonly ulong[] _min;
    private readonly ulong[] _max;
    private BtreeNode _root;
    private readonly ulong[] _putFields; // a put's key fields, zero beyond the key fields
    private readonly byte[] _putValue; // a put's value padded to whole words

    /// <summary>A new, empty tree of <paramref name="schema"/> keys (positions when null): one leaf over the whole key space.</summary>
    public Btree(NodeStore store, uint id, KeySchema? schema = null)
    {
        if (id > NodeHeader.MaxBtreeId) throw new ArgumentOutOfRangeException(nameof(id), id, "A btree id has 20 bits in the node header.");
        _store = store;
        Id = id;
        Schema = schema ?? KeySchema.Positions;
        (_min, _max) = (KeyFields.Min(Schema), KeyFields.Max(Schema));
        MaxValueBytes = TreeValues.MaxBytesFor(store.Codec.Geometry.NodeBytes, Schema);
        (_putFields, _putValue) = (new ulong[Schema.FieldCount], new byte[Math.Max(MaxValueBytes, 0) + 8]);
        if (MaxValueBytes < 0)
            throw new ArgumentException($"Nodes of {store.Codec.Geometry.NodeBytes} bytes are too small for keys of {Schema}: an unpacked key takes {UnpackedKeyBytes} bytes and a node must hold four with their values; use nodes of at least {MinNodeBytes(Schema)} bytes.", nameof(schema));
        _root = NewNode(level: 0, _min, _max, nodeSeq: 1);
        RootPointer = _store.Add(_root);
    }

    /// <summary>A tree whose root is already in <paramref name="store"/> (reopened from a checkpoint that counted <paramref name="count"/> keys).</summary>
    /// <exception cref="CorruptStoreException">The root is a leaf holding another number of keys than <paramref name="count"/> (<see cref="StorePart.Tree"/>).</exception>
    public Btree(NodeStore store, uint id, BtreePointer root, int rootLevel, long count, KeySchema? schema = null)
    {
        _store = store;
        Id = id;
        Schema = schema ?? KeySchema.Positions;
        (_min, _max) = (KeyFields.Min(Schema), KeyFields.Max(Schema));
        _root = store.Load(root, new NodeExpectation(id, rootLevel, _min, _max) { Schema = Schema });
        RootPointer = root;
        Count = count;
        MaxValueBytes = TreeValues.MaxBytesFor(store.Codec.Geometry.NodeBytes, Schema);
        (_putFields, _putValue) = (new ulong[Schema.FieldCount], new byte[Math.Max(MaxValueBytes, 0) + 8]);
        // A root leaf is all the keys there are: its count is checked at once; a deeper tree's when Verify walks it.
        if (rootLevel == 0 && _root.KeyOffsets().Count() is var keys && keys != count)
            throw new CorruptStoreException($"Btree {id}: the checkpoint counts {count} keys, its root leaf holds {keys}: the key count or the root node is damaged.",
                StorePart.Tree, null, $"the key count {count} differs from the {keys} keys of the root leaf");
        CountUnconfirmed = rootLevel != 0;
    }

    /// <summary>The btree id written in every node's header.</summary>
    public uint Id { get; }

    /// <summary>What the tree's keys are made of.</summary>
    public KeySchema Schema { get; }

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
    private int NodeKeyBytes => _store.Codec.Geometry.NodeBytes - NodeHeader.BytesFor(Schema) - 8;

    /// <summary>The smallest node size (a power of two) that holds four unpacked keys of <paramref name="schema"/> with values of a few words.</summary>
    public static int MinNodeBytes(KeySchema schema)
    {
        var bytes = 512;
        while (TreeValues.MaxBytesFor(bytes, schema) < 64) bytes *= 2;
        return bytes;
    }

    /// <summary>Bytes of an unpacked key of the tree's schema.</summary>
    private int UnpackedKeyBytes => Schema.UnpackedFormat.KeyBytes;

    /// <summary>The leaf whose range holds <paramref name="position"/>.</summary>
    public BtreeNode LeafFor(Bpos position)
    {
        Span<ulong> key = stackalloc ulong[BkeyFields.PositionCount];
        KeyFields.FromPosition(position, key);
        return LeafFor(key);
    }

    /// <summary>The leaf whose range holds <paramref name="key"/>.</summary>
    public BtreeNode LeafFor(ReadOnlySpan<ulong> key)
    {
        _store.BeginOperation();
        return NodeFor(key, 0);
    }

    /// <summary>The node at <paramref name="level"/> whose range holds <paramref name="key"/>.</summary>
    public BtreeNode NodeFor(ReadOnlySpan<ulong> key, int level)
    {
        var node = _root;
        while (node.Header.Level > level)
        {
            var at = node.FindAtOrAfter(key);
            if (at < 0) throw Broken(node, $"no pointer at or after {KeyFields.Text(Schema, key)}");
            node = Child(node, at);
        }
        return node;
    }

    /// <summary>The child behind the pointer key at byte <paramref name="at"/> of <paramref name="parent"/>.</summary>
    internal BtreeNode Child(BtreeNode parent, int at)
    {
        var cached = _store.TryGetCached(parent.ValueWordAt(at, 0), parent.ValueWordAt(at, 1));
        if (cached is not null) return cached;
        var pointer = BtreePointer.Read(parent.ValueAt(at), Schema);
        var expected = new NodeExpectation(Id, parent.Header.Level - 1, pointer.MinKey, parent.KeyAt(at), (pointer.Flags & 1) != 0) { Schema = Schema };
        var child = _store.Load(pointer, expected);
        if (child.Handle >= 0) parent.SetValueWordHint(at, 0, (ulong)child.Handle + 1); // the next descent finds it by slot
        return child;
    }

    /// <summary>The live value at <paramref name="position"/>: its leaf and byte offset there, or false.</summary>
    public bool TryFind(Bpos position, out BtreeNode leaf, out int at)
    {
        Span<ulong> key = stackalloc ulong[BkeyFields.PositionCount];
        KeyFields.FromPosition(position, key);
        return TryFind(key, out leaf, out at);
    }

    /// <summary>The live value at <paramref name="key"/>: its leaf and byte offset there, or false.</summary>
    public bool TryFind(ReadOnlySpan<ulong> key, out BtreeNode leaf, out int at)
    {
        leaf = LeafFor(key); // starts the operation
        at = leaf.FindLive(key);
        return at >= 0;
    }

    /// <summary>The value bytes of the live key at byte <paramref name="at"/> of <paramref name="leaf"/>, padding removed.</summary>
    public static ReadOnlySpan<byte> ValueOf(BtreeNode leaf, int at) => TreeValues.Unpad(leaf.TypeAt(at), leaf.ValueAt(at));

    private BtreeNode NewNode(int level, ulong[] min, ulong[] max, uint nodeSeq)
    {
        var format = new BkeyFormatBuilder(Schema).AddKeyFields(min).AddKeyFields(max).Build();
        var header = new NodeHeader(_store.Codec.Magic, NodeHeader.MakeFlags(Id, level, nodeSeq), min, max, format);
        return BtreeNode.Create(_store.Codec, header, BtreeNode.NewSeq(), _store.CodecOptions);
    }

    private InvalidOperationException Broken(BtreeNode node, string what) =>
        new($"Btree {Id}: node at level {node.Header.Level} over {node.Header.RangeText}: {what}.");
}
