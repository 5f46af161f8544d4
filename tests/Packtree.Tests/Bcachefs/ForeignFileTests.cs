using Packtree.Bcachefs;

namespace Packtree.Tests.Bcachefs;

/// <summary>Files that are not whole bcachefs images: refused or read as far as they go, always with a named error.</summary>
public class ForeignFileTests
{
    public static TheoryData<string> Images => ImageFolder.All;

    [Theory]
    [InlineData(0)]
    [InlineData(3000)]
    [InlineData(5000)]
    [InlineData(1 << 20)]
    public void A_file_of_zeros_is_not_an_image(int length)
    {
        var path = System.IO.Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(path, new byte[length]);
            var error = Assert.Throws<CorruptImageException>(() => BcachefsImage.Open(path));
            Assert.Equal("superblock", error.Part);
            Assert.Contains("no valid superblock copy", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [MemberData(nameof(Images))]
    public void A_truncated_image_reads_as_far_as_it_goes(string name)
    {
        using var copy = new ImageCopy(name);
        using (var stream = new FileStream(copy.Path, FileMode.Open, FileAccess.Write)) stream.SetLength(8 << 20);
        using var image = BcachefsImage.Open(copy.Path);
        var problems = image.CheckMetadata().ToList();
        Assert.NotEmpty(problems);
        foreach (var btree in image.Btrees.Where(b => !b.IsEmpty))
        {
            try
            {
                _ = btree.Keys().Count();
            }
            catch (CorruptImageException e)
            {
                Assert.Equal("image", e.Part);
                Assert.Contains("outside the image", e.Message, StringComparison.Ordinal);
                Assert.Contains(problems, p => p.Btree == btree.Name && p.ByteOffset == e.ByteOffset);
            }
        }
        Assert.Contains(problems, p => p.Part == "image");
    }
}
