namespace Packtree.Tests.Bcachefs;

/// <summary>A temporary directory deleted (with everything in it, read-only parts included) on dispose.</summary>
internal sealed class TempFolder : IDisposable
{
    public string Path { get; } = Directory.CreateDirectory(System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"packtree-bcachefs-{Guid.NewGuid():N}")).FullName;

    public void Dispose()
    {
        if (!Directory.Exists(Path)) return;
        // Extracted directories may be read-only: make them writable so their entries can go.
        foreach (var dir in Directory.EnumerateDirectories(Path, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint }))
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        Directory.Delete(Path, recursive: true);
    }
}
