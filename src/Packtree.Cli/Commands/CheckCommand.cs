using System.CommandLine;
using Packtree.Diagnostics;
using Spectre.Console;

namespace Packtree.Cli.Commands;

/// <summary>
/// <c>packtree check PATH</c>: reads the whole store — both superblock copies, the journal after the
/// last checkpoint, every node of every tree through the codec (checksums and every read-time rule),
/// the tree topology — the node buckets against the nodes in use, and every value kept out of line (its
/// pieces, their checksums, the data buckets; <see cref="StoreCheck"/>). Prints
/// a summary and each problem with its location; exit code 0 only when clean.
/// </summary>
public static class CheckCommand
{
    public static Command Create()
    {
        var path = new Argument<string>("path") { Description = "The store file." };
        var salvage = new Option<bool>("--salvage") { Description = "Check what can be read of a store whose journal is damaged: replay up to the last intact commit and report the lost ones (read-only)." };
        var command = new Command("check", "Verify a store file: checksums, nodes, tree topology, buckets, journal, values kept out of line.") { path, salvage };
        command.SetAction(parse => Check(parse.GetValue(path)!, salvage: parse.GetValue(salvage)));
        return command;
    }

    /// <summary>Checks the store file at <paramref name="path"/>: 0 when clean, 1 with problems (printed), 2 when it cannot be opened.</summary>
    public static int Check(string path, bool quiet = false, bool salvage = false)
    {
        try
        {
            if (!File.Exists(path) && !Directory.Exists(path)) // a directory is refused below, with its own message
            {
                Console.Error.WriteLine($"packtree: there is no store file '{Path.GetFullPath(path)}'.");
                return 2;
            }
            StoreCheckReport report;
            try
            {
                report = StoreCheck.Run(path, salvage);
            }
            catch (Exception e) when (e is IOException or NotSupportedException)
            {
                Console.Error.WriteLine($"packtree: {ErrorText.OneLine(e.Message)}");
                return 2;
            }
            Report(report.Path ?? Path.GetFullPath(path), report.Notes, report.Problems, report.Statistics is { } statistics ? () => Summary(report, statistics, KindsOf(path, salvage)) : null, quiet);
            return report.IsClean ? 0 : 1;
        }
        catch (Exception e)
        {
            // Whatever the file holds, check reports it as a problem; it never ends in a stack trace.
            try
            {
                Report(path, [], [$"checking the store: {StoreCheck.Describe(e)}"], null, quiet);
            }
            catch (Exception again)
            {
                Console.Error.WriteLine($"packtree: {StoreCheck.Describe(e)} (and reporting it failed: {StoreCheck.Describe(again)})");
            }
            return 1;
        }
    }

    /// <summary>
    /// Each tree's kind of keys, read from the store opened read-only (the check's report does not carry them); empty when
    /// the store does not open, and the check's problems say why.
    /// </summary>
    private static Dictionary<string, KeyKind> KindsOf(string path, bool salvage)
    {
        try
        {
            using var store = Store.Open(path, new StoreOptions { ReadOnly = true, Salvage = salvage });
            return store.TreeNames.ToDictionary(name => name, name => store.TryGetTree(name, out var tree) ? tree!.KeyKind : KeyKind.Positions);
        }
        catch (Exception)
        {
            return []; // the kinds are shown only beside a clean summary; why the store does not open is the check's to report
        }
    }

    /// <summary>The trees that checked clean with their kinds of keys, the store's figures, its most common key formats and the figures of values kept out of line.</summary>
    private static void Summary(StoreCheckReport report, StoreStatistics statistics, Dictionary<string, KeyKind> kinds)
    {
        var table = new Table().AddColumns("tree", "id", "key kind", "keys", "levels", "nodes", "leaves", "live bytes", "bytes per key");
        foreach (var tree in report.Trees.Where(t => t.IsClean))
        {
            table.AddRow(Markup.Escape(tree.Name), $"{tree.Id}", kinds.TryGetValue(tree.Name, out var kind) ? Markup.Escape(kind.ToString()) : "?", $"{tree.Keys:N0}", $"{tree.Levels}", $"{tree.Nodes:N0}", $"{tree.Leaves:N0}", $"{tree.LiveBytes:N0}",
                tree.Keys == 0 ? "-" : $"{(double)tree.LiveBytes / tree.Keys:F1}");
        }
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine($"file {statistics.FileBytes:N0} bytes; node buckets: {statistics.NodeBuckets:N0} in use, {statistics.FreeBuckets:N0} free; journal {statistics.JournalUsedBytes:N0} of {statistics.JournalBytes:N0} bytes in use");
        foreach (var (format, count) in report.KeyFormats.OrderByDescending(f => f.Value).Take(10))
            AnsiConsole.MarkupLine($"  {count,6:N0} nodes with keys of {Markup.Escape(format)}");
        if (report.KeyFormats.Count > 10) AnsiConsole.MarkupLine($"  ... and {report.KeyFormats.Count - 10} more format shapes");
        if (report.OutOfLineValues is { } large)
        {
            AnsiConsole.MarkupLine($"values kept out of line: {large.Values:N0} ({large.ValueBytes:N0} bytes) in {large.Pieces:N0} pieces, {large.DataBuckets:N0} data buckets, " +
                $"{large.StoredBytes:N0} bytes stored, compression ratio {large.CompressionRatio.ToString("F2", System.Globalization.CultureInfo.InvariantCulture)}");
        }
    }

    private static void Report(string path, IReadOnlyList<string> notes, IReadOnlyList<string> problems, Action? summary, bool quiet)
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
