using Packtree.Keys;

namespace Packtree.Bcachefs;

/// <summary>
/// One btree of a bcachefs image: its root and its keys, in position order, as <c>bcachefs list</c> iterates
/// them (leaf keys of every snapshot, each node's writes merged newest-wins, deleted keys dropped). On an image
/// that was not shut down cleanly the journal's keys are overlaid: a journal key replaces the node key at its position.
/// </summary>
public sealed class BcachefsBtree
{
    private readonly BcachefsImage _image;
    private readonly BcachefsKey[] _overlay;

    internal BcachefsBtree(BcachefsImage image, int id, RootEntry? root, BcachefsKey[] overlay)
    {
        _image = image;
        Id = id;
        Root = root;
        _overlay = overlay;
    }

    /// <summary>The btree id (0..26).</summary>
    public int Id { get; }

    /// <summary>The btree's name as bcachefs prints it.</summary>
    public string Name => BcachefsNames.Btree(Id);

    /// <summary>The root node's level (0 for a single leaf, and for an empty btree).</summary>
    public int RootLevel => Root?.Level ?? 0;

    /// <summary>Whether the btree has no root (no node on disk, no keys).</summary>
    public bool IsEmpty => Root?.Pointer is null && _overlay.Length == 0;

    /// <summary>The root record the btree was opened from (null: none).</summary>
    internal RootEntry? Root { get; }

    /// <summary>The journal keys overlaid on this btree (newest per position, sorted; empty on a clean image).</summary>
    internal IReadOnlyList<BcachefsKey> Overlay => _overlay;

    /// <summary>Every leaf key, in order. Lazy: nodes are read as the enumeration reaches them.</summary>
    /// <exception cref="Packtree.CorruptNodeException">A node breaks a rule; the message names btree, level and byte offset.</exception>
    public IEnumerable<BcachefsKey> Keys() => Keys(Bpos.Min);

    /// <summary>The leaf keys from the first one at or after <paramref name="from"/>, in order, found by descending from the root.</summary>
    /// <exception cref="Packtree.CorruptNodeException">A node breaks a rule; the message names btree, level and byte offset.</exception>
    public IEnumerable<BcachefsKey> Keys(Bpos from)
    {
        var nodeKeys = Root?.Pointer is { } root ? Walk(root, Root.Level, from) : [];
        return _overlay.Length == 0 ? nodeKeys : Overlaid(nodeKeys, from);
    }

    /// <summary>The raw walk: every node, root first, then each child's subtree in key order.</summary>
    internal IEnumerable<BcachefsNodeInfo> Nodes() => _image.WalkNodes(this, problems: null);

    private IEnumerable<BcachefsKey> Walk(BtreePointer pointer, int level, Bpos from)
    {
        var node = _image.Cache.Get(this, pointer, level);
        if (level == 0)
        {
            var keys = node.Keys!;
            for (var i = FirstAtOrAfter(keys, from); i < keys.Length; i++) yield return keys[i];
            yield break;
        }
        var children = node.Children!;
        for (var i = FirstChildFor(children, from); i < children.Length; i++)
            foreach (var key in Walk(children[i], level - 1, from))
                yield return key;
    }

    /// <summary>Merges the node keys with the journal's: equal positions go to the journal key, and deleted journal keys hide both.</summary>
    private IEnumerable<BcachefsKey> Overlaid(IEnumerable<BcachefsKey> nodeKeys, Bpos from)
    {
        var j = FirstAtOrAfter(_overlay, from);
        foreach (var key in nodeKeys)
        {
            for (; j < _overlay.Length && _overlay[j].Position < key.Position; j++)
                if (_overlay[j].Type != 0) yield return _overlay[j];
            if (j < _overlay.Length && _overlay[j].Position == key.Position)
            {
                if (_overlay[j].Type != 0) yield return _overlay[j];
                j++;
                continue;
            }
            yield return key;
        }
        for (; j < _overlay.Length; j++)
            if (_overlay[j].Type != 0) yield return _overlay[j];
    }

    private static int FirstAtOrAfter(BcachefsKey[] keys, Bpos from)
    {
        int low = 0, high = keys.Length;
        while (low < high)
        {
            var mid = (low + high) >>> 1;
            if (keys[mid].Position < from) low = mid + 1;
            else high = mid;
        }
        return low;
    }

    /// <summary>The first child whose range reaches <paramref name="from"/>: the first pointer at or after it.</summary>
    private static int FirstChildFor(BtreePointer[] children, Bpos from)
    {
        int low = 0, high = children.Length;
        while (low < high)
        {
            var mid = (low + high) >>> 1;
            if (children[mid].MaxKey < from) low = mid + 1;
            else high = mid;
        }
        return low;
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Name} (id {Id}, root level {RootLevel}{(IsEmpty ? ", empty" : "")})";
}
