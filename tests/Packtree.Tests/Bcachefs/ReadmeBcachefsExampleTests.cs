using Packtree.Tests.Storage;
using Packtree.Bcachefs;
using Packtree.Codegen;

namespace Packtree.Tests.Bcachefs;

/// <summary>The README's bcachefs example, call for call, on a real image (with a path the image has).</summary>
public sealed class ReadmeBcachefsExampleTests
{
    [Theory]
    [MemberData(nameof(ImageFolder.All), MemberType = typeof(ImageFolder))]
    public void TheReadmeExampleRuns(string name)
    {
        var printed = new List<string>();
        using var temp = new TempFolder();

        using var image = BcachefsImage.Open(ImageFolder.Image(name));
        foreach (var key in image.Btree("dirents").Keys())
            printed.Add(image.ListText(key));
        Assert.Equal(ImageFolder.TruthLines(name, "list.dirents.txt"), printed.Select(l => l.Replace("\n", "\\n", StringComparison.Ordinal)));

        var path = "/" + FileManifest.ImagePaths(image.Files).First(p => p.Value.Type == "reg").Key;
        var info = image.Files.Stat(path);
        using (var file = image.Files.OpenRead(path)) Assert.Equal((long)info.Size, file.Length);
        var result = image.Files.Extract(Path.Combine(temp.Path, "restore"));
        Assert.True(result.Files > 0);
        Assert.Empty(image.Check());

        using var compiled = BcachefsImage.Open(ImageFolder.Image(name), UnpackStrategy.Compiled);
        Assert.Equal(UnpackStrategy.Compiled, compiled.Strategy);
    }
}
