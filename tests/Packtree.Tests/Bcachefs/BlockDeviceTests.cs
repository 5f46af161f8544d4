using System.Diagnostics;
using Packtree.Bcachefs;
using Xunit.Abstractions;

namespace Packtree.Tests.Bcachefs;

/// <summary>
/// An image on a block device (a read-only loop device over the image file), as a disk is read: fstat gives a
/// block device no size, so the reader must find it. Needs Linux, root, losetup and loop devices (CI has them); where
/// they are all present an attach that fails fails the test, elsewhere the test says so in its output and checks nothing.
/// </summary>
public sealed class BlockDeviceTests(ITestOutputHelper output)
{
    [Theory]
    [MemberData(nameof(ImageFolder.All), MemberType = typeof(ImageFolder))]
    public void AnImageOnABlockDeviceReadsAsTheFile(string name)
    {
        if (!OperatingSystem.IsLinux() || Environment.UserName != "root" || LosetupPath is null || !File.Exists("/dev/loop-control"))
        {
            output.WriteLine("loop devices cannot be attached here (needs Linux, root, losetup and /dev/loop-control): not run");
            return;
        }
        var image = ImageFolder.Image(name);
        // Where a loop device can be attached, failing to attach one is a failure, not a reason to check nothing.
        var device = Losetup("-f", "--show", "-r", image);
        Assert.StartsWith("/dev/", device, StringComparison.Ordinal);
        try
        {
            using var onDevice = BcachefsImage.Open(device);
            using var onFile = BcachefsImage.Open(image);
            Assert.Equal(new FileInfo(image).Length, onDevice.Length);
            foreach (var btree in onFile.Btrees)
                Assert.Equal(btree.Keys().Select(onFile.ListText), onDevice.Btrees[btree.Id].Keys().Select(onDevice.ListText));
            Assert.Empty(onDevice.Check());
        }
        finally
        {
            Losetup("-d", device);
        }
    }

    private static string? LosetupPath => new[] { "/usr/sbin/losetup", "/sbin/losetup" }.FirstOrDefault(File.Exists);

    /// <summary>Runs losetup; returns its output, or fails the test with its error.</summary>
    private static string Losetup(params string[] arguments)
    {
        var start = new ProcessStartInfo(LosetupPath!, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var text = process.StandardOutput.ReadToEnd().Trim();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"losetup {string.Join(' ', arguments)} exited with {process.ExitCode}: {error.Result.Trim()}");
        return text;
    }
}
