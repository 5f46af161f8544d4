namespace Packtree.Tests.Storage;

/// <summary>A temporary folder for store files and extracted trees, deleted afterwards (read-only folders in it included).</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"packtree-test-{Guid.NewGuid():N}");

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            if (!Directory.Exists(Path)) return;
            // Extracted directories may be read-only: make them writable so their entries can go.
            if (!OperatingSystem.IsWindows())
                foreach (var dir in Directory.EnumerateDirectories(Path, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint }))
                    System.IO.File.SetUnixFileMode(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
