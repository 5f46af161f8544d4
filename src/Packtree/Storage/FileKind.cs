using System.Runtime.InteropServices;

namespace Packtree.Storage;

/// <summary>
/// What an open file is, so that a store refuses a device, a pipe or a socket: /dev/null, say, would
/// take every write and keep nothing. .NET 10 has no public API for a handle's file type, so on Linux
/// it asks statx (whose layout is the same on every architecture); elsewhere a handle that cannot
/// seek is taken as no regular file.
/// </summary>
internal static class FileKind
{
    private const int AtEmptyPath = 0x1000;
    private const uint StatxType = 0x1;
    private const int ModeOffset = 28; // struct statx: stx_mask, stx_blksize, stx_attributes, stx_nlink, stx_uid, stx_gid, then stx_mode (u16)

    /// <summary>Null when <paramref name="stream"/> is a regular file (or its kind cannot be told); else what it is, as "a character device".</summary>
    public static string? NotRegular(FileStream stream)
    {
        if (OperatingSystem.IsLinux() && Mode(stream) is { } mode)
        {
            return (mode & 0xF000) switch
            {
                0x8000 => null,
                0x4000 => "a directory",
                0x2000 => "a character device",
                0x6000 => "a block device",
                0x1000 => "a pipe",
                0xC000 => "a socket",
                _ => $"of type {mode & 0xF000:x4}",
            };
        }
        return stream.CanSeek ? null : "a pipe, socket or terminal";
    }

    /// <summary>The file's st_mode from statx, or null when statx is not there or refuses.</summary>
    private static unsafe int? Mode(FileStream stream)
    {
        var handle = stream.SafeFileHandle;
        var added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            var buffer = stackalloc byte[256];
            byte empty = 0;
            if (Statx((int)handle.DangerousGetHandle(), &empty, AtEmptyPath, StatxType, buffer) != 0) return null;
            if ((*(uint*)buffer & StatxType) == 0) return null;
            return *(ushort*)(buffer + ModeOffset);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
        finally
        {
            if (added) handle.DangerousRelease();
        }
    }

    [DllImport("libc", EntryPoint = "statx", SetLastError = true)]
    private static extern unsafe int Statx(int dirfd, byte* path, int flags, uint mask, byte* buffer);
}
