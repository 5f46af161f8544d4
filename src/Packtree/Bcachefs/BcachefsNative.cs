using System.Runtime.InteropServices;

namespace Packtree.Bcachefs;

/// <summary>
/// The few libc calls the reader needs that .NET does not offer: a block device's size, and for extraction hard
/// links, extended attributes, ownership and times of a symbolic link itself. Linux only; callers check
/// <see cref="IsLinux"/> first.
/// </summary>
internal static partial class BcachefsNative
{
    private const string Libc = "libc";
    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;

    /// <summary>Whether these calls are available.</summary>
    public static bool IsLinux => OperatingSystem.IsLinux();

    /// <summary>Whether the process runs as root (and may set ownership and trusted.* attributes).</summary>
    public static bool IsRoot => IsLinux && geteuid() == 0;

    /// <summary>Makes <paramref name="newPath"/> another name of <paramref name="existing"/>; the errno on failure, else 0.</summary>
    public static int Link(string existing, string newPath) => link(existing, newPath) == 0 ? 0 : Marshal.GetLastPInvokeError();

    /// <summary>Sets an extended attribute on a path without following a symbolic link; the errno on failure, else 0.</summary>
    public static int SetXattr(string path, string name, byte[] value) =>
        lsetxattr(path, name, value, (nuint)value.Length, 0) == 0 ? 0 : Marshal.GetLastPInvokeError();

    /// <summary>Sets owner and group without following a symbolic link; the errno on failure, else 0.</summary>
    public static int ChangeOwner(string path, uint uid, uint gid) => lchown(path, uid, gid) == 0 ? 0 : Marshal.GetLastPInvokeError();

    /// <summary>Sets access and modification times (seconds, nanoseconds since 1970) without following a symbolic link; the errno on failure, else 0.</summary>
    public static unsafe int SetTimes(string path, (long Seconds, long Nanoseconds) atime, (long Seconds, long Nanoseconds) mtime)
    {
        var times = stackalloc Timespec[2];
        times[0] = new Timespec { Seconds = atime.Seconds, Nanoseconds = atime.Nanoseconds };
        times[1] = new Timespec { Seconds = mtime.Seconds, Nanoseconds = mtime.Nanoseconds };
        return utimensat(AtFdCwd, path, times, AtSymlinkNoFollow) == 0 ? 0 : Marshal.GetLastPInvokeError();
    }

    /// <summary>The size of what <paramref name="handle"/> opens, by seeking to its end (a block device's size, which fstat does not give); -1 on failure.</summary>
    public static long SeekEnd(Microsoft.Win32.SafeHandles.SafeFileHandle handle)
    {
        var added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            return lseek((int)handle.DangerousGetHandle(), 0, SeekEndWhence);
        }
        finally
        {
            if (added) handle.DangerousRelease();
        }
    }

    /// <summary>The text of an errno.</summary>
    public static string ErrorText(int errno) => Marshal.GetPInvokeErrorMessage(errno);

    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport(Libc, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int link(string oldpath, string newpath);

    [LibraryImport(Libc, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int lsetxattr(string path, string name, byte[] value, nuint size, int flags);

    [LibraryImport(Libc, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int lchown(string path, uint owner, uint group);

    [LibraryImport(Libc, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int utimensat(int dirfd, string path, Timespec* times, int flags);

    [LibraryImport(Libc)]
    private static partial uint geteuid();

    private const int SeekEndWhence = 2;

    [LibraryImport(Libc, SetLastError = true)]
    private static partial long lseek(int fd, long offset, int whence);
}
