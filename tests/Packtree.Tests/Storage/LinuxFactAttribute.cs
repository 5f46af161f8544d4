namespace Packtree.Tests.Storage;

/// <summary>A fact about holes in the store file, which Packtree punches on Linux only: reported as skipped elsewhere.</summary>
public sealed class LinuxFactAttribute : FactAttribute
{
    public LinuxFactAttribute()
    {
        if (!OperatingSystem.IsLinux()) Skip = "Holes are punched in store files on Linux only.";
    }
}
