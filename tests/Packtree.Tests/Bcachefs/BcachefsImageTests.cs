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
        var expected = ImageFolder.TruthLines(name, "keycounts.txt")
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .ToDictionary(p => p[0], p => int.Parse(p[1], System.Globalization.CultureInfo.InvariantCulture));
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
    public void Keys_from_a_position_equal_the_tail_of_a_full_walk(string name)
    {
        using var image = BcachefsImage.Open(ImageFolder.Image(name));
        var random = new Random(name.GetHashCode(StringComparison.Ordinal));
        foreach (var btree in image.Btrees.Where(b => !b.IsEmpty))
        {
            var all = btree.Keys().ToList();
            for (var trial = 0; trial < 20; trial++)
            {
                var index = random.Next(all.Count + 1);
                // Probe at a key, just after it, and between keys.
                var from = index == all.Count ? Bpos.Max : (trial % 3) switch
                {
                    0 => all[index].Position,
                    1 => all[index].Position == Bpos.Max ? Bpos.Max : all[index].Position.Successor(),
                    _ => index == 0 ? Bpos.Min : all[index - 1].Position.Successor(),
                };
                var expected = all.Where(k => k.Position >= from).Take(5).Select(k => k.ToString()).ToList();
                var actual = btree.Keys(from).Take(5).Select(k => k.ToString()).ToList();
                Assert.Equal(expected, actual);
            }
        }
    }
}
