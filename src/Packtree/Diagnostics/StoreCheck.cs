using Packtree.Nodes;
using Packtree.Storage;

namespace Packtree.Diagnostics;

/// <summary>
/// Checks a store: both superblock copies, the journal after the last checkpoint, every node of every
/// tree read through the codec (checksums and every read-time rule), the tree topology and key counts,
/// the node buckets against the nodes in use, and every value kept out of line: its pieces, their
/// checksums, the values tree and the data buckets (<see cref="OutOfLineValuesReport"/>). What
/// <c>packtree check</c> prints.
/// </summary>
/// <remarks>
/// Whatever a store file holds, what is wrong is reported in <see cref="StoreCheckReport.Problems"/>,
/// one line each with its location, never thrown; only a file that cannot be read at all is an error.
/// </remarks>
public static class StoreCheck
{
    /// <summary>
    /// Checks the store file at <paramref name="path"/>, opened read-only: nothing is written. The
    /// superblock copies are read directly, so that a damaged copy is reported even when the other is good.
    /// </summary>
    /// <param name="path">The store file.</param>
    /// <param name="salvage">
    /// Where the journal is damaged, check what can be read: replay up to the last intact commit and
    /// report the lost ones (as <see cref="StoreOptions.Salvage"/>).
    /// </param>
    /// <exception cref="IOException">There is no file at <paramref name="path"/>, it is not a regular file, a writer has it open, or it cannot be read.</exception>
    /// <exception cref="NotSupportedException">The file was written by a newer format version.</exception>
    public static StoreCheckReport Run(string path, bool salvage = false)
    {
        ArgumentNullException.ThrowIfNull(path);
        var report = new Builder(System.IO.Path.GetFullPath(path));
        try
        {
            using var device = FileStorageDevice.OpenReadOnly(path);
            foreach (var (slot, (copy, problem)) in Superblock.ReadCopies(device).Index())
            {
                var copyReport = copy is null ? new SuperblockCopyReport(slot, 0, 0, problem) : new SuperblockCopyReport(slot, copy.Generation, copy.CheckpointSeq, null);
                report.Copies.Add(copyReport);
                report.Notes.Add(copyReport.ToString());
            }
        }
        catch (Exception e) when (e is not IOException and not NotSupportedException)
        {
            report.Problems.Add($"checking the store: {Describe(e)}");
            return report.Build();
        }

        Store store;
        try
        {
            store = Store.Open(path, new StoreOptions { ReadOnly = true, Salvage = salvage });
        }
        catch (Exception e)
        {
            report.Problems.Add(IsStoreError(e) ? Describe(e) : $"opening the store: {Describe(e)}");
            return report.Build();
        }
        try
        {
            using (store) Check(store, report);
        }
        catch (Exception e)
        {
            // Whatever the file holds, it is reported as a problem, never thrown.
            report.Statistics = null;
            report.OutOfLineValues = null;
            report.Problems.Add($"checking the store: {Describe(e)}");
        }
        return report.Build();
    }

    /// <summary>
    /// Checks a store that is open (in memory or on disk): how it opened, and every tree. Writers wait
    /// while each tree is checked. The superblock copies are not read again.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The store is disposed.</exception>
    public static StoreCheckReport Run(Store store)
    {
        ArgumentNullException.ThrowIfNull(store);
        var report = new Builder(store.Path);
        Check(store, report);
        return report.Build();
    }

    private static void Check(Store store, Builder report)
    {
        if (store.IsPersistent)
        {
            report.Recovery = store.Recovery;
            report.Notes.AddRange(store.Recovery.Lines());
            if (store.Recovery.UsedOlderCopy) report.Problems.Add($"the newer superblock copy could not be used: {store.Recovery.Reason}");
            if (store.Recovery.LostCommits is { } lost) report.Problems.Add($"commits {lost.First} to {lost.Last} are in the journal but could not be read back: {store.Recovery.LossReason}");
        }
        foreach (var name in store.TreeNames)
        {
            store.TryGetTree(name, out var tree);
            try
            {
                var shape = tree!.Verify(report.Formats);
                report.Trees.Add(new TreeCheckReport(name, tree.Id, shape.Levels, shape.Nodes, shape.Leaves, shape.Keys, shape.LiveBytes, null));
            }
            catch (Exception e)
            {
                var problem = Describe(e);
                report.Trees.Add(new TreeCheckReport(name, tree?.Id ?? 0, 0, 0, 0, 0, 0, problem));
                report.Problems.Add($"tree '{name}': {problem}");
            }
        }
        CheckValuesTree(store, report);
        report.Statistics = store.Statistics;
    }

    /// <summary>The values tree's nodes and topology, then every value kept out of line against it.</summary>
    private static void CheckValuesTree(Store store, Builder report)
    {
        var damaged = report.Trees.Where(t => !t.IsClean).Select(t => t.Name).ToHashSet();
        store.EnterRead();
        try
        {
            store.Large.Extents.Verify();
        }
        catch (Exception e)
        {
            report.Problems.Add($"the values tree: {Describe(e)}");
            return; // its pieces cannot all be read: checking values against them would only repeat this
        }
        finally
        {
            store.ExitRead();
        }
        try
        {
            report.OutOfLineValues = OutOfLineValueCheck.Run(store, damaged, report.Problems);
        }
        catch (Exception e)
        {
            report.Problems.Add($"values kept out of line: {Describe(e)}");
        }
    }

    /// <summary>
    /// Whether <paramref name="e"/> is an error that opening or reading a store raises by design (a refused
    /// open, a damaged or foreign file, a newer format, a refused operation): its message says what and where.
    /// </summary>
    public static bool IsStoreError(Exception e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return e is IOException or UnauthorizedAccessException or InvalidDataException or CorruptStoreException or NotSupportedException or InvalidOperationException;
    }

    /// <summary>
    /// <paramref name="e"/> on one line: a store error's message (<see cref="IsStoreError"/>); anything else
    /// as "unexpected error: Type: message", since its message alone may not say what failed.
    /// </summary>
    public static string Describe(Exception e) =>
        IsStoreError(e) ? OneLine(e.Message) : OneLine($"unexpected error: {e.GetType().Name}: {e.Message}");

    private static string OneLine(string text) => text.ReplaceLineEndings(" ");

    /// <summary>A report as it is gathered.</summary>
    private sealed class Builder(string? path)
    {
        public List<SuperblockCopyReport> Copies { get; } = [];

        public List<TreeCheckReport> Trees { get; } = [];

        public Dictionary<string, int> Formats { get; } = [];

        public List<string> Notes { get; } = [];

        public List<string> Problems { get; } = [];

        public StoreRecovery? Recovery { get; set; }

        public StoreStatistics? Statistics { get; set; }

        public OutOfLineValuesReport? OutOfLineValues { get; set; }

        public StoreCheckReport Build() => new(path, Copies, Recovery, Trees, Formats, Statistics, OutOfLineValues, Notes, Problems);
    }
}
