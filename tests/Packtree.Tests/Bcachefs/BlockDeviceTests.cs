using System.Diagnostics;
using Packtree.Bcachefs;
using Xunit.Abstractions;

namespace Packtree.Tests.Bcachefs;

/// <summary>
/// An image on a block device (a read-only loop device over the image file), as a disk is read: fstat gives a
/// block device no size, so the reader must find it. Needs Linux, root and losetup (CI has them); elsewhere the
/// test says so in its output and checks nothing.
/// </summary>
public sealed class BlockDeviceTests(ITestOutputHelper output)
{
    [Theory]
    [MemberData(nameof(ImageFolder.All), MemberType = typeof(ImageFolder))]
    public void AnImageOnABlockDeviceReadsAsTheFile(string name)
    {
        var image = ImageFolder.Image(name);
        var device = Losetup("-f", "--show", "-r", image);
        if (device is null)
        {
            output.WriteLine("no loop device could be attached (needs Linux, root and losetup): not run here");
            return;
        }
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

    private static string? Losetup(params string[] arguments)
    {
        if (!OperatingSystem.IsLinux() || Environment.UserName != "root" || !File.Exists("/usr/sbin/losetup") && !File.Exists("/sbin/losetup")) return null;
        var start = new ProcessStartInfo(File.Exists("/usr/sbin/losetup") ? "/usr/sbin/losetup" : "/sbin/losetup", arguments)
            { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var text = process.StandardOutput.ReadToEnd().Trim();
        process.StandardError.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0 && (arguments[0] == "-d" || text.StartsWith("/dev/", StringComparison.Ordinal)) ? text : null;
    }
}
