namespace Packtree.Bcachefs;

/// <summary>
/// One member device as the superblock's <c>members_v2</c> field describes it (<c>struct bch_member</c> of 1.36).
/// Entries of devices that do not exist have an all-zero uuid (<see cref="Exists"/> false).
/// </summary>
public sealed record BcachefsMember
{
    /// <summary>The device's index (its place in the member array, what pointers name as <c>dev</c>).</summary>
    public int Index { get; internal init; }

    /// <summary>The device's uuid.</summary>
    public Guid Uuid { get; internal init; }

    /// <summary>Whether the slot holds a device (its uuid is not zero).</summary>
    public bool Exists => Uuid != Guid.Empty;

    /// <summary>Number of buckets (<c>nbuckets</c>).</summary>
    public ulong Buckets { get; internal init; }

    /// <summary>First bucket in use.</summary>
    public int FirstBucket { get; internal init; }

    /// <summary>Bucket size in 512-byte sectors.</summary>
    public int BucketSectors { get; internal init; }

    /// <summary>The raw flags word (state, data allowed, durability, ...).</summary>
    public ulong Flags { get; internal init; }

    /// <summary>Member state (flags bits 0..3): 0 rw, 1 ro, 2 failed, 3 spare.</summary>
    public int State => (int)(Flags & 0xF);

    /// <summary>The state's name as bcachefs prints it.</summary>
    public string StateName => State switch { 0 => "rw", 1 => "ro", 2 => "failed", 3 => "spare", _ => State.ToString(System.Globalization.CultureInfo.InvariantCulture) };

    /// <summary>Data types the device may hold (flags bits 15..19, a mask of data types).</summary>
    public int DataAllowed => (int)((Flags >> 15) & 0x1F);

    /// <summary>Durability: flags bits 28..29 store it plus one, 0 meaning 1.</summary>
    public int Durability => (int)((Flags >> 28) & 3) is var stored && stored == 0 ? 1 : stored - 1;

    /// <summary>Whether discard is enabled (flags bit 14).</summary>
    public bool Discard => (Flags & (1UL << 14)) != 0;

    /// <summary>Whether the freespace btree was initialized for the device (flags bit 30).</summary>
    public bool FreespaceInitialized => (Flags & (1UL << 30)) != 0;

    /// <summary>Whether the device is rotational (flags bit 32).</summary>
    public bool Rotational => (Flags & (1UL << 32)) != 0;

    /// <summary>Last mount time (seconds since the epoch).</summary>
    public ulong LastMount { get; internal init; }

    /// <summary>Superblock seq of the last write to the device.</summary>
    public ulong Seq { get; internal init; }

    /// <summary>Last device name (<c>device_name</c>, NUL padding removed).</summary>
    public string Name { get; internal init; } = "";

    /// <summary>Last device model (<c>device_model</c>).</summary>
    public string Model { get; internal init; } = "";
}
