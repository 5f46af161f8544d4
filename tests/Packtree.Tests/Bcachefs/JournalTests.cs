using System.Globalization;
using System.Text.RegularExpressions;
using Packtree.Bcachefs;

namespace Packtree.Tests.Bcachefs;

/// <summary>The journal as read equals <c>bcachefs list_journal</c>'s, and on a clean image its roots are the clean section's.</summary>
public partial class JournalTests
{
    public static TheoryData<string> Images => ImageFolder.All;

    [Theory]
    [MemberData(nameof(Images))]
    public void Jsets_equal_list_journal(string name)
    {
        using var image = BcachefsImage.Open(ImageFolder.Image(name));
        var lines = ImageFolder.TruthLines(name, "list_journal.txt");
        var expected = new List<string>();
        for (var i = 0; i < lines.Length; i++)
        {
            var entry = JournalEntry().Match(lines[i]);
            if (!entry.Success) continue;
            var fields = lines.Skip(i + 1).TakeWhile(l => l.StartsWith("  ", StringComparison.Ordinal) && !l.StartsWith("   ", StringComparison.Ordinal))
                .Select(l => l.Trim().Split(' ', 2, StringSplitOptions.RemoveEmptyEntries)).Where(p => p.Length == 2)
                .GroupBy(p => p[0]).ToDictionary(g => g.Key, g => g.First()[1].Trim());
            var sector = Regex.Match(lines.Skip(i + 1).First(l => l.Contains("written at", StringComparison.Ordinal)), @"\(sector (\d+)\)").Groups[1].Value;
            expected.Add($"{entry.Groups[1].Value} bytes {fields["bytes"]} version {fields["version"]} flush {fields["flush"]} sector {sector}");
        }
        Assert.NotEmpty(expected);
        Assert.Equal(expected, image.Journal.Jsets.Select(j =>
            string.Create(CultureInfo.InvariantCulture, $"{j.Seq} bytes {Jset.HeaderBytes + j.Entries.Length} version {j.Version} flush {(j.NoFlush ? 0 : 1)} sector {j.ByteOffset / 512}")));
        var window = Regex.Match(lines.First(l => l.StartsWith("journal read done", StringComparison.Ordinal)), @"replaying entries (\d+)-(\d+)");
        Assert.Equal(window.Groups[2].Value, image.Journal.ReplayEnd.ToString(CultureInfo.InvariantCulture));
        Assert.Equal(window.Groups[1].Value, image.Journal.LastSeq.ToString(CultureInfo.InvariantCulture));
    }

    [Theory]
    [MemberData(nameof(Images))]
    public void Journal_roots_equal_the_clean_roots(string name)
    {
        using var image = BcachefsImage.Open(ImageFolder.Image(name));
        Assert.True(image.Superblock.Clean);
        Assert.True(image.RootsFromClean);
        Assert.NotEmpty(image.CleanRoots);
        Assert.Equal(image.CleanRoots.Keys.Order(), image.Journal.Roots.Keys.Order());
        foreach (var (id, clean) in image.CleanRoots)
        {
            var journal = image.Journal.Roots[id];
            Assert.True(clean.SameRoot(journal), $"{name}: btree {BcachefsNames.Btree(id)}: the journal's root differs from the clean section's");
            Assert.Equal(clean.Pointer, journal.Pointer! with { Pointers = clean.Pointer!.Pointers, SourceOffset = clean.Pointer!.SourceOffset });
            Assert.Equal(clean.Pointer!.Pointers, journal.Pointer!.Pointers);
        }
        Assert.Equal(image.Superblock.CleanJournalSeq, image.Journal.Jsets[^1].Seq);
    }

    [Theory]
    [MemberData(nameof(Images))]
    public void A_sound_image_has_no_metadata_problem(string name)
    {
        using var image = BcachefsImage.Open(ImageFolder.Image(name));
        Assert.Empty(image.CheckMetadata().Select(p => p.ToString()));
    }

    [GeneratedRegex(@"^journal entry\s+(\d+)$")]
    private static partial Regex JournalEntry();
}
