using Packtree.Bcachefs;
using Packtree.Keys;
using Packtree.Nodes;

namespace Packtree.Tests.Bcachefs;

/// <summary>
/// With the metadata checksums turned off (type none), damage is not caught by a checksum and reaches every parser:
/// the superblock fields, the journal entries, node headers, bsets, keys and pointers. Whatever the bytes, reading
/// must end in a named error or in keys, never in a crash or a hang.
/// </summary>
public class UncheckedDamageTests
{
    public static TheoryData<string> Images => ImageFolder.All;

    private static int Trials => DamageTrials.Count(45);

    [Theory]
    [MemberData(nameof(Images))]
    public async Task Damage_without_checksums_never_crashes_or_hangs(string name)
    {
        using var copy = new ImageCopy(name);
        ChecksumVariationTests.ResignAll(copy, ChecksumType.None);
        var regions = new List<(long Start, long Length, string What)>();
        using (var image = BcachefsImage.Open(copy.Path))
        {
            Assert.Empty(image.CheckMetadata());
            foreach (var node in image.Btrees.SelectMany(b => b.Nodes()))
                regions.Add((node.ByteOffset, node.WrittenSectors * 512L, $"node {node.Btree} level {node.Level} at byte {node.ByteOffset}"));
            foreach (var jset in image.Journal.Jsets)
                regions.Add((jset.ByteOffset, Jset.HeaderBytes + jset.Entries.Length, $"jset seq {jset.Seq}"));
            regions.Add((image.Superblock.ByteOffset, SuperblockReader.FixedBytes + 8 * image.Superblock.U64s, "primary superblock"));
            regions.Add((SuperblockReader.LayoutOffset, 512, "layout"));
        }
        var seed = Environment.TickCount;
        var random = new Random(seed);
        for (var trial = 0; trial < Trials; trial++)
        {
            var (start, length, what) = regions[random.Next(regions.Count)];
            var count = 1 + random.Next(4);
            var changes = new List<(long Offset, byte Old)>();
            for (var i = 0; i < count; i++)
            {
                var offset = start + random.NextInt64(length);
                var old = copy.Read(offset, 1)[0];
                changes.Add((offset, old));
                copy.Write(offset, [(byte)(old ^ (1 + random.Next(255)))]);
            }
            var context = $"{name}, seed {seed}, trial {trial}: {what}, bytes {string.Join(", ", changes.Select(c => c.Offset))} changed";
            try
            {
                var readSeed = random.Next();
                await DamageTrials.Within(() => ReadEverything(copy.Path, readSeed, context), context);
            }
            finally
            {
                for (var i = changes.Count - 1; i >= 0; i--) copy.Write(changes[i].Offset, [changes[i].Old]);
            }
        }
    }

    private static void ReadEverything(string path, int seed, string context)
    {
        try
        {
            using var image = BcachefsImage.Open(path);
            _ = image.CheckMetadata().ToList();
            var random = new Random(seed);
            foreach (var btree in image.Btrees)
            {
                Expected(() => btree.Keys().Count());
                Expected(() => btree.Nodes().Count());
                var from = new Bpos((ulong)random.NextInt64(), (ulong)random.NextInt64(), (uint)random.Next());
                Expected(() => btree.Keys(from).Take(10).Count());
            }
        }
        catch (Exception e) when (IsNamedError(e))
        {
        }
        catch (Exception e)
        {
            throw new Xunit.Sdk.XunitException($"{context}: {e}");
        }
    }

    private static void Expected(Func<int> read)
    {
        try
        {
            read();
        }
        catch (Exception e) when (IsNamedError(e))
        {
        }
    }

    private static bool IsNamedError(Exception e) => e is CorruptNodeException or CorruptImageException or NotSupportedException;
}
