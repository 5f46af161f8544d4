using CsCheck;
using Packtree.Bcachefs;
using Packtree.Keys;

namespace Packtree.Tests.Bcachefs;

public class BcachefsFileDataTests
{
    /// <summary>Extents of up to four snapshots (distance 0 = the view's own), each snapshot's extents disjoint.</summary>
    private static readonly Gen<List<(int Distance, int Start, int End)>> Layers =
        Gen.Int[1, 4].SelectMany(snapshots => Gen.Int[0, 31].HashSet[0, 12].Array[snapshots].Select(layers =>
        {
            var extents = new List<(int, int, int)>();
            for (var distance = 0; distance < layers.Length; distance++)
            {
                // Sorted cut points pair up into disjoint [start, end) ranges of 512-byte sectors.
                var cuts = layers[distance].Order().ToArray();
                for (var i = 0; i + 1 < cuts.Length; i += 2) extents.Add((distance, cuts[i], cuts[i + 1]));
            }
            return extents;
        }));

    [Fact]
    public void Nearer_snapshots_hide_farther_ones_byte_for_byte()
    {
        using var image = BcachefsImage.Open(ImageFolder.Image(ImageFolder.Names[0]));
        var data = image.Files.FileData(image.Files.Resolve("/"));
        Layers.Sample(layers =>
        {
            var candidates = layers.Select(l => new BcachefsFileData.Candidate(l.Start * 512L, l.End * 512L, l.Distance,
                new BcachefsKey(new Bpos(1, (ulong)l.End, (uint)l.Distance), (uint)(l.End - l.Start), 0, 0, 6, ReadOnlyMemory<byte>.Empty))).ToList();
            var pieces = data.Overlaid(candidates);
            for (var i = 1; i < pieces.Count; i++) Assert.True(pieces[i - 1].End <= pieces[i].Start);
            Assert.All(pieces, p => Assert.True(p.Start < p.End));
            for (var sector = 0; sector < 32; sector++)
            {
                var at = sector * 512L;
                var expected = candidates.Where(c => c.Start <= at && at < c.End).OrderBy(c => c.Distance).Select(c => (int?)c.Distance).FirstOrDefault();
                var piece = pieces.Where(p => p.Start <= at && at < p.End).ToList();
                Assert.True(piece.Count <= 1);
                Assert.Equal(expected, piece.Count == 0 ? null : piece[0].Distance);
                // A piece keeps its key: the data at a byte comes from the key that covers it.
                if (piece.Count == 1) Assert.True(piece[0].Key.Position.Offset * 512 > (ulong)at);
            }
        }, iter: 500);
    }

    [Fact]
    public void Overlapping_extents_of_one_snapshot_are_corruption()
    {
        using var image = BcachefsImage.Open(ImageFolder.Image(ImageFolder.Names[0]));
        var data = image.Files.FileData(image.Files.Resolve("/"));
        BcachefsFileData.Candidate Make(int distance, int start, int end) => new(start * 512L, end * 512L, distance,
            new BcachefsKey(new Bpos(1, (ulong)end, (uint)distance), (uint)(end - start), 0, 0, 6, ReadOnlyMemory<byte>.Empty));
        var e = Assert.Throws<CorruptImageException>(() => data.Overlaid([Make(0, 0, 8), Make(1, 2, 4), Make(1, 3, 9)]));
        Assert.Equal("extents", e.Part);
        Assert.Contains("same snapshot", e.Rule);
    }
}
