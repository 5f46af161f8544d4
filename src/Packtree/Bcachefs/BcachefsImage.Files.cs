namespace Packtree.Bcachefs;

// The filesystem view of an image: files, directories, links and their data.
public sealed partial class BcachefsImage
{
    private BcachefsFileSystem? _files;

    /// <summary>The files of the image's filesystem (subvolume 1), read on demand.</summary>
    public BcachefsFileSystem Files => LazyInitializer.EnsureInitialized(ref _files, () => new BcachefsFileSystem(this));
}
