using System.Text.Json;
using Packtree.Bcachefs;

namespace Packtree.Tests.Bcachefs;

/// <summary>One path of a source tree copied into an image, as <c>*.manifest.jsonl</c> describes it.</summary>
internal sealed record ManifestEntry(string Path, string Type, int Mode, int Nlink, long? Size, string? Sha256, string? Target,
    IReadOnlyDictionary<string, string> Xattrs);

/// <summary>
/// The manifests of the source trees in the image folder, and which one an image holds: the only manifest
/// whose path set is the image's (lost+found aside), or by name (imgN → treeN) when none matches.
/// </summary>
internal static class FileManifest
{
    public static Dictionary<string, ManifestEntry> Load(string file)
    {
        var entries = new Dictionary<string, ManifestEntry>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines(file))
        {
            if (line.Length == 0) continue;
            using var json = JsonDocument.Parse(line);
            var root = json.RootElement;
            var xattrs = new Dictionary<string, string>(StringComparer.Ordinal);
            if (root.TryGetProperty("xattrs", out var x))
                foreach (var p in x.EnumerateObject()) xattrs[p.Name] = p.Value.GetString()!;
            var path = root.GetProperty("path").GetString()!;
            entries[path] = new ManifestEntry(path, root.GetProperty("type").GetString()!,
                Convert.ToInt32(root.GetProperty("mode").GetString()![2..], 8), root.GetProperty("nlink").GetInt32(),
                root.TryGetProperty("size", out var size) ? size.GetInt64() : null,
                root.TryGetProperty("sha256", out var sha) ? sha.GetString() : null,
                root.TryGetProperty("target", out var target) ? target.GetString() : null, xattrs);
        }
        return entries;
    }

    /// <summary>The manifest of <paramref name="image"/>, whose paths (relative, no leading '/') are <paramref name="imagePaths"/>.</summary>
    public static Dictionary<string, ManifestEntry> For(string image, IReadOnlyCollection<string> imagePaths)
    {
        var files = Directory.GetFiles(ImageFolder.Path, "*.manifest.jsonl").Order(StringComparer.Ordinal).ToList();
        Assert.True(files.Count > 0, $"No *.manifest.jsonl in {ImageFolder.Path}.");
        var manifests = files.Select(f => (File: f, Entries: Load(f))).ToList();
        var matching = manifests.Where(m => m.Entries.Count == imagePaths.Count && imagePaths.All(m.Entries.ContainsKey)).ToList();
        if (matching.Count == 1) return matching[0].Entries;
        // None (or several) match: take the one named like the image so the comparison shows the difference.
        var byName = Path.Combine(ImageFolder.Path, image.Replace("img", "tree", StringComparison.Ordinal) + ".manifest.jsonl");
        Assert.True(File.Exists(byName), $"No manifest has the {imagePaths.Count} paths of {image}, and {byName} does not exist.");
        return manifests.Single(m => m.File == byName).Entries;
    }

    /// <summary>Every path of the filesystem (relative, no leading '/') with its entry, lost+found aside, through <see cref="BcachefsFileSystem.List"/>.</summary>
    public static Dictionary<string, BcachefsEntry> ImagePaths(BcachefsFileSystem files)
    {
        var paths = new Dictionary<string, BcachefsEntry>(StringComparer.Ordinal);
        var pending = new Stack<string>();
        pending.Push("");
        while (pending.Count > 0)
        {
            var dir = pending.Pop();
            foreach (var entry in files.List("/" + dir))
            {
                if (dir.Length == 0 && entry.Name == "lost+found") continue;
                var path = dir.Length == 0 ? entry.Name : dir + "/" + entry.Name;
                paths.Add(path, entry);
                if (entry.Type == "dir") pending.Push(path);
            }
        }
        return paths;
    }
}
