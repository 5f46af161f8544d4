namespace Packtree.Tests.Vectors;

/// <summary>
/// Finds the bkey vector folder: the one named by PACKTREE_VECTORS_DIR, else
/// ../shared/vectors/bkey beside the repository root. A missing folder or file fails the test.
/// </summary>
internal static class VectorFolder
{
    public const string EnvironmentVariable = "PACKTREE_VECTORS_DIR";

    private static readonly AsyncLocal<string?> Override = new();

    /// <summary>Points the vector tests at another folder until the returned scope is disposed (used to prove a wrong bit is caught).</summary>
    public static IDisposable Use(string folder)
    {
        var previous = Override.Value;
        Override.Value = folder;
        return new Scope(() => Override.Value = previous);
    }

    public static string Path
    {
        get
        {
            var configured = Override.Value ?? Environment.GetEnvironmentVariable(EnvironmentVariable);
            var folder = string.IsNullOrWhiteSpace(configured)
                ? System.IO.Path.GetFullPath(System.IO.Path.Combine(RepositoryRoot(), "..", "shared", "vectors", "bkey"))
                : System.IO.Path.GetFullPath(configured);
            Assert.True(Directory.Exists(folder),
                $"The bkey vector folder {folder} does not exist. Put the vectors at ../shared/vectors/bkey beside the repository or name the folder with {EnvironmentVariable}.");
            return folder;
        }
    }

    public static string File(string name)
    {
        var path = System.IO.Path.Combine(Path, name);
        Assert.True(System.IO.File.Exists(path), $"The vector file {path} is missing.");
        return path;
    }

    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (System.IO.File.Exists(System.IO.Path.Combine(dir.FullName, "Packtree.slnx"))) return dir.FullName;
        }
        throw new InvalidOperationException($"No Packtree.slnx above {AppContext.BaseDirectory}: cannot find the repository root.");
    }

    private sealed class Scope(Action restore) : IDisposable
    {
        public void Dispose() => restore();
    }
}
