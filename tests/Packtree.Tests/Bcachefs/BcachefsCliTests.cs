using System.Security.Cryptography;
using Packtree.Tests.Storage;

namespace Packtree.Tests.Bcachefs;

/// <summary>
/// <c>packtree bcachefs</c> as a user runs it: the listing is bcachefs list's, byte for byte; files come out as the
/// manifest says; check is clean on a real image and names the place of damage in a copy; the image is never written.
/// </summary>
public sealed class BcachefsCliTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    [Theory]
    [MemberData(nameof(ImageFolder.All), MemberType = typeof(ImageFolder))]
    public void ListPrintsWhatBcachefsListPrinted(string name)
    {
        var image = ImageFolder.Image(name);
        var before = Hash(image);
        var (code, output, errors) = PacktreeCli.Run(Timeout, "bcachefs", "list", image);
        Assert.True(code == 0, errors);
        Assert.Equal(ImageFolder.Truth(name, "list.all.txt"), output);
        foreach (var btree in new[] { "extents", "dirents", "alloc", "accounting", "need_discard" })
        {
            (code, output, errors) = PacktreeCli.Run(Timeout, "bcachefs", "list", image, "--btree", btree);
            Assert.True(code == 0, errors);
            Assert.Equal(ImageFolder.Truth(name, $"list.{btree}.txt"), output);
        }
        Assert.Equal(before, Hash(image));
    }

    [Theory]
    [MemberData(nameof(ImageFolder.All), MemberType = typeof(ImageFolder))]
    public void ShowSuperLsCatAndCheckReadTheImage(string name)
    {
        var image = ImageFolder.Image(name);
        var truth = ImageFolder.Truth(name, "show-super.txt");
        var (code, output, errors) = PacktreeCli.Run(Timeout, "bcachefs", "show-super", image);
        Assert.True(code == 0, errors);
        foreach (var label in new[] { "External UUID:", "Internal UUID:", "Label:", "Features:", "Compat features:", "Sections:", "Sequence number:", "Device index:" })
        {
            var expected = truth.Split('\n').First(l => l.StartsWith(label, StringComparison.Ordinal));
            Assert.Contains(expected.Trim(), output.Split('\n').Select(l => l.Trim()));
        }

        Dictionary<string, ManifestEntry> manifest;
        using (var opened = Packtree.Bcachefs.BcachefsImage.Open(image)) manifest = FileManifest.For(name, FileManifest.ImagePaths(opened.Files).Keys);
        var file = manifest.Values.Where(e => e.Type == "file" && e.Size > 0).OrderBy(e => e.Path, StringComparer.Ordinal).First();
        var directory = Path.GetDirectoryName(file.Path)!;
        (code, output, errors) = PacktreeCli.Run(Timeout, "bcachefs", "ls", image, "/" + directory);
        Assert.True(code == 0, errors);
        Assert.Contains(output.Split('\n'), l => l.EndsWith(" " + Path.GetFileName(file.Path), StringComparison.Ordinal));

        using var temp = new TempFolder();
        var copy = Path.Combine(temp.Path, "out");
        (code, _, errors) = PacktreeCli.Run(Timeout, "bcachefs", "extract", image, copy, "/" + directory);
        Assert.True(code == 0, errors);
        Assert.Equal(file.Sha256, Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(copy, Path.GetFileName(file.Path))))));

        (code, output, errors) = PacktreeCli.Run(Timeout, "bcachefs", "check", image);
        Assert.True(code == 0, output + errors);
        Assert.Contains("clean", output);
    }

    [Theory]
    [MemberData(nameof(ImageFolder.All), MemberType = typeof(ImageFolder))]
    public void CheckNamesTheDamageAndExitsOne(string name)
    {
        using var temp = new TempFolder();
        var copy = Path.Combine(temp.Path, "damaged.img");
        File.Copy(ImageFolder.Image(name), copy);
        // A byte inside the first key of the extents root's first write: covered by that write's checksum.
        using (var image = Packtree.Bcachefs.BcachefsImage.Open(ImageFolder.Image(name)))
        {
            var root = image.Btree("extents").Nodes().First();
            using var stream = new FileStream(copy, FileMode.Open, FileAccess.ReadWrite);
            stream.Position = root.ByteOffset + 170;
            var b = stream.ReadByte();
            stream.Position = root.ByteOffset + 170;
            stream.WriteByte((byte)(b ^ 0x40));
        }
        var (code, output, errors) = PacktreeCli.Run(Timeout, "bcachefs", "check", copy);
        Assert.Equal(1, code);
        Assert.Contains("extents", output);
        Assert.Contains("checksum", output);
        Assert.DoesNotContain("   at ", output + errors); // no stack trace

        (code, _, errors) = PacktreeCli.Run(Timeout, "bcachefs", "list", Path.Combine(temp.Path, "missing.img"));
        Assert.Equal(2, code);
        Assert.Contains("no image", errors);
    }

    /// <summary>What is not a readable image, or not in it, is one line on stderr naming it, never a stack trace.</summary>
    [Fact]
    public void BadImagesAndPathsAreOneLineErrors()
    {
        using var temp = new TempFolder();
        var garbage = Path.Combine(temp.Path, "garbage.img");
        File.WriteAllBytes(garbage, [.. Enumerable.Range(0, 1 << 20).Select(i => (byte)(i * 7919 >> 3))]);
        var image = ImageFolder.Image(ImageFolder.Names[0]);
        (string[] Arguments, int Code, string Says)[] cases =
        [
            (["bcachefs", "check", garbage], 1, "no valid superblock copy"),
            (["bcachefs", "ls", garbage], 1, "no valid superblock copy"),
            (["bcachefs", "list", temp.Path], 2, "is a directory"),
            (["bcachefs", "list", image, "--btree", "nosuch"], 1, "has no btree named 'nosuch'"),
            (["bcachefs", "cat", image, "/nosuch"], 1, "/nosuch"),
        ];
        foreach (var (arguments, expected, says) in cases)
        {
            var (code, _, errors) = PacktreeCli.Run(Timeout, arguments);
            Assert.True(code == expected, $"{string.Join(' ', arguments)}: exit {code}, {errors}");
            Assert.Contains(says, errors);
            Assert.Single(errors.TrimEnd().Split('\n'));
            Assert.DoesNotContain("unexpected", errors);
        }
    }

    private static string Hash(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexString(SHA256.HashData(stream));
    }
}
