using System.CommandLine;
using System.Globalization;
using System.Text;
using Packtree.Bcachefs;
using Spectre.Console;

namespace Packtree.Cli.Commands;

/// <summary>
/// <c>packtree bcachefs show-super | list | ls | cat | extract | check IMAGE</c>: a real bcachefs filesystem image
/// read through <see cref="BcachefsImage"/>, read-only (the image is never written).
/// </summary>
public static class BcachefsCommands
{
    private static readonly Argument<string> ImageArgument = new("image") { Description = "The bcachefs filesystem image (a file or a block device)." };

    public static Command Create()
    {
        var command = new Command("bcachefs", "Read a bcachefs filesystem image: superblock, btrees as `bcachefs list` prints them, files, and a full check (read-only).");
        command.Subcommands.Add(ShowSuper());
        command.Subcommands.Add(List());
        command.Subcommands.Add(Ls());
        command.Subcommands.Add(Cat());
        command.Subcommands.Add(Extract());
        command.Subcommands.Add(Check());
        return command;
    }

    private static Command ShowSuper()
    {
        var command = new Command("show-super", "Print the superblock in use: identity, version, geometry, options, members, journal, roots.") { ImageArgument };
        command.SetAction(parse => Run(parse, image =>
        {
            var sb = image.Superblock;
            var lines = new List<(string, string)>
            {
                ("External UUID", sb.UserUuid.ToString()),
                ("Internal UUID", sb.Uuid.ToString()),
                ("Device index", $"{sb.DeviceIndex}"),
                ("Label", sb.Label),
                ("Version", Version(sb.Version)),
                ("Oldest version on disk", Version(sb.VersionMin)),
                ("Sequence number", $"{sb.Seq}"),
                ("Superblock copy in use", $"sector {sb.Sector} (copies at sectors {string.Join(", ", sb.Copies)})"),
                ("Clean", sb.Clean ? "1" : "0"),
                ("Devices", $"{sb.DeviceCount}"),
                ("Block size", Bytes(sb.BlockBytes)),
                ("Btree node size", Bytes(sb.NodeBytes)),
                ("Metadata checksum", ChecksumName(sb.MetadataChecksumType)),
                ("Data checksum", ChecksumName(sb.DataChecksumType)),
                ("Superblock checksum", ChecksumName(sb.SuperblockChecksumType)),
                ("String hash", sb.StrHashOption switch { 0 => "crc32c", 1 => "crc64", 2 => "siphash", var o => $"{o}" }),
                ("Compression", sb.CompressionOption switch { 0 => "none", 1 => "lz4", 2 => "gzip", 3 => "zstd", var o => $"{o}" }),
                ("Encryption", sb.EncryptionType == 0 ? "none" : $"type {sb.EncryptionType}"),
                ("Extent backpointer shift", $"{sb.ExtentBpShift}"),
                ("Features", BitNames(sb.Features[0], FeatureNames)),
                ("Compat features", BitNames(sb.Compat[0], CompatNames)),
                ("Sections", string.Join(",", sb.FieldTypes.Distinct().Order().Select(t => t < FieldNames.Length ? FieldNames[t] : $"{t}"))),
                ("Journal buckets", string.Join(", ", sb.JournalBucketRanges.Select(r => $"{r.Start}..{r.Start + r.Count - 1}"))),
                ("Journal seq at clean shutdown", $"{sb.CleanJournalSeq}"),
            };
            foreach (var (label, value) in lines) Console.WriteLine($"{label + ":",-43}{value}");
            foreach (var member in sb.Members.Where(m => m.Exists))
            {
                Console.WriteLine($"Device {member.Index}:");
                Console.WriteLine($"  {"Name:",-41}{member.Name}");
                Console.WriteLine($"  {"UUID:",-41}{member.Uuid}");
                Console.WriteLine($"  {"Size:",-41}{Bytes((long)member.Buckets * member.BucketSectors * 512)}");
                Console.WriteLine($"  {"Buckets:",-41}{member.Buckets} of {Bytes(member.BucketSectors * 512)} (first {member.FirstBucket})");
                Console.WriteLine($"  {"State:",-41}{member.StateName}");
                Console.WriteLine($"  {"Durability:",-41}{member.Durability}");
            }
            Console.WriteLine("Btree roots:");
            foreach (var btree in image.Btrees.Where(b => !b.IsEmpty)) Console.WriteLine($"  {btree.Name + ":",-41}level {btree.RootLevel}");
            return 0;
        }));
        return command;
    }

    private static Command List()
    {
        var btree = new Option<string>("--btree", "-b") { Description = "The btree to list, by name, or all (the default: every btree in id order, each after a header line).", DefaultValueFactory = _ => "all" };
        var command = new Command("list", "Print every key of a btree as `bcachefs list` does: one key per line, a newline inside a key written as \\n.") { ImageArgument, btree };
        command.SetAction(parse => Run(parse, image =>
        {
            var name = parse.GetValue(btree)!;
            var output = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false), 1 << 16) { NewLine = "\n" };
            if (name == "all")
            {
                foreach (var tree in image.Btrees)
                {
                    output.WriteLine($"##### btree {tree.Id} {tree.Name} root_level {tree.RootLevel}{(tree.IsEmpty ? " (fake/empty)" : "")}");
                    WriteKeys(image, tree, output);
                }
            }
            else WriteKeys(image, image.Btree(name), output);
            output.Flush();
            return 0;
        }));
        return command;
    }

    private static void WriteKeys(BcachefsImage image, BcachefsBtree btree, TextWriter output)
    {
        foreach (var key in btree.Keys()) output.WriteLine(image.ListText(key).Replace("\n", "\\n", StringComparison.Ordinal));
    }

    private static Command Ls()
    {
        var path = new Argument<string>("path") { Description = "A directory in the filesystem (default: the root).", DefaultValueFactory = _ => "/" };
        var command = new Command("ls", "List a directory of the filesystem: mode, links, size, time, name (symbolic link targets after ->).") { ImageArgument, path };
        command.SetAction(parse => Run(parse, image =>
        {
            var files = image.Files;
            var directory = parse.GetValue(path)!;
            foreach (var entry in files.List(directory).OrderBy(e => e.Name, StringComparer.Ordinal))
            {
                var full = directory.TrimEnd('/') + "/" + entry.Name;
                var info = files.Stat(full);
                var target = info.Type == "symlink" ? $" -> {files.ReadLink(full)}" : "";
                Console.WriteLine($"{ModeText(info.Mode)} {info.LinkCount,4} {info.Uid,5} {info.Gid,5} {info.Size,12} {info.Mtime.UtcDateTime:yyyy-MM-dd HH:mm} {entry.Name}{target}");
            }
            return 0;
        }));
        return command;
    }

    private static Command Cat()
    {
        var path = new Argument<string>("path") { Description = "A file in the filesystem." };
        var command = new Command("cat", "Write a file's bytes to standard output, every extent's checksum verified before its bytes are written.") { ImageArgument, path };
        command.SetAction(parse => Run(parse, image =>
        {
            using var stream = image.Files.OpenRead(parse.GetValue(path)!);
            using var output = Console.OpenStandardOutput();
            stream.CopyTo(output, 1 << 20);
            return 0;
        }));
        return command;
    }

    private static Command Extract()
    {
        var destination = new Argument<string>("destination") { Description = "The directory to write into (created if missing)." };
        var path = new Argument<string>("path") { Description = "What to extract (default: the whole filesystem).", DefaultValueFactory = _ => "/" };
        var command = new Command("extract", "Copy files out of the image: directories, files (holes kept sparse), symbolic and hard links, modes, times, extended attributes where the OS allows.") { ImageArgument, destination, path };
        command.SetAction(parse => Run(parse, image =>
        {
            var result = image.Files.Extract(parse.GetValue(destination)!, parse.GetValue(path)!);
            Console.WriteLine($"{result.Files:N0} files ({result.Bytes:N0} bytes), {result.Directories:N0} directories, {result.Symlinks:N0} symbolic links, {result.HardLinks:N0} hard links, {result.XattrsSet:N0} extended attributes");
            foreach (var note in result.Notes) Console.Error.WriteLine($"note: {note}");
            return 0;
        }));
        return command;
    }

    private static Command Check()
    {
        var command = new Command("check", "Verify the whole image: superblock copies, journal, every node of every btree (checksums, read-time rules, topology) and every data checksum; exit code 0 only when clean.") { ImageArgument };
        command.SetAction(parse => Run(parse, image =>
        {
            var problems = 0;
            // Check reads everything; a damaged image's problems are printed, not thrown.
            foreach (var problem in image.Check())
            {
                problems++;
                AnsiConsole.MarkupLine($"[red]problem:[/] {Markup.Escape(problem.ToString())}");
            }
            AnsiConsole.MarkupLine(problems == 0 ? $"[green]clean[/]: {Markup.Escape(image.Path)}" : $"[red]{problems} problem(s)[/] in {Markup.Escape(image.Path)}");
            return problems == 0 ? 0 : 1;
        }));
        return command;
    }

    /// <summary>
    /// Opens the image and runs <paramref name="body"/>: a missing image exits 2; what the image or the request gets
    /// wrong (damage, an unsupported filesystem, a path not in it, a bad argument) is one line on stderr and exit code 1.
    /// </summary>
    private static int Run(ParseResult parse, Func<BcachefsImage, int> body)
    {
        var path = parse.GetValue(ImageArgument)!;
        if (Directory.Exists(path))
        {
            Console.Error.WriteLine($"packtree: '{Path.GetFullPath(path)}' is a directory, not a bcachefs image.");
            return 2;
        }
        if (!File.Exists(path))
        {
            Console.Error.WriteLine($"packtree: there is no image '{Path.GetFullPath(path)}'.");
            return 2;
        }
        try
        {
            using var image = BcachefsImage.Open(path);
            return body(image);
        }
        catch (Exception e) when (e is CorruptImageException or CorruptNodeException or NotSupportedException or InvalidDataException or IOException
                                       or UnauthorizedAccessException or ArgumentException or FileNotFoundException or DirectoryNotFoundException)
        {
            Console.Error.WriteLine($"packtree: {ErrorText.OneLine(e is ArgumentException a ? a.Message.Replace($" (Parameter '{a.ParamName}')", "", StringComparison.Ordinal) : e.Message)}");
            return 1;
        }
        catch (Exception e)
        {
            // Never a stack trace: a defect in the reader still reads as one line naming its type.
            Console.Error.WriteLine($"packtree: unexpected error reading the image: {e.GetType().Name}: {ErrorText.OneLine(e.Message)}");
            return 1;
        }
    }

    private static readonly string[] FieldNames =
    [
        "journal", "members_v1", "crypt", "replicas_v0", "quota", "disk_groups", "clean", "replicas", "journal_seq_blacklist",
        "journal_v2", "counters", "members_v2", "errors", "ext", "downgrade", "recovery_passes", "extent_type_u64s",
    ];

    private static readonly string[] FeatureNames =
    [
        "lz4", "gzip", "zstd", "atomic_nlink", "ec", "journal_seq_blacklist_v3", "reflink", "new_siphash", "inline_data",
        "new_extent_overwrite", "incompressible", "btree_ptr_v2", "extents_above_btree_updates", "btree_updates_journalled",
        "reflink_inline_data", "new_varint", "journal_no_flush", "alloc_v2", "extents_across_btree_nodes", "incompat_version_field",
        "casefolding", "no_alloc_info", "small_image",
    ];

    private static readonly string[] CompatNames = ["alloc_info", "alloc_metadata", "extents_above_btree_updates_done", "bformat_overflow_done", "no_stale_ptrs"];

    /// <summary>The names of the set bits, comma-separated (a bit with no name as its number).</summary>
    private static string BitNames(ulong bits, string[] names) =>
        string.Join(",", Enumerable.Range(0, 64).Where(b => (bits >> b & 1) != 0).Select(b => b < names.Length ? names[b] : $"bit {b}"));

    private static string ChecksumName(int type) =>
        type switch { 0 => "none", 1 => "crc32c", 2 => "crc64", 5 => "crc32c (data)", 6 => "crc64 (data)", 7 => "xxhash", _ => $"type {type}" };

    private static string Version(int version) => $"{version >> 10}.{version & 0x3FF} ({version})";

    private static string Bytes(long bytes) => bytes switch
    {
        >= 1 << 30 when bytes % (1 << 30) == 0 => $"{bytes >> 30} GiB",
        >= 1 << 20 when bytes % (1 << 20) == 0 => $"{bytes >> 20} MiB",
        >= 1 << 10 when bytes % (1 << 10) == 0 => $"{bytes >> 10} KiB",
        _ => $"{bytes} bytes",
    };

    /// <summary>As ls prints a mode: type letter and rwx triplets with setuid, setgid and sticky bits.</summary>
    private static string ModeText(uint mode)
    {
        var type = (mode >> 12) switch { 4 => 'd', 10 => 'l', 1 => 'p', 2 => 'c', 6 => 'b', 12 => 's', _ => '-' };
        var text = new StringBuilder().Append(type);
        for (var shift = 6; shift >= 0; shift -= 3)
        {
            var bits = (mode >> shift) & 7;
            var special = shift switch { 6 => (mode & 0x800) != 0, 3 => (mode & 0x400) != 0, _ => (mode & 0x200) != 0 };
            text.Append((bits & 4) != 0 ? 'r' : '-').Append((bits & 2) != 0 ? 'w' : '-');
            text.Append(special ? (shift == 0 ? ((bits & 1) != 0 ? 't' : 'T') : ((bits & 1) != 0 ? 's' : 'S')) : (bits & 1) != 0 ? 'x' : '-');
        }
        return text.ToString();
    }
}
