namespace Packtree.Bcachefs;

// The list text of keys, with the image as the context the text needs: members from the superblock,
// bucket generations from the alloc btree (read once, when first needed), the backpointer shift.
public sealed partial class BcachefsImage : IBcachefsTextContext
{
    private Lazy<Dictionary<(int Dev, ulong Bucket), byte>>? _bucketGens;

    /// <summary>
    /// The line <c>bcachefs list</c> prints for <paramref name="key"/>: the key part, then <c>"  : "</c> and the
    /// value's text when it has one. The text may hold newlines (the listing files write them as <c>\n</c>).
    /// </summary>
    /// <exception cref="InvalidDataException">The key's value is malformed for its type; the message names the key, field and value byte.</exception>
    /// <exception cref="Packtree.CorruptNodeException">A node of the alloc btree (read for bucket generations) is damaged.</exception>
    public string ListText(BcachefsKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        try
        {
            return BcachefsKeyText.Format(key, this);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"key {key}: {e.Message}", e);
        }
    }

    string? IBcachefsTextContext.DeviceName(int dev) => Member(dev)?.Name;

    uint IBcachefsTextContext.BucketSectors(int dev) => (uint)Math.Max(0, Member(dev)?.BucketSectors ?? 0);

    int IBcachefsTextContext.Durability(int dev) => Member(dev)?.Durability ?? 0;

    byte? IBcachefsTextContext.BucketGen(int dev, ulong bucket)
    {
        var gens = LazyInitializer.EnsureInitialized(ref _bucketGens, () => new Lazy<Dictionary<(int, ulong), byte>>(ReadBucketGens));
        return gens.Value.TryGetValue((dev, bucket), out var gen) ? gen : null;
    }

    int IBcachefsTextContext.ExtentBpShift => Superblock.ExtentBpShift;

    private BcachefsMember? Member(int dev) =>
        (uint)dev < (uint)Superblock.Members.Count && Superblock.Members[dev] is { Exists: true } member ? member : null;

    /// <summary>Every bucket's generation from its alloc_v4 key (buckets without one are absent).</summary>
    private Dictionary<(int, ulong), byte> ReadBucketGens()
    {
        var gens = new Dictionary<(int, ulong), byte>();
        foreach (var key in Btree("alloc").Keys())
            if (key.Type == 27 && key.Value.Length > BcachefsAllocV4.GenOffset && key.Position.Inode <= int.MaxValue)
                gens[((int)key.Position.Inode, key.Position.Offset)] = key.Value.Span[BcachefsAllocV4.GenOffset];
        return gens;
    }
}
