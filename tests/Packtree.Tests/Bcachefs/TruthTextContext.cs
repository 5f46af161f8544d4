using System.Globalization;
using Packtree.Bcachefs;

namespace Packtree.Tests.Bcachefs;

/// <summary>
/// A text context built from an image's ground truth alone (independent of the image reader): members from
/// <c>show-super.txt</c> (device name, bucket size, durability), bucket generations from the given
/// alloc_v4 keys (the last one per bucket wins), and the backpointer shift of the reference images.
/// </summary>
internal sealed class TruthTextContext : IBcachefsTextContext
{
    private readonly Dictionary<int, (string Name, uint BucketSectors, int Durability)> _members = [];
    private readonly Dictionary<(int, ulong), byte> _gens = [];

    public TruthTextContext(string image, IEnumerable<BcachefsKey> allocKeys, int extentBpShift = 16)
    {
        ExtentBpShift = extentBpShift;
        int? dev = null;
        string? name = null;
        uint bucket = 0;
        var durability = 1;
        void Flush()
        {
            if (dev is { } d && name is not null) _members[d] = (name, bucket, durability);
        }
        foreach (var line in ImageFolder.TruthLines(image, "show-super.txt"))
        {
            var trimmed = line.Trim();
            if (line.StartsWith("Device ", StringComparison.Ordinal) && line.Contains(':', StringComparison.Ordinal) &&
                int.TryParse(line["Device ".Length..line.IndexOf(':', StringComparison.Ordinal)], NumberStyles.None, CultureInfo.InvariantCulture, out var index))
            {
                Flush();
                (dev, name, bucket, durability) = (index, null, 0, 1);
            }
            else if (dev is not null && trimmed.StartsWith("Bucket size:", StringComparison.Ordinal))
                bucket = (uint)(SuperblockTests.Size(trimmed["Bucket size:".Length..].Trim()) / 512);
            else if (dev is not null && trimmed.StartsWith("Durability:", StringComparison.Ordinal))
                durability = int.Parse(trimmed["Durability:".Length..].Trim(), CultureInfo.InvariantCulture);
            else if (dev is not null && trimmed.StartsWith("Last device name:", StringComparison.Ordinal))
                name = trimmed["Last device name:".Length..].Trim();
        }
        Flush();
        Assert.True(_members.Count > 0, $"{image}.show-super.txt names no member device");
        foreach (var key in allocKeys)
            if (key.Type == 27)
                _gens[((int)key.Position.Inode, key.Position.Offset)] = key.Value.Span[BcachefsAllocV4.GenOffset];
            else
                _gens.Remove(((int)key.Position.Inode, key.Position.Offset));
    }

    public int ExtentBpShift { get; }

    public string? DeviceName(int dev) => _members.TryGetValue(dev, out var m) ? m.Name : null;

    public uint BucketSectors(int dev) => _members.TryGetValue(dev, out var m) ? m.BucketSectors : 0;

    public int Durability(int dev) => _members.TryGetValue(dev, out var m) ? m.Durability : 0;

    public byte? BucketGen(int dev, ulong bucket) => _gens.TryGetValue((dev, bucket), out var gen) ? gen : null;
}
