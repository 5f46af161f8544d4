using System.Diagnostics;
using System.IO.Compression;
using Packtree.Bcachefs;
using Packtree.Codegen;
using Packtree.Keys;
using Spectre.Console;

namespace Packtree.Bench;

/// <summary>
/// A real bcachefs image, read by Packtree: keys listed per second (as `bcachefs list` prints them), MB/s of files
/// extracted, and the seed's question on metadata nobody here chose: the node layer's unpack strategies side by
/// side on the image's own leaves, formats computed by bcachefs. Strategies run in interleaved rounds, in
/// alternating order; the table gives medians and spreads, and ratios per round.
/// </summary>
public static class BcachefsSuite
{
    private static readonly UnpackStrategy[] Strategies = [UnpackStrategy.Generic, UnpackStrategy.ByteAligned, UnpackStrategy.Compiled, UnpackStrategy.Auto];

    public static BenchDocument Run(BenchSettings settings)
    {
        var document = new BenchDocument("bcachefs");
        var source = settings.Image ?? DefaultImage();
        if (source is null || !File.Exists(source))
        {
            AnsiConsole.MarkupLine($"[yellow]bcachefs: no image ({Markup.Escape(source ?? "../shared/bcachefs/img1.gz beside the repository")} is missing); give one with --image.[/]");
            return document;
        }
        var path = Unpacked(source, out var temporary);
        try
        {
            var name = Path.GetFileName(source);
            var rounds = settings.Quick ? 3 : 7;
            var leaves = Leaves(path);
            Formats(document, name, leaves);
            Unpacking(document, name, leaves, rounds, settings.Quick);
            Compiling(document, name, leaves, settings.Quick ? 3 : 7);
            ColdWalks(document, name, path, rounds);
            Listing(document, name, path, rounds);
            Reading(document, name, path, rounds);
            Extracting(document, name, path, settings.Quick ? 2 : 3);
            Print(document, name);
        }
        finally
        {
            if (temporary) File.Delete(path);
        }
        return document;
    }

    /// <summary>A leaf as the node layer read it: its format and its merged keys.</summary>
    private sealed record Leaf(string Btree, BkeyFormat Format, byte[] Keys, int Count);

    private static List<Leaf> Leaves(string path)
    {
        using var image = BcachefsImage.Open(path);
        var leaves = new List<Leaf>();
        foreach (var btree in image.Btrees)
        {
            if (btree.Root?.Pointer is not { } root) continue;
            Walk(root, btree.Root.Level);
            void Walk(BtreePointer pointer, int level)
            {
                var node = image.Cache.Get(btree, pointer, level);
                if (level == 0 && node.Image.MergedCount > 0) leaves.Add(new Leaf(btree.Name, node.Image.Header.Format, node.Image.MergedKeys, node.Image.MergedCount));
                else if (level > 0) foreach (var child in node.Children!) Walk(child, level - 1);
            }
        }
        return leaves;
    }

    private static void Formats(BenchDocument document, string name, List<Leaf> leaves)
    {
        var shared = leaves.GroupBy(l => l.Format).Select(g => g.Count()).OrderDescending().ToArray();
        document.Add(name, "leaves", "nodes", leaves.Count, "nodes");
        document.Add(name, "leaves", "keys", leaves.Sum(l => l.Count), "keys");
        document.Add(name, "leaves", "formats", shared.Length, "formats");
        document.Add(name, "leaves", "most_nodes_per_format", shared.Length == 0 ? 0 : shared[0], "nodes");
        document.Add(name, "leaves", "formats_of_one_node", shared.Count(n => n == 1), "formats");
        document.Add(name, "leaves", "byte_aligned_formats", leaves.Select(l => l.Format).Distinct().Count(f => f.IsByteAligned), "formats");
    }

    /// <summary>Every leaf's keys unpacked in runs, as a node iterator would, with codecs ready (compiled ones compiled): ns per key per strategy.</summary>
    private static void Unpacking(BenchDocument document, string name, List<Leaf> leaves, int rounds, bool quick)
    {
        var keys = leaves.Sum(l => l.Count);
        var buffer = new Bkey[Math.Max(1, leaves.Max(l => l.Count))];
        var codecs = Strategies.ToDictionary(s => s, s => leaves.Select(l => l.Format).Distinct().ToDictionary(f => f, f => KeyCodecFactory.Create(f, s)));
        var samples = Strategies.ToDictionary(s => s, _ => new List<double>());
        ulong sink = 0;
        // Untimed until the JIT has tiered the portable paths up (compiled code is optimised from the start), and Auto has counted.
        var passes = new Dictionary<UnpackStrategy, int>();
        foreach (var strategy in Strategies)
        {
            var started = Stopwatch.GetTimestamp();
            var count = 0;
            for (; Stopwatch.GetElapsedTime(started).TotalSeconds < (quick ? 0.5 : 1.5); count++) sink += Pass(codecs[strategy]);
            passes[strategy] = Math.Max(1, (int)(count / (quick ? 0.5 : 1.5) * 0.1)); // about 100 ms a sample
        }
        for (var round = 0; round < rounds; round++)
        {
            var order = round % 2 == 0 ? Strategies : [.. Strategies.Reverse()];
            foreach (var strategy in order)
            {
                var started = Stopwatch.GetTimestamp();
                for (var repeat = 0; repeat < passes[strategy]; repeat++) sink += Pass(codecs[strategy]);
                samples[strategy].Add(Stopwatch.GetElapsedTime(started).TotalNanoseconds / ((double)passes[strategy] * keys));
            }
        }
        foreach (var strategy in Strategies)
        {
            var spread = Spread.Of(samples[strategy]);
            AddSpread(document, name, $"{Name(strategy)}/unpack_leaves", "ns_per_key", spread, "ns");
            var ratios = Spread.Of([.. samples[strategy].Zip(samples[UnpackStrategy.Compiled], (a, b) => a / b)]);
            AddSpread(document, name, $"{Name(strategy)}/unpack_leaves", "ratio_to_compiled", ratios, "x");
        }
        AnsiConsole.MarkupLine($"[grey]checksum {sink:x}[/]");

        ulong Pass(Dictionary<BkeyFormat, KeyCodec> byFormat)
        {
            ulong sum = 0;
            foreach (var leaf in leaves)
            {
                var n = byFormat[leaf.Format].UnpackRun(leaf.Keys, buffer);
                sum += buffer[n - 1].Position.Offset ^ buffer[n / 2].Size;
            }
            return sum;
        }
    }

    /// <summary>What compiling costs here: every distinct format compiled afresh, against the keys the image holds.</summary>
    private static void Compiling(BenchDocument document, string name, List<Leaf> leaves, int samples)
    {
        var formats = leaves.Select(l => l.Format).Distinct().ToArray();
        var totals = new double[samples];
        for (var i = 0; i < samples; i++)
        {
            var started = Stopwatch.GetTimestamp();
            foreach (var format in formats) CompiledKeyCodec.Compile(format);
            totals[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        }
        var total = Spread.Of(totals).Median;
        document.Add(name, "compiled", "compile_all_formats_ms", total, "ms");
        document.Add(name, "compiled", "compile_per_format_us", total * 1000 / Math.Max(1, formats.Length), "us");
        var portable = Math.Min(document.Find(name, "generic/unpack_leaves", "ns_per_key")!.Value, document.Find(name, "byte-aligned/unpack_leaves", "ns_per_key")!.Value);
        var saving = portable - document.Find(name, "compiled/unpack_leaves", "ns_per_key")!.Value;
        document.Add(name, "compiled", "break_even_keys_per_format", saving > 0 ? total * 1e6 / formats.Length / saving : double.PositiveInfinity, "keys");
        var perFormat = leaves.GroupBy(l => l.Format).Select(g => (double)g.Sum(l => l.Count)).ToArray();
        document.Add(name, "leaves", "keys_per_format_median", Spread.Of(perFormat).Median, "keys");
        document.Add(name, "leaves", "keys_per_format_max", perFormat.Max(), "keys");
    }

    /// <summary>
    /// What a user's one walk costs under each strategy: a fresh open (fresh compiled-code cache, so Compiled pays its
    /// compiles as a first open would), every key of every btree, no text. Interleaved rounds, alternating order.
    /// </summary>
    private static void ColdWalks(BenchDocument document, string name, string path, int rounds)
    {
        var samples = Strategies.ToDictionary(s => s, _ => new List<double>());
        for (var round = 0; round < rounds + 1; round++)
        {
            var order = round % 2 == 0 ? Strategies : [.. Strategies.Reverse()];
            foreach (var strategy in order)
            {
                var started = Stopwatch.GetTimestamp();
                using var image = BcachefsImage.Open(path, strategy, new CompiledCodeCache());
                var count = 0L;
                foreach (var btree in image.Btrees) count += btree.Keys().LongCount();
                if (round > 0) samples[strategy].Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds); // round 0 warms the JIT
            }
        }
        foreach (var strategy in Strategies)
        {
            var spread = Spread.Of(samples[strategy]);
            AddSpread(document, name, $"{Name(strategy)}/walk_cold", "ms", spread, "ms");
            var ratios = Spread.Of([.. samples[strategy].Zip(samples[UnpackStrategy.Auto], (a, b) => a / b)]);
            AddSpread(document, name, $"{Name(strategy)}/walk_cold", "ratio_to_auto", ratios, "x");
        }
    }

    /// <summary>Every btree listed as text, from a fresh open each round (nodes read, verified and unpacked, values printed).</summary>
    private static void Listing(BenchDocument document, string name, string path, int rounds)
    {
        var count = 0L;
        var spread = PerSecond(path, rounds, image =>
        {
            (count, var characters) = (0L, 0L);
            foreach (var btree in image.Btrees)
                foreach (var key in btree.Keys())
                {
                    characters += image.ListText(key).Length;
                    count++;
                }
            GC.KeepAlive(characters);
            return count;
        });
        document.Add(name, "list", "keys", count, "keys");
        AddSpread(document, name, "list", "keys_per_second", spread, "keys/s");
    }

    /// <summary>Every regular file read through its stream (each extent's checksum verified, holes as zeros), from a fresh open each round: the reader without the disk writes.</summary>
    private static void Reading(BenchDocument document, string name, string path, int rounds)
    {
        long bytes = 0;
        var spread = PerSecond(path, rounds, image =>
        {
            bytes = 0;
            var directories = new Stack<string>([""]);
            while (directories.Count > 0)
            {
                var directory = directories.Pop();
                foreach (var entry in image.Files.List(directory + "/"))
                {
                    var child = $"{directory}/{entry.Name}";
                    if (entry.Type == "dir") directories.Push(child);
                    else if (entry.Type == "reg")
                    {
                        using var file = image.Files.OpenRead(child);
                        file.CopyTo(Stream.Null);
                        bytes += file.Length;
                    }
                }
            }
            return bytes / 1e6;
        });
        document.Add(name, "read", "bytes", bytes, "bytes");
        AddSpread(document, name, "read", "mb_per_second", spread, "MB/s");
    }

    /// <summary>The whole filesystem extracted to a temporary folder, each round from a fresh open; MB/s of file bytes (the folders are deleted after the rounds, untimed).</summary>
    private static void Extracting(BenchDocument document, string name, string path, int rounds)
    {
        var folders = new List<string>();
        BcachefsExtractResult? result = null;
        try
        {
            var spread = PerSecond(path, rounds, image =>
            {
                folders.Add(Directory.CreateTempSubdirectory("packtree-bench-extract-").FullName);
                result = image.Files.Extract(folders[^1]);
                return result.Bytes / 1e6;
            });
            document.Add(name, "extract", "files", result!.Files, "files");
            document.Add(name, "extract", "bytes", result.Bytes, "bytes");
            AddSpread(document, name, "extract", "mb_per_second", spread, "MB/s");
        }
        finally
        {
            foreach (var folder in folders) DeleteTree(folder);
        }
    }

    /// <summary>Deletes an extracted tree; its folders may carry read-only modes from the image, which a user other than root must lift first.</summary>
    private static void DeleteTree(string folder)
    {
        if (!OperatingSystem.IsWindows())
            foreach (var dir in Directory.EnumerateDirectories(folder, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint }))
                File.SetUnixFileMode(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        Directory.Delete(folder, recursive: true);
    }

    /// <summary>Each round opens the image afresh and times <paramref name="work"/>, which returns the amount it did: the spread of amount per second.</summary>
    private static Spread PerSecond(string path, int rounds, Func<BcachefsImage, double> work)
    {
        var rates = new double[rounds];
        for (var round = 0; round < rounds; round++)
        {
            var started = Stopwatch.GetTimestamp();
            using var image = BcachefsImage.Open(path);
            var amount = work(image);
            rates[round] = amount / Stopwatch.GetElapsedTime(started).TotalSeconds;
        }
        return Spread.Of(rates);
    }

    private static void Print(BenchDocument document, string name)
    {
        double Get(string variant, string metric) => document.Find(name, variant, metric)!.Value;
        var table = new Table().Title($"Packtree.Bench bcachefs — {Markup.Escape(name)}: every leaf's keys unpacked with codecs ready (Auto after its threshold), and one walk of every key as a user's first open does it; median (lowest–highest of the rounds)");
        table.AddColumns("strategy", "unpack, ns per key", "÷ compiled (per round)", "one walk from a fresh open, ms", "÷ auto (per round)");
        foreach (var strategy in Strategies)
        {
            var variant = $"{Name(strategy)}/unpack_leaves";
            var walk = $"{Name(strategy)}/walk_cold";
            table.AddRow(Name(strategy), $"{Get(variant, "ns_per_key"):F2} ({Get(variant, "ns_per_key_min"):F2}–{Get(variant, "ns_per_key_max"):F2})",
                $"{Get(variant, "ratio_to_compiled"):F2}× ({Get(variant, "ratio_to_compiled_min"):F2}–{Get(variant, "ratio_to_compiled_max"):F2})",
                $"{Get(walk, "ms"):F1} ({Get(walk, "ms_min"):F1}–{Get(walk, "ms_max"):F1})",
                $"{Get(walk, "ratio_to_auto"):F2}× ({Get(walk, "ratio_to_auto_min"):F2}–{Get(walk, "ratio_to_auto_max"):F2})");
        }
        AnsiConsole.Write(table);
        AnsiConsole.WriteLine(
            $"{Get("leaves", "nodes"):F0} leaves, {Get("leaves", "keys"):F0} keys, {Get("leaves", "formats"):F0} formats ({Get("leaves", "byte_aligned_formats"):F0} byte-aligned; " +
            $"the most shared is used by {Get("leaves", "most_nodes_per_format"):F0} nodes, {Get("leaves", "formats_of_one_node"):F0} by one node only)");
        AnsiConsole.WriteLine(
            $"compiling every format: {Get("compiled", "compile_all_formats_ms"):F1} ms ({Get("compiled", "compile_per_format_us"):F0} µs each); " +
            $"a format's code pays for itself after {Get("compiled", "break_even_keys_per_format"):F0} keys read in that format; " +
            $"here a format holds {Get("leaves", "keys_per_format_median"):F0} keys (median), {Get("leaves", "keys_per_format_max"):F0} at most");
        AnsiConsole.WriteLine(
            $"list: {Get("list", "keys_per_second"):N0} keys/s ({Get("list", "keys_per_second_min"):N0}–{Get("list", "keys_per_second_max"):N0}) over {Get("list", "keys"):F0} keys; " +
            $"read every file: {Get("read", "mb_per_second"):F0} MB/s ({Get("read", "mb_per_second_min"):F0}–{Get("read", "mb_per_second_max"):F0}) for {Get("read", "bytes") / 1e6:F1} MB; " +
            $"extract: {Get("extract", "mb_per_second"):F1} MB/s ({Get("extract", "mb_per_second_min"):F1}–{Get("extract", "mb_per_second_max"):F1}) for {Get("extract", "bytes") / 1e6:F1} MB");
    }

    /// <summary>A figure as its median, with the lowest and highest round beside it (metric_min, metric_max).</summary>
    private static void AddSpread(BenchDocument document, string name, string variant, string metric, Spread spread, string unit)
    {
        document.Add(name, variant, metric, spread.Median, unit);
        document.Add(name, variant, $"{metric}_min", spread.Min, unit);
        document.Add(name, variant, $"{metric}_max", spread.Max, unit);
    }

    private static string Name(UnpackStrategy strategy) => strategy switch
    {
        UnpackStrategy.ByteAligned => "byte-aligned",
        _ => strategy.ToString().ToLowerInvariant(),
    };

    /// <summary>../shared/bcachefs/img1.gz beside the repository that holds this program, if there is one.</summary>
    private static string? DefaultImage()
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "Packtree.slnx")))
                    return Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "bcachefs", "img1.gz"));
        return null;
    }

    /// <summary>The image itself, or a gzipped one decompressed to a temporary file.</summary>
    private static string Unpacked(string source, out bool temporary)
    {
        temporary = source.EndsWith(".gz", StringComparison.OrdinalIgnoreCase);
        if (!temporary) return source;
        var path = Path.Combine(Path.GetTempPath(), $"packtree-bench-{Guid.NewGuid():N}.img");
        using var input = new GZipStream(File.OpenRead(source), CompressionMode.Decompress);
        using var output = File.Create(path);
        input.CopyTo(output);
        return path;
    }
}
