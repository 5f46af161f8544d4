using System.Collections.Concurrent;
using System.IO.Compression;
using Packtree.Tests.Vectors;

namespace Packtree.Tests.Bcachefs;

/// <summary>
/// The real bcachefs images the tests read, with what bcachefs's own tools printed from each: the folder
/// named by PACKTREE_BCACHEFS_DIR, else ../shared/bcachefs beside the repository. Every <c>NAME.gz</c>
/// there with a <c>NAME.keycounts.txt</c> beside it is an image; its ground truth files are
/// <c>NAME.&lt;what&gt;</c>, gzipped or not. Each image is decompressed once per machine into a cache
/// folder and shared by all tests (read-only: tests that change bytes work on copies).
/// </summary>
internal static class ImageFolder
{
    public const string EnvironmentVariable = "PACKTREE_BCACHEFS_DIR";

    private static readonly ConcurrentDictionary<string, Lazy<string>> Unpacked = new();

    public static string Path
    {
        get
        {
            var configured = Environment.GetEnvironmentVariable(EnvironmentVariable);
            var folder = string.IsNullOrWhiteSpace(configured)
                ? System.IO.Path.GetFullPath(System.IO.Path.Combine(VectorFolder.RepositoryRoot(), "..", "shared", "bcachefs"))
                : System.IO.Path.GetFullPath(configured);
            Assert.True(Directory.Exists(folder),
                $"The bcachefs image folder {folder} does not exist. Put the images at ../shared/bcachefs beside the repository or name the folder with {EnvironmentVariable}.");
            return folder;
        }
    }

    /// <summary>The names of the images in the folder (img1, ...), in order.</summary>
    public static IReadOnlyList<string> Names
    {
        get
        {
            var names = Directory.GetFiles(Path, "*.keycounts.txt").Select(f => System.IO.Path.GetFileName(f)[..^".keycounts.txt".Length])
                .Where(n => File.Exists(System.IO.Path.Combine(Path, n + ".gz"))).Order(StringComparer.Ordinal).ToList();
            Assert.True(names.Count > 0, $"The bcachefs image folder {Path} holds no image (NAME.gz with NAME.keycounts.txt).");
            return names;
        }
    }

    /// <summary>For theories over every image.</summary>
    public static TheoryData<string> All => [.. Names];

    /// <summary>The path of image <paramref name="name"/> decompressed (made once, then reused).</summary>
    public static string Image(string name) => Unpacked.GetOrAdd(name, n => new Lazy<string>(() => Unpack(n))).Value;

    /// <summary>Whether the image has ground truth file NAME.<paramref name="what"/> (or NAME.<paramref name="what"/>.gz).</summary>
    public static bool HasTruth(string name, string what) => TruthPath(name, what) is not null;

    /// <summary>The text of ground truth file NAME.<paramref name="what"/>, gunzipped if it is stored as .gz.</summary>
    public static string Truth(string name, string what)
    {
        var path = TruthPath(name, what);
        Assert.True(path is not null, $"The ground truth {name}.{what} is missing from {Path}.");
        using var file = File.OpenRead(path!);
        using var reader = new StreamReader(path!.EndsWith(".gz", StringComparison.Ordinal) ? new GZipStream(file, CompressionMode.Decompress) : file);
        return reader.ReadToEnd();
    }

    /// <summary>The lines of a ground truth file, without the final empty one.</summary>
    public static string[] TruthLines(string name, string what)
    {
        var text = Truth(name, what);
        return text.Length == 0 ? [] : text.TrimEnd('\n').Split('\n');
    }

    /// <summary>The keys <c>bcachefs list</c> printed per btree (NAME.keycounts.txt: one "btree count" line each).</summary>
    public static Dictionary<string, int> KeyCounts(string name) => TruthLines(name, "keycounts.txt")
        .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        .ToDictionary(p => p[0], p => int.Parse(p[1], System.Globalization.CultureInfo.InvariantCulture));

    private static string? TruthPath(string name, string what)
    {
        var plain = System.IO.Path.Combine(Path, $"{name}.{what}");
        if (File.Exists(plain)) return plain;
        return File.Exists(plain + ".gz") ? plain + ".gz" : null;
    }

    /// <summary>Decompresses into a cache keyed by the archive's size and time, through a temporary name so a half-written image is never used.</summary>
    private static string Unpack(string name)
    {
        var archive = new FileInfo(System.IO.Path.Combine(Path, name + ".gz"));
        var cache = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "packtree-bcachefs-images");
        Directory.CreateDirectory(cache);
        var target = System.IO.Path.Combine(cache, $"{name}-{archive.Length}-{archive.LastWriteTimeUtc.Ticks}.img");
        if (File.Exists(target)) return target;
        var temporary = $"{target}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        using (var input = new GZipStream(archive.OpenRead(), CompressionMode.Decompress))
        using (var output = File.Create(temporary))
            input.CopyTo(output);
        File.Move(temporary, target, overwrite: true);
        return target;
    }
}
