namespace Packtree.Bcachefs;

/// <summary>
/// What the text of some keys needs from the file system around them: member devices (name, bucket size,
/// durability), the current generation of a bucket (for <c>stale=</c>), and the backpointer position shift.
/// </summary>
internal interface IBcachefsTextContext
{
    /// <summary>The member's device name, or null when the filesystem has no member <paramref name="dev"/>.</summary>
    string? DeviceName(int dev);

    /// <summary>The member's bucket size in sectors (0 if unknown).</summary>
    uint BucketSectors(int dev);

    /// <summary>The member's durability (1 normally).</summary>
    int Durability(int dev);

    /// <summary>The bucket's current generation, or null when unknown.</summary>
    byte? BucketGen(int dev, ulong bucket);

    /// <summary>How far a backpointer's position is shifted left of its sector (EXTENT_BP_SHIFT; 16 in the reference images).</summary>
    int ExtentBpShift { get; }
}
