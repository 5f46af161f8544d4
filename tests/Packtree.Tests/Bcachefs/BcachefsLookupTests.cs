using System.Text;
using Packtree.Bcachefs;
using Packtree.Keys;

namespace Packtree.Tests.Bcachefs;

/// <summary>Hash-chain probing and snapshot visibility over made-up keys (the images have no collisions and one snapshot).</summary>
public class BcachefsLookupTests
{
    private const ulong Dir = 4096;
    private const uint Snapshot = uint.MaxValue;

    [Fact]
    public void Probing_follows_taken_slots_and_hash_whiteouts_and_stops_at_a_gap()
    {
        var h = 1000UL;
        List<BcachefsKey> chain = [Dirent(h, "a"), Whiteout(h + 1, 4), Dirent(h + 2, "b"), Whiteout(h + 3, 1), Dirent(h + 4, "c"), Dirent(h + 6, "far")];
        Assert.Equal("a", Find(chain, h, "a")?.Name);
        Assert.Equal("b", Find(chain, h, "b")?.Name);
        Assert.Equal("c", Find(chain, h, "c")?.Name);
        Assert.Null(Find(chain, h, "far")); // slot h+5 is empty: the chain ends there
        Assert.Null(Find(chain, h, "zzz"));
        Assert.Equal("far", Find(chain.Where(k => k.Position.Offset >= h + 6), h + 6, "far")?.Name);
        // A key of another type in a slot ends the chain too.
        Assert.Null(Find([Dirent(h, "a"), Whiteout(h + 1, 6), Dirent(h + 2, "b")], h, "b"));
        // An empty start slot finds nothing even when the name sits further on.
        Assert.Null(Find(chain.Skip(1), h, "b"));
        // Names compare as bytes, whole.
        Assert.Null(Find(chain, h, "A"));
        Assert.Null(Find([Dirent(h, "ab")], h, "a"));
        // The last slot of the key space ends the walk without wrapping.
        Assert.Null(Find([Dirent(ulong.MaxValue, "x")], ulong.MaxValue, "y"));
    }

    [Fact]
    public void A_view_sees_per_offset_the_key_of_the_nearest_visible_snapshot()
    {
        // Snapshot 2 is a child of 7; 9 is unrelated. Children have smaller ids and sort first.
        List<BcachefsKey> keys = [Key(5, 10, 2), Key(5, 10, 7), Key(5, 11, 7), Key(5, 12, 9), Key(5, 13, 2), Key(6, 1, 7)];
        var fromChild = BcachefsFileSystem.Visible(keys, 5, new Dictionary<uint, int> { [2] = 0, [7] = 1 }).Select(k => k.Position).ToList();
        Assert.Equal([new Bpos(5, 10, 2), new Bpos(5, 11, 7), new Bpos(5, 13, 2)], fromChild);
        var fromParent = BcachefsFileSystem.Visible(keys, 5, new Dictionary<uint, int> { [7] = 0 }).Select(k => k.Position).ToList();
        Assert.Equal([new Bpos(5, 10, 7), new Bpos(5, 11, 7)], fromParent);
        Assert.Empty(BcachefsFileSystem.Visible(keys, 4, new Dictionary<uint, int> { [7] = 0 }));
    }

    private static DirectoryEntry? Find(IEnumerable<BcachefsKey> slots, ulong hash, string name) =>
        BcachefsFileSystem.Probe(slots, hash, Encoding.UTF8.GetBytes(name), key =>
        {
            var dirent = BcachefsDirent.Read(key.Value.Span);
            return new DirectoryEntry(Encoding.UTF8.GetString(dirent.Name), dirent.Name, key.Position.Offset, dirent.Target, Snapshot, dirent);
        });

    private static BcachefsKey Dirent(ulong offset, string name)
    {
        var bytes = Encoding.UTF8.GetBytes(name);
        var value = new byte[(9 + bytes.Length + 7) / 8 * 8];
        BitConverter.TryWriteBytes(value.AsSpan(0, 8), 5000 + offset);
        value[8] = 8;
        bytes.CopyTo(value, 9);
        return new BcachefsKey(new Bpos(Dir, offset, Snapshot), 0, 0, 0, 10, value);
    }

    private static BcachefsKey Whiteout(ulong offset, byte type) => new(new Bpos(Dir, offset, Snapshot), 0, 0, 0, type, ReadOnlyMemory<byte>.Empty);

    private static BcachefsKey Key(ulong inode, ulong offset, uint snapshot) => new(new Bpos(inode, offset, snapshot), 0, 0, 0, 10, ReadOnlyMemory<byte>.Empty);
}
