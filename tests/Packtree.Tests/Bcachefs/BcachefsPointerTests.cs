using System.Buffers.Binary;
using System.Numerics;
using Packtree.Bcachefs;

namespace Packtree.Tests.Bcachefs;

/// <summary>Extent pointers the images do not hold, made by rewriting a file's pointer entry in a copy.</summary>
public class BcachefsPointerTests
{
    public static TheoryData<string> Images => ImageFolder.All;

    [Theory]
    [MemberData(nameof(Images))]
    public void An_unwritten_extent_reads_as_zeros_and_extracts_as_a_hole(string name)
    {
        using var copy = new ImageCopy(name);
        var (path, extent) = Rewrite(name, copy, word => word | 8); // bit 3: unwritten
        using var image = BcachefsImage.Open(copy.Path);
        using (var stream = image.Files.OpenRead(path))
        {
            var bytes = new byte[stream.Length];
            stream.ReadExactly(bytes);
            Assert.True(bytes.AsSpan((int)extent.Start, (int)(extent.End - extent.Start)).IndexOfAnyExcept((byte)0) < 0);
        }
        Assert.Empty(image.Files.CheckData());
        if (!OperatingSystem.IsLinux()) return;
        var result = image.Files.Extract(Path.Combine(copy.Folder.Path, "out"), path);
        Assert.Equal(0, result.Bytes); // nothing written: the file is all hole
        Assert.Equal(image.Files.Stat(path).Size, (ulong)new FileInfo(Path.Combine(copy.Folder.Path, "out", Path.GetFileName(path))).Length);
    }

    [Theory]
    [MemberData(nameof(Images))]
    public void An_extent_on_another_device_is_an_error_naming_the_file(string name)
    {
        using var copy = new ImageCopy(name);
        var (path, _) = Rewrite(name, copy, word => (word & ~(0xFFUL << 48)) | (5UL << 48)); // dev 5
        using var image = BcachefsImage.Open(copy.Path);
        var e = Assert.Throws<CorruptImageException>(() => image.Files.OpenRead(path).CopyTo(Stream.Null));
        Assert.Equal("extents", e.Part);
        Assert.Contains(path, e.Rule);
        Assert.Contains("device(s) 5", e.Rule);
        Assert.Contains(image.Files.CheckData(), p => p.Rule.Contains("device 5", StringComparison.Ordinal));
    }

    /// <summary>Changes the pointer entry of the one extent of a one-extent file, in a copy of the image.</summary>
    private static (string Path, BcachefsFileData.Extent Extent) Rewrite(string name, ImageCopy copy, Func<ulong, ulong> change)
    {
        using var image = BcachefsImage.Open(ImageFolder.Image(name));
        var files = image.Files;
        var (path, data) = FileManifest.ImagePaths(files).Where(e => e.Value.Type == "reg")
            .Select(e => ("/" + e.Key, files.FileData(files.Resolve("/" + e.Key))))
            .First(f => f.Item2.Extents.Count == 1 && f.Item2.Length > 1000);
        var extent = data.Extents[0];
        var value = extent.Key.Value.ToArray();
        var changed = (byte[])value.Clone();
        for (var at = 0; at < changed.Length;)
        {
            var word = BinaryPrimitives.ReadUInt64LittleEndian(changed.AsSpan(at));
            var type = BitOperations.TrailingZeroCount(word);
            if (type == 0) BinaryPrimitives.WriteUInt64LittleEndian(changed.AsSpan(at), change(word));
            at += type switch { 2 => 16, 3 => 24, _ => 8 };
        }
        ImageSurgery.ReplaceValue(image, copy, "extents", value, changed);
        return (path, extent);
    }
}
