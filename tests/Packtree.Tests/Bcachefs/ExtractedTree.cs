using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Packtree.Tests.Bcachefs;

/// <summary>One path of an extracted tree as lstat sees it (through find(1), one process for the whole tree).</summary>
internal sealed record ExtractedPath(string Path, char Type, int Mode, int Nlink, long Size, long Blocks, string Target, ulong Inode);

internal static partial class ExtractedTree
{
    /// <summary>Every path under <paramref name="root"/> (relative), not following symbolic links.</summary>
    public static Dictionary<string, ExtractedPath> Read(string root)
    {
        var start = new ProcessStartInfo("find", [root, "-mindepth", "1", "-printf", "%P\\0%y\\0%m\\0%n\\0%s\\0%b\\0%l\\0%i\\0"])
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        using var find = Process.Start(start)!;
        var output = find.StandardOutput.ReadToEnd();
        find.WaitForExit();
        Assert.Equal(0, find.ExitCode);
        var fields = output.Split('\0');
        var paths = new Dictionary<string, ExtractedPath>(StringComparer.Ordinal);
        for (var i = 0; i + 8 <= fields.Length; i += 8)
            paths[fields[i]] = new ExtractedPath(fields[i], fields[i + 1][0], Convert.ToInt32(fields[i + 2], 8), int.Parse(fields[i + 3]),
                long.Parse(fields[i + 4]), long.Parse(fields[i + 5]), fields[i + 6], ulong.Parse(fields[i + 7]));
        return paths;
    }

    /// <summary>The value of extended attribute <paramref name="name"/> of <paramref name="path"/> (not following a link), or null.</summary>
    public static byte[]? Xattr(string path, string name)
    {
        var buffer = new byte[65536];
        var n = lgetxattr(path, name, buffer, (nuint)buffer.Length);
        return n < 0 ? null : buffer[..(int)n];
    }

    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial nint lgetxattr(string path, string name, byte[] value, nuint size);
}
