using System.Buffers.Binary;
using Packtree.Bcachefs;

namespace Packtree.Tests.Bcachefs;

/// <summary>A journal seq blacklisted in the superblock makes the node writes holding it invisible, as after a crash.</summary>
public class BlacklistTests
{
    public static TheoryData<string> Images => ImageFolder.All;

    [Theory]
    [MemberData(nameof(Images))]
    public void Writes_of_a_blacklisted_seq_are_skipped(string name)
    {
        using var copy = new ImageCopy(name);
        ulong seq;
        List<string> before;
        ulong[] sectors;
        using (var image = BcachefsImage.Open(copy.Path))
        {
            // The newest journal seq any later write of a node carries.
            seq = image.Btrees.SelectMany(b => b.Nodes()).SelectMany(n => n.Bsets.Skip(1)).Max(b => b.Header.JournalSeq);
            before = KeyTexts.Of(image);
            sectors = [.. image.Superblock.Copies];
        }
        foreach (var sector in sectors) AddBlacklistField(copy, sector, seq, seq + 1);

        using var blacklisted = BcachefsImage.Open(copy.Path);
        Assert.Equal([(seq, seq + 1)], blacklisted.Superblock.BlacklistedJournalSeqs);
        Assert.Contains(8, blacklisted.Superblock.FieldTypes);
        var bsets = blacklisted.Btrees.SelectMany(b => b.Nodes()).SelectMany(n => n.Bsets).ToList();
        Assert.All(bsets, b => Assert.Equal(b.Header.JournalSeq == seq, b.Blacklisted));
        // The writes of that seq no longer count; what remains reads without error.
        Assert.NotEqual(before, KeyTexts.Of(blacklisted));
        Assert.DoesNotContain(blacklisted.CheckMetadata(), p => p.Part == "node");
    }

    /// <summary>Appends a journal_seq_blacklist field holding [start, end) to the superblock copy and signs it again.</summary>
    private static void AddBlacklistField(ImageCopy copy, ulong sector, ulong start, ulong end)
    {
        var offset = (long)sector * 512;
        var u64s = BinaryPrimitives.ReadUInt32LittleEndian(copy.Read(offset + 124, 4));
        var bytes = copy.Read(offset, 752 + (int)u64s * 8 + 24);
        var field = bytes.AsSpan(752 + (int)u64s * 8);
        BinaryPrimitives.WriteUInt32LittleEndian(field, 3);
        BinaryPrimitives.WriteUInt32LittleEndian(field[4..], 8);
        BinaryPrimitives.WriteUInt64LittleEndian(field[8..], start);
        BinaryPrimitives.WriteUInt64LittleEndian(field[16..], end);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(124), u64s + 3);
        Reseal.Superblock(bytes);
        copy.Write(offset, bytes);
    }
}
