using System.CommandLine;
using Packtree.Storage;
using Spectre.Console;

namespace Packtree.Cli.Commands;

/// <summary>
/// <c>packtree check PATH</c>: reads the whole store — both superblock copies, the journal after the
/// last checkpoint, every node of every tree through the codec (checksums and every read-time rule),
/// the tree topology — and the node buckets against the nodes in use. Prints a summary and each problem
/// with its location; exit code 0 only when clean.
/// </summary>
public static class CheckCommand
{
    public static Command Create()
    {
        var path = new Argument<string>("path") { Description = "The store file." };
        var salvage = new Option<bool>("--salvage") { Description = "Check what can be read of a store whose journal is damaged: replay up to the last intact commit and report the lost ones (read-only)." };
        var command = new Command("check", "Verify a store file: checksums, nodes, tree topology, buckets, journal.") { path, salvage };
        command.SetAction(parse => Check(parse.GetValue(path)!, salvage: parse.GetValue(salvage)));
        return command;
    }

    /// <summary>Checks the store file at <paramref name="path"/>: 0 when clean, 1 with problems (printed), 2 when it cannot be opened.</summary>
    public static int Check(string path, bool quiet = false, bool salvage = false)
    {
        var notes = new List<string>();
        var problems = new List<string>();
        try
        {
            return Check(path, notes, problems, quiet, salvage);
        }
        catch (Exception e)
        {
            // Whatever the file holds, check reports it as a problem; it never ends in a stack trace.
            problems.Add($"checking the store: {ErrorText.Describe(e)}");
            try
            {
                Report(path, notes, problems, null, quiet);
            }
            catch (Exception again)
            {
                Console.Error.WriteLine($"packtree: {ErrorText.Describe(e)} (and reporting it failed: {ErrorText.Describe(again)})");
            }
            return 1;
        }
    }

    private static int Check(string path, List<string> notes, List<string> problems, bool quiet, bool salvage)
    {
        if (!File.Exists(path) && !Directory.Exists(path)) // a directory is refused below, with its own message
        {
            Console.Error.WriteLine($"packtree: there is no store file '{Path.GetFullPath(path)}'.");
            return 2;
        }

        // The superblock copies, read directly so that a damaged copy is reported even when the other is good.
        try
        {
            using var device = FileStorageDevice.OpenReadOnly(path);
            foreach (var (slot, (copy, problem)) in Superblock.ReadCopies(device).Index())
            {
                notes.Add(copy is null
                    ? $"superblock copy {slot} {problem}" + (problem!.EndsWith("not written", StringComparison.Ordinal) ? "" : " (the other copy is used; an interrupted checkpoint leaves this)")
                    : $"superblock copy {slot}: generation {copy.Generation}, checkpoint at commit {copy.CheckpointSeq}");
            }
        }
        catch (Exception e) when (e is IOException or NotSupportedException)
        {
            Console.Error.WriteLine($"packtree: {ErrorText.OneLine(e.Message)}");
            return 2;
        }

        Store store;
        try
        {
            store = Store.Open(path, new StoreOptions { ReadOnly = true, Salvage = salvage });
        }
        catch (Exception e)
        {
            problems.Add(ErrorText.IsStoreError(e) ? ErrorText.OneLine(e.Message) : $"opening the store: {ErrorText.Unexpected(e)}");
            Report(path, notes, problems, null, quiet);
            return 1;
        }
        using (store)
        {
            notes.AddRange(store.Recovery.Lines());
            if (store.Recovery.UsedOlderCopy) problems.Add($"the newer superblock copy could not be used: {store.Recovery.Reason}");
            if (store.Recovery.LostCommits is { } lost) problems.Add($"commits {lost.First} to {lost.Last} are in the journal but could not be read back: {store.Recovery.LossReason}");
            var table = new Table().AddColumns("tree", "id", "keys", "levels", "nodes", "leaves", "live bytes", "bytes per key");
            var formats = new Dictionary<string, int>();
            foreach (var name in store.TreeNames)
            {
                store.TryGetTree(name, out var tree);
                try
                {
                    var shape = tree!.Verify(formats);
                    table.AddRow(Markup.Escape(name), $"{tree.Id}", $"{shape.Keys:N0}", $"{shape.Levels}", $"{shape.Nodes:N0}", $"{shape.Leaves:N0}", $"{shape.LiveBytes:N0}",
                        shape.Keys == 0 ? "-" : $"{(double)shape.LiveBytes / shape.Keys:F1}");
                }
                catch (Exception e)
                {
                    problems.Add($"tree '{name}': {ErrorText.Describe(e)}");
                }
            }
            var statistics = store.Statistics;
            Report(path, notes, problems, () =>
            {
                AnsiConsole.Write(table);
                AnsiConsole.MarkupLine($"file {statistics.FileBytes:N0} bytes; node buckets: {statistics.NodeBuckets:N0} in use, {statistics.FreeBuckets:N0} free; journal {statistics.JournalUsedBytes:N0} of {statistics.JournalBytes:N0} bytes in use");
                foreach (var (format, count) in formats.OrderByDescending(f => f.Value).Take(10))
                    AnsiConsole.MarkupLine($"  {count,6:N0} nodes with keys of {Markup.Escape(format)}");
                if (formats.Count > 10) AnsiConsole.MarkupLine($"  ... and {formats.Count - 10} more format shapes");
            }, quiet);
        }
        return problems.Count == 0 ? 0 : 1;
    }

    private static void Report(string path, List<string> notes, List<string> problems, Action? summary, bool quiet)
    {
        if (quiet)
        {
            foreach (var problem in problems) AnsiConsole.MarkupLine($"[red]problem:[/] {Markup.Escape(problem)}");
            return;
        }
        AnsiConsole.MarkupLine($"[bold]{Markup.Escape(Path.GetFullPath(path))}[/]");
        foreach (var note in notes) AnsiConsole.MarkupLine($"  {Markup.Escape(note)}");
        summary?.Invoke();
        foreach (var problem in problems) AnsiConsole.MarkupLine($"[red]problem:[/] {Markup.Escape(problem)}");
        AnsiConsole.MarkupLine(problems.Count == 0 ? "[green]clean[/]" : $"[red]{problems.Count} problem(s)[/]");
    }
}
