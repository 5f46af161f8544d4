using System.Buffers.Binary;
using Packtree.Keys;

namespace Packtree.Bcachefs;

/// <summary>
/// Which snapshots' keys a view of the filesystem sees: its own snapshot and that snapshot's ancestors
/// (the <c>snapshots</c> btree's parent links, image facts §2.3). Descendants have smaller ids than their
/// ancestors, so among the keys of one position the first visible one in key order is the view's.
/// </summary>
internal sealed class BcachefsSnapshots(BcachefsImage image)
{
    private const int ParentOffset = 4;

    private readonly Dictionary<uint, Dictionary<uint, int>> _visible = [];

    /// <summary>
    /// The snapshot ids visible from <paramref name="snapshot"/> with their distance from it: itself (0), its
    /// parent (1), and so on up to the tree's root. A nearer snapshot's key hides a farther one's.
    /// </summary>
    public IReadOnlyDictionary<uint, int> Visible(uint snapshot)
    {
        lock (_visible)
        {
            if (_visible.TryGetValue(snapshot, out var known)) return known;
            var set = new Dictionary<uint, int> { [snapshot] = 0 };
            var btree = image.Btree("snapshots");
            // Parent links of a damaged image may loop: the set stops the walk at the first repeat.
            for (var id = snapshot; id != 0;)
            {
                var key = btree.Keys(new Bpos(0, id, 0)).FirstOrDefault();
                if (key is null || key.Position != new Bpos(0, id, 0) || key.Value.Length < ParentOffset + 4) break;
                var parent = BinaryPrimitives.ReadUInt32LittleEndian(key.Value.Span[ParentOffset..]);
                if (parent == 0 || !set.TryAdd(parent, set.Count)) break;
                id = parent;
            }
            _visible[snapshot] = set;
            return set;
        }
    }
}
