namespace Packtree.Diagnostics;

/// <summary>What <see cref="StoreCheck"/> found: facts about the store, one line each, and every problem with its location.</summary>
public sealed class StoreCheckReport
{
    internal StoreCheckReport(string? path, IReadOnlyList<SuperblockCopyReport> superblockCopies, StoreRecovery? recovery, IReadOnlyList<TreeCheckReport> trees,
        IReadOnlyDictionary<string, int> keyFormats, StoreStatistics? statistics, OutOfLineValuesReport? outOfLineValues, IReadOnlyList<string> notes, IReadOnlyList<string> problems)
    {
        Path = path;
        SuperblockCopies = superblockCopies;
        Recovery = recovery;
        Trees = trees;
        KeyFormats = keyFormats;
        Statistics = statistics;
        OutOfLineValues = outOfLineValues;
        Notes = notes;
        Problems = problems;
    }

    /// <summary>The full path of the store file checked, or null for a store in memory.</summary>
    public string? Path { get; }

    /// <summary>Both superblock copies as read from the file, in slot order; empty when an open store was checked, or the copies could not be read.</summary>
    public IReadOnlyList<SuperblockCopyReport> SuperblockCopies { get; }

    /// <summary>What opening the store found and did; null when it did not open, or is in memory.</summary>
    public StoreRecovery? Recovery { get; }

    /// <summary>Each tree checked, in creation order, with its shape or its problem.</summary>
    public IReadOnlyList<TreeCheckReport> Trees { get; }

    /// <summary>The shapes of the nodes' key formats (words, field widths), with how many nodes of the trees checked have each, in the order first met.</summary>
    public IReadOnlyDictionary<string, int> KeyFormats { get; }

    /// <summary>Figures about the store (zeros in memory); null when the check stopped before them (the store did not open, or an error stopped it: see <see cref="Problems"/>).</summary>
    public StoreStatistics? Statistics { get; }

    /// <summary>Figures about the values kept out of line (zeros when there are none); null when the check did not get to them (see <see cref="Problems"/>).</summary>
    public OutOfLineValuesReport? OutOfLineValues { get; }

    /// <summary>Facts worth a line, for tools: each superblock copy, the copy used and why, what the journal gave back.</summary>
    public IReadOnlyList<string> Notes { get; }

    /// <summary>Every problem found, one line each, with its location.</summary>
    public IReadOnlyList<string> Problems { get; }

    /// <summary>Whether no problem was found.</summary>
    public bool IsClean => Problems.Count == 0;
}
