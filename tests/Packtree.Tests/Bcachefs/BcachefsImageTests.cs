using CsCheck;
using Packtree.Bcachefs;
using Packtree.Keys;

namespace Packtree.Tests.Bcachefs;

/// <summary>Opening real images: the btrees' keys equal what <c>bcachefs list</c> printed, key by key.</summary>
public class BcachefsImageTests
{
    public static TheoryData<string> Images => ImageFolder.All;

    [Theory]
    [MemberData(nameof(Images))]
    public void Key_counts_per_btree_equal_the_listing(string name)
    {
        using var image = BcachefsImage.Open(ImageFolder.Image(name));
        var expected = ImageFolder.KeyCounts(name);
        Assert.Equal(BcachefsNames.Btrees.Length, image.Btrees.Count);
        foreach (var btree in image.Btrees)
        {
            Assert.Same(btree, image.Btrees[btree.Id]);
            Assert.True(expected.TryGetValue(btree.Name, out var count), $"{name}: no key count for {btree.Name}");
            Assert.Equal(count, btree.Keys().Count());
            Assert.Equal(count == 0, btree.IsEmpty || !btree.Keys().Any());
        }
    }

    [Theory]
    [MemberData(nameof(Images))]
    public void Every_key_part_equals_the_listing_line(string name)
    {
        using var image = BcachefsImage.Open(ImageFolder.Image(name));
        var total = 0;
        foreach (var btree in image.Btrees)
        {
            var lines = ImageFolder.HasTruth(name, $"list.{btree.Name}.txt") ? ImageFolder.TruthLines(name, $"list.{btree.Name}.txt") : [];
            var keys = btree.Keys().ToList();
            Assert.Equal(lines.Length, keys.Count);
            for (var i = 0; i < lines.Length; i++)
            {
                var cut = lines[i].IndexOf("  : ", StringComparison.Ordinal);
                var keyPart = cut < 0 ? lines[i].TrimEnd() : lines[i][..cut];
                if (keyPart != keys[i].ToString())
                    Assert.Fail($"{name} {btree.Name} key {i}: listed '{keyPart}', read '{keys[i]}'");
            }
            total += lines.Length;
        }
        Assert.True(total > 0, $"{name}: the listing holds no key");
    }

    [Theory]
    [MemberData(nameof(Images))]
    public void Keys_from_any_position_equal_the_tail_of_a_full_walk(string name)
    {
        using var image = BcachefsImage.Open(ImageFolder.Image(name));
        var lists = image.Btrees.Select(b => b.Keys().ToList()).ToArray();
        // Positions near real keys (at, before, after one) and anywhere at all, in any btree.
        var near = Gen.Select(Gen.Int[0, image.Btrees.Count - 1], Gen.Int[0, int.MaxValue], Gen.Int[-1, 1], (btree, index, step) =>
        {
            var keys = lists[btree];
            if (keys.Count == 0) return (btree, Bpos.Min);
            var p = keys[index % keys.Count].Position;
            return (btree, step < 0 && p != Bpos.Min ? p.Predecessor() : step > 0 && p != Bpos.Max ? p.Successor() : p);
        });
        var anywhere = Gen.Select(Gen.Int[0, image.Btrees.Count - 1], Gen.ULong, Gen.ULong, Gen.UInt, (btree, inode, offset, snapshot) => (btree, new Bpos(inode, offset, snapshot)));
        Gen.Frequency((4, near), (1, anywhere)).Sample(probe =>
        {
            var (btree, from) = probe;
            var expected = lists[btree].Where(k => k.Position >= from).Take(4).Select(k => k.ToString());
            Assert.Equal(expected, image.Btrees[btree].Keys(from).Take(4).Select(k => k.ToString()));
        }, iter: 2000);
    }
}
