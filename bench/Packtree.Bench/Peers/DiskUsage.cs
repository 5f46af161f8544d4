using System.Diagnostics;
using System.Globalization;

namespace Packtree.Bench.Peers;

/// <summary>What a store's folder takes on disk.</summary>
public static class DiskUsage
{
    /// <summary>
    /// Bytes the folder takes on disk: allocated blocks as <c>du</c> counts them, so that regions never
    /// written (sparse files: LMDB's map, Packtree's unused journal) count for nothing; file lengths
    /// where <c>du</c> is not available.
    /// </summary>
    public static long Bytes(string folder)
    {
        try
        {
            var start = new ProcessStartInfo("du", ["-s", "-B1", folder]) { RedirectStandardOutput = true, UseShellExecute = false };
            using var du = Process.Start(start)!;
            var text = du.StandardOutput.ReadToEnd();
            du.WaitForExit();
            if (du.ExitCode == 0 && long.TryParse(text.Split('\t')[0], CultureInfo.InvariantCulture, out var bytes)) return bytes;
        }
        catch (System.ComponentModel.Win32Exception)
        {
        }
        return new DirectoryInfo(folder).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length);
    }
}
