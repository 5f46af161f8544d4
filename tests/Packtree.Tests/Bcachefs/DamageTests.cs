using System.IO.Hashing;
using System.Text;
using Packtree.Bcachefs;
using Packtree.Keys;
using Packtree.Nodes;

namespace Packtree.Tests.Bcachefs;

/// <summary>
/// Damaged copies of real images: a changed byte in a node, the journal or the superblock is either detected and
/// reported where it is, or provably harmless; never a crash, a hang, or a different key listed without a problem.
/// </summary>
public class DamageTests
{
    public static TheoryData<string> Images => ImageFolder.All;

    private static int Trials => DamageTrials.Count(36);

    [Theory]
    [MemberData(nameof(Images))]
    public async Task Random_byte_damage_is_detected_or_harmless(string name)
    {
        using var copy = new ImageCopy(name);
        var baseline = Baseline.Of(copy.Path);
        var seed = Environment.TickCount;
        var random = new Random(seed);
        for (var trial = 0; trial < Trials; trial++)
        {
            var kind = trial % 3;
            var (offset, where) = kind switch
            {
                0 => baseline.NodeByte(random),
                1 => baseline.JournalByte(random),
                _ => baseline.SuperblockByte(random),
            };
            var old = copy.Read(offset, 1)[0];
            var changed = (byte)(old ^ (1 + random.Next(255)));
            copy.Write(offset, [changed]);
            var context = $"{name}, seed {seed}, trial {trial}: byte {offset} ({where}) changed from {old:x2} to {changed:x2}";
            try
            {
                await DamageTrials.Within(() => Verify(copy.Path, baseline, kind, offset, context), context);
            }
            finally
            {
                copy.Write(offset, [old]);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Images))]
    public void A_resigned_pointer_that_leaves_a_gap_is_caught_by_the_topology_rule(string name)
    {
        using var copy = new ImageCopy(name);
        BcachefsNodeInfo node;
        int nodeBytes;
        using (var image = BcachefsImage.Open(copy.Path))
        {
            nodeBytes = image.Superblock.NodeBytes;
            node = image.Btrees.SelectMany(b => b.Nodes()).First(n => n.Level > 0 && n.Bsets[^1].Keys.Count > 1);
        }
        // The last write's second pointer: move its min_key one position up (a one-position gap), and sign the write again.
        var bset = node.Bsets[^1];
        var key = bset.Keys[1];
        var keyBytes = key.Packed ? node.Format.KeyBytes : Bkey.ByteCount;
        var at = node.ByteOffset + key.ByteOffset + keyBytes + 20;
        var min = Bpos.Read(copy.Read(at, Bpos.ByteCount));
        var moved = new byte[Bpos.ByteCount];
        min.Successor().Write(moved);
        copy.Write(at, moved);
        copy.ResealBset(node, bset);
        using var damaged = BcachefsImage.Open(copy.Path);
        var btree = damaged.Btree(node.Btree);
        var error = Assert.Throws<CorruptNodeException>(() => btree.Keys().Count());
        Assert.Contains($"{node.Btree} level {node.Level} at byte {node.ByteOffset}", error.Message, StringComparison.Ordinal);
        Assert.True(error.Message.Contains("gap", StringComparison.Ordinal), error.Message);
        Assert.InRange(error.FileOffset ?? -1, node.ByteOffset, node.ByteOffset + nodeBytes - 1);
        var problem = Assert.Single(damaged.CheckMetadata());
        Assert.Equal(("node", node.Btree, node.Level), (problem.Part, problem.Btree, problem.Level));
    }

    [Theory]
    [MemberData(nameof(Images))]
    public void A_resigned_extent_of_size_zero_is_caught_by_the_key_rule(string name)
    {
        using var copy = new ImageCopy(name);
        BcachefsNodeInfo node;
        using (var image = BcachefsImage.Open(copy.Path))
            node = image.Btree("extents").Nodes().First(n => n.Level == 0 && n.Bsets.Any(b => b.Keys.Any(k => !k.Packed && k.Type == 6)));
        var bset = node.Bsets.First(b => b.Keys.Any(k => !k.Packed && k.Type == 6));
        var key = bset.Keys.First(k => !k.Packed && k.Type == 6);
        copy.Write(node.ByteOffset + key.ByteOffset + 16, new byte[4]); // struct bkey's size
        copy.ResealBset(node, bset);
        using var damaged = BcachefsImage.Open(copy.Path);
        var error = Assert.Throws<CorruptNodeException>(() => damaged.Btree("extents").Keys().Count());
        Assert.Contains("an extent of size 0", error.Message, StringComparison.Ordinal);
        Assert.Equal(node.ByteOffset + key.ByteOffset, error.FileOffset);
    }

    private static void Verify(string path, Baseline baseline, int kind, long offset, string context)
    {
        BcachefsImage image;
        try
        {
            image = BcachefsImage.Open(path);
        }
        catch (CorruptImageException e)
        {
            // Only a superblock whose every copy is bad may stop the opening; one changed byte cannot do that.
            throw new Xunit.Sdk.XunitException($"{context}: the image did not open: {e.Message}");
        }
        using (image)
        {
            var problems = image.CheckMetadata().ToList();
            var listed = baseline.TryHashes(image, out var error);
            var detected = kind switch
            {
                0 => problems.Any(p => p.Part == "node" && baseline.SameNode(p.ByteOffset, offset)),
                1 => problems.Any(p => p.Part == "journal"),
                _ => problems.Any(p => p.Part == "superblock" && p.ByteOffset >= baseline.SuperblockOffset && p.ByteOffset < baseline.SuperblockOffset + baseline.SuperblockBytes),
            };
            if (kind == 0)
            {
                // A node's bytes are all checksummed: the node must be reported, and reading its btree must fail there.
                Assert.True(detected, $"{context}: no problem names the node; problems: {string.Join("; ", problems)}");
                Assert.True(error is not null && baseline.SameNode(error.FileOffset ?? -1, offset), $"{context}: reading the keys gave {error?.Message ?? "no error"}");
                return;
            }
            Assert.True(error is null, $"{context}: the keys could not be read: {error?.Message}");
            if (!detected)
            {
                // Harmless only when nothing the reader returns changed: the journal write lies outside the replay window.
                Assert.True(kind == 1 && baseline.JournalSeqAt(offset) < baseline.LastSeq, $"{context}: not reported; problems: {string.Join("; ", problems)}");
            }
            Assert.True(listed!.SequenceEqual(baseline.Hashes), $"{context}: the keys listed changed{(detected ? "" : " and no problem was reported")}");
        }
    }

    /// <summary>What the sound image holds: key hashes per btree, and where its nodes, jsets and primary superblock lie.</summary>
    private sealed class Baseline
    {
        public required ulong[] Hashes { get; init; }
        public required List<(long Start, long End, long Node)> NodeRanges { get; init; }
        public required int NodeBytes { get; init; }
        public required List<(long Start, long End, ulong Seq)> Jsets { get; init; }
        public required long SuperblockOffset { get; init; }
        public required int SuperblockBytes { get; init; }
        public required ulong LastSeq { get; init; }

        public static Baseline Of(string path)
        {
            using var image = BcachefsImage.Open(path);
            Assert.Empty(image.CheckMetadata());
            var ranges = new List<(long, long, long)>();
            foreach (var node in image.Btrees.SelectMany(b => b.Nodes()))
                foreach (var bset in node.Bsets)
                {
                    var header = bset.ByteOffset == 0 ? NodeHeader.ByteCount : NodeCodec.EntryHeaderBytes;
                    ranges.Add((node.ByteOffset + bset.ByteOffset, node.ByteOffset + bset.ByteOffset + header + bset.Header.U64s * 8, node.ByteOffset));
                }
            var sb = image.Superblock;
            return new Baseline
            {
                Hashes = TryHashesOf(image, out _)!,
                NodeRanges = ranges,
                NodeBytes = sb.NodeBytes,
                Jsets = [.. image.Journal.Jsets.Select(j => (j.ByteOffset, j.ByteOffset + Jset.HeaderBytes + j.Entries.Length, j.Seq))],
                SuperblockOffset = (long)sb.Sector * 512,
                SuperblockBytes = SuperblockReader.FixedBytes + 8 * sb.U64s,
                LastSeq = image.Journal.LastSeq,
            };
        }

        public (long, string) NodeByte(Random random)
        {
            var (start, end, node) = NodeRanges[random.Next(NodeRanges.Count)];
            return (start + random.NextInt64(end - start), $"in a write of the node at byte {node}");
        }

        public (long, string) JournalByte(Random random)
        {
            var (start, end, seq) = Jsets[random.Next(Jsets.Count)];
            return (start + random.NextInt64(end - start), $"in jset seq {seq}");
        }

        public (long, string) SuperblockByte(Random random) => (SuperblockOffset + random.Next(SuperblockBytes), "in the primary superblock");

        public bool SameNode(long reported, long damaged) =>
            NodeRanges.Any(r => damaged >= r.Start && damaged < r.End && reported >= r.Node && reported < r.Node + NodeBytes);

        public ulong JournalSeqAt(long offset) => Jsets.First(j => offset >= j.Start && offset < j.End).Seq;

        public ulong[]? TryHashes(BcachefsImage image, out CorruptNodeException? error) => TryHashesOf(image, out error);

        private static ulong[]? TryHashesOf(BcachefsImage image, out CorruptNodeException? error)
        {
            error = null;
            var hashes = new ulong[image.Btrees.Count];
            try
            {
                foreach (var btree in image.Btrees)
                {
                    var hash = new XxHash64();
                    foreach (var key in btree.Keys())
                    {
                        hash.Append(Encoding.UTF8.GetBytes(key.ToString()));
                        hash.Append(key.Value.Span);
                    }
                    hashes[btree.Id] = hash.GetCurrentHashAsUInt64();
                }
            }
            catch (CorruptNodeException e)
            {
                error = e;
                return null;
            }
            return hashes;
        }
    }
}
