using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Packtree.Storage;

/// <summary>
/// A store file, opened for exclusive use: the operating system's lock keeps a second process (or a
/// second store in this one) from opening it at the same time. Opened read-only, it shares the file
/// with other readers only, and asks for read access alone (so a file the user may only read opens).
/// </summary>
internal sealed class FileStorageDevice : StorageDevice
{
    private readonly FileStream _stream;
    private readonly SafeFileHandle _handle;

    private FileStorageDevice(FileStream stream, string path, bool readOnly)
    {
        _stream = stream;
        _handle = stream.SafeFileHandle;
        Path = path;
        IsReadOnly = readOnly;
    }

    /// <summary>The file's path.</summary>
    public string Path { get; }

    /// <summary>Whether the file was opened for reading only: writes and flushes throw.</summary>
    public bool IsReadOnly { get; }

    /// <summary>Opens (or creates) the file at <paramref name="path"/> for exclusive reading and writing.</summary>
    /// <exception cref="IOException">Another process, or another store here, has the file open; or the path is a directory, a device or anything but a regular file; the message says which.</exception>
    public static FileStorageDevice Open(string path, bool create) =>
        Open(path, create ? FileMode.OpenOrCreate : FileMode.Open, readOnly: false);

    /// <summary>
    /// Opens the existing file at <paramref name="path"/> for reading only, shared with other read-only
    /// opens; a writer is refused while it is open, and it is refused while a writer has the file.
    /// </summary>
    /// <exception cref="FileNotFoundException">There is no file at <paramref name="path"/>.</exception>
    /// <exception cref="IOException">A writer has the file open; or the path is a directory, a device or anything but a regular file; the message says which.</exception>
    public static FileStorageDevice OpenReadOnly(string path) => Open(path, FileMode.Open, readOnly: true);

    private static FileStorageDevice Open(string path, FileMode mode, bool readOnly)
    {
        var full = System.IO.Path.GetFullPath(path);
        // A directory is refused by the open itself, but as "access denied", which misleads.
        if (Directory.Exists(full)) throw new IOException($"The store file '{full}' is a directory, not a regular file.");
        FileStream stream;
        try
        {
            // On Unix, FileShare is an advisory flock: None takes it exclusively, Read shared.
            stream = new FileStream(full, mode, readOnly ? FileAccess.Read : FileAccess.ReadWrite, readOnly ? FileShare.Read : FileShare.None, bufferSize: 0, FileOptions.RandomAccess);
        }
        catch (IOException e) when (e is not FileNotFoundException and not DirectoryNotFoundException)
        {
            throw new IOException($"The store file '{full}' cannot be opened: another process (or another store in this one) has it open, or the file system refused ({e.Message}).", e);
        }
        if (FileKind.NotRegular(stream) is { } kind)
        {
            stream.Dispose();
            throw new IOException($"The store file '{full}' is not a regular file (it is {kind}); a store needs a file of its own.");
        }
        return new FileStorageDevice(stream, full, readOnly);
    }

    /// <inheritdoc />
    public override long Length => RandomAccess.GetLength(_handle);

    /// <inheritdoc />
    public override void Read(long offset, Span<byte> destination)
    {
        var read = 0;
        while (read < destination.Length)
        {
            var n = RandomAccess.Read(_handle, destination[read..], offset + read);
            if (n == 0) break;
            read += n;
        }
        destination[read..].Clear();
    }

    /// <inheritdoc />
    /// <exception cref="InvalidOperationException">The file was opened read-only.</exception>
    public override void Write(long offset, ReadOnlySpan<byte> source)
    {
        ThrowIfReadOnly();
        RandomAccess.Write(_handle, source, offset);
    }

    /// <inheritdoc />
    /// <exception cref="InvalidOperationException">The file was opened read-only.</exception>
    public override void Flush()
    {
        ThrowIfReadOnly();
        _stream.Flush(flushToDisk: true);
    }

    /// <summary>On Linux, punches a hole (fallocate PUNCH_HOLE, size kept), so freed node buckets take no disk space; elsewhere, or where the file system refuses, nothing.</summary>
    /// <exception cref="InvalidOperationException">The file was opened read-only.</exception>
    public override void Discard(long offset, long length)
    {
        ThrowIfReadOnly();
        if (!OperatingSystem.IsLinux() || length <= 0) return;
        const int keepSize = 0x01, punchHole = 0x02;
        var added = false;
        try
        {
            _handle.DangerousAddRef(ref added);
            _ = Fallocate((int)_handle.DangerousGetHandle(), keepSize | punchHole, offset, length); // a refusal leaves the bytes: harmless
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
        }
        finally
        {
            if (added) _handle.DangerousRelease();
        }
    }

    /// <summary>On Linux, the next offset at or after <paramref name="offset"/> that is not in a hole (lseek SEEK_DATA); elsewhere <paramref name="offset"/>.</summary>
    public override long NextData(long offset)
    {
        if (!OperatingSystem.IsLinux()) return offset;
        const int seekData = 3;
        var added = false;
        try
        {
            _handle.DangerousAddRef(ref added);
            var next = Lseek((int)_handle.DangerousGetHandle(), offset, seekData);
            // -1: no data after the offset (ENXIO) or the file system cannot tell; only the first is a hole to skip.
            if (next >= offset) return next;
            return Marshal.GetLastPInvokeError() == 6 /* ENXIO */ ? long.MaxValue : offset;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return offset;
        }
        finally
        {
            if (added) _handle.DangerousRelease();
        }
    }

    [DllImport("libc", EntryPoint = "lseek", SetLastError = true)]
    private static extern long Lseek(int fd, long offset, int whence);

    // A store that means to write must not reach here read-only: a silent no-op would lose data.
    private void ThrowIfReadOnly()
    {
        if (IsReadOnly) throw new InvalidOperationException($"The store file '{Path}' was opened read-only; it cannot be written or flushed.");
    }

    [DllImport("libc", EntryPoint = "fallocate", SetLastError = true)]
    private static extern int Fallocate(int fd, int mode, long offset, long length);

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing) _stream.Dispose();
    }
}
