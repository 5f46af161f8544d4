namespace Packtree.Bcachefs;

/// <summary>
/// Nodes already read and verified, so cursors started one after another (one per file, when extracting) do
/// not read and check the same nodes again: every interior node is kept, leaves in a small LRU.
/// </summary>
internal sealed class NodeCache(BcachefsImage image, int leafCapacity)
{
    /// <summary>About how many bytes of leaves are kept.</summary>
    public const int LeafBudgetBytes = 32 << 20;

    /// <summary>The leaves kept for a node size: the budget's worth, at least 16 and at most 4096.</summary>
    public static int LeafCapacityFor(int nodeBytes) => Math.Clamp(LeafBudgetBytes / nodeBytes, 16, 4096);

    /// <summary>How many leaves are kept.</summary>
    public int LeafCapacity => leafCapacity;

    private readonly Lock _lock = new();
    private readonly Dictionary<(long Offset, ulong Seq), LoadedNode> _interior = [];
    private readonly Dictionary<(long Offset, ulong Seq), LinkedListNode<((long, ulong) Key, LoadedNode Node)>> _leaves = [];
    private readonly LinkedList<((long, ulong) Key, LoadedNode Node)> _leafOrder = [];

    /// <summary>Nodes read from the image so far (cache misses), for tests.</summary>
    public int Reads { get; private set; }

    /// <summary>The node <paramref name="pointer"/> points to, read on a miss.</summary>
    public LoadedNode Get(BcachefsBtree btree, BtreePointer pointer, int level)
    {
        var offset = image.NodeOffset(btree, pointer, level);
        var key = (offset, pointer.Seq);
        lock (_lock)
        {
            if (level > 0 && _interior.TryGetValue(key, out var interior)) return interior;
            if (level == 0 && _leaves.TryGetValue(key, out var leaf))
            {
                _leafOrder.Remove(leaf);
                _leafOrder.AddFirst(leaf);
                return leaf.Value.Node;
            }
        }
        var node = image.LoadNode(btree, pointer, level, offset);
        lock (_lock)
        {
            Reads++;
            if (level > 0) _interior[key] = node;
            else if (!_leaves.ContainsKey(key))
            {
                _leaves[key] = _leafOrder.AddFirst((key, node));
                if (_leafOrder.Count > leafCapacity)
                {
                    _leaves.Remove(_leafOrder.Last!.Value.Key);
                    _leafOrder.RemoveLast();
                }
            }
        }
        return node;
    }
}
