namespace Packtree.Bcachefs;

// The metadata check: every superblock copy, every jset, every node of every btree, the roots' agreement.
public sealed partial class BcachefsImage
{
    /// <summary>
    /// Everything wrong with the image: its metadata (superblock copies, layout, journal, roots, every node of every
    /// btree with its checksums, read-time rules and topology) and then every data extent's checksum. Reads the
    /// whole image; never throws for a damaged image. An empty sequence means the image is clean.
    /// </summary>
    public IEnumerable<BcachefsProblem> Check()
    {
        foreach (var problem in CheckMetadata()) yield return problem;
        // Data is found through the extents btree: with damaged metadata, what can be read is still checked.
        foreach (var problem in Files.CheckData()) yield return problem;
    }

    /// <summary>
    /// Everything wrong with the image's metadata: damaged superblock copies or layout, damaged jsets or journal
    /// entries, journal roots that differ from the clean section's on a clean image, and every node that breaks a
    /// rule (its subtree is skipped, the walk goes on). Never throws for a damaged image.
    /// </summary>
    internal IEnumerable<BcachefsProblem> CheckMetadata()
    {
        foreach (var problem in _openProblems) yield return problem;
        foreach (var problem in CheckRoots()) yield return problem;
        foreach (var btree in _btrees)
        {
            var problems = new List<BcachefsProblem>();
            foreach (var _ in VerifyNodes(btree, problems))
            {
                foreach (var problem in problems) yield return problem;
                problems.Clear();
            }
            foreach (var problem in problems) yield return problem;
        }
    }

    /// <summary>On a clean image the journal's newest roots and seq must be the clean section's.</summary>
    private IEnumerable<BcachefsProblem> CheckRoots()
    {
        var sb = Superblock;
        if (!RootsFromClean) yield break;
        if (Journal.ReplayEnd == 0)
        {
            if (sb.JournalBucketRanges.Count > 0) yield return new BcachefsProblem("journal", null, null, sb.FieldsOffset, "the journal holds no valid flush write");
            yield break;
        }
        var newest = Journal.Jsets[^1].Seq;
        if (newest != sb.CleanJournalSeq)
            yield return new BcachefsProblem("journal", null, null, Journal.Jsets[^1].ByteOffset,
                $"the newest jset is seq {newest}, the clean section records journal seq {sb.CleanJournalSeq}");
        foreach (var id in CleanRoots.Keys.Union(Journal.Roots.Keys).Order())
        {
            var clean = CleanRoots.GetValueOrDefault(id);
            var journal = Journal.Roots.GetValueOrDefault(id);
            if (clean is not null && journal is not null && clean.SameRoot(journal)) continue;
            var where = journal?.ByteOffset ?? clean!.ByteOffset;
            yield return new BcachefsProblem("roots", BcachefsNames.Btree(id), clean?.Level ?? journal?.Level, where,
                clean is null ? "the journal has a root the clean section lacks"
                : journal is null ? "the clean section has a root the journal lacks"
                : $"the journal's root (level {journal.Level}) differs from the clean section's (level {clean.Level})");
        }
    }
}
