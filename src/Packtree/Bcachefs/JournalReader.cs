using System.Buffers.Binary;
using Packtree.Nodes;

namespace Packtree.Bcachefs;

/// <summary>
/// Reads every jset of the journal buckets (image-facts §1.4, btree-facts §7.5 step 1): walks each bucket from its
/// start, checks magic, version, size and checksum, and stops a bucket where the magic or the seq order ends it.
/// Damaged jsets are reported, never thrown.
/// </summary>
internal static class JournalReader
{
    /// <summary>The constant the journal magic is derived from.</summary>
    public const ulong JsetMagicXor = 0x245235c1a3625032;

    /// <summary>The jsets found (in bucket order) and what was wrong.</summary>
    public static (List<Jset> Jsets, List<BcachefsProblem> Problems) Read(BcachefsImage image, BcachefsSuperblock sb)
    {
        var jsets = new List<Jset>();
        var problems = new List<BcachefsProblem>();
        var member = sb.Members[sb.DeviceIndex];
        var bucketBytes = (long)member.BucketSectors * 512;
        if (bucketBytes == 0 && sb.JournalBucketRanges.Count > 0)
        {
            problems.Add(new BcachefsProblem("journal", null, null, sb.FieldsOffset, $"member {sb.DeviceIndex} has bucket size 0"));
            return (jsets, problems);
        }
        var magic = Magic(sb);
        var buckets = bucketBytes == 0 ? 0 : (ulong)(image.Length / bucketBytes);
        foreach (var (start, count) in sb.JournalBucketRanges)
        {
            if (start >= buckets || count > buckets - start)
            {
                problems.Add(new BcachefsProblem("journal", null, null, sb.FieldsOffset, $"journal buckets {start}..{start + count - 1} reach past the image's {buckets} buckets"));
                continue;
            }
            for (ulong i = 0; i < count; i++)
                ReadBucket(image, sb, (long)(start + i) * bucketBytes, bucketBytes, magic, jsets, problems);
        }
        return (jsets, problems);
    }

    /// <summary>The journal magic: the internal uuid's first 8 bytes as le64, XOR the jset constant.</summary>
    public static ulong Magic(BcachefsSuperblock sb) => UuidWord(sb) ^ JsetMagicXor;

    /// <summary>The internal uuid's first 8 bytes as a le64.</summary>
    public static ulong UuidWord(BcachefsSuperblock sb)
    {
        Span<byte> uuid = stackalloc byte[16];
        sb.Uuid.TryWriteBytes(uuid, bigEndian: true, out _);
        return BinaryPrimitives.ReadUInt64LittleEndian(uuid);
    }

    private static void ReadBucket(BcachefsImage image, BcachefsSuperblock sb, long bucketStart, long bucketBytes, ulong magic, List<Jset> jsets, List<BcachefsProblem> problems)
    {
        var block = sb.BlockBytes;
        var bucket = new byte[bucketBytes];
        image.Read(bucketStart, bucket);
        var badChecksumSeen = false;
        ulong previousSeq = 0;
        for (long at = 0; at + Jset.HeaderBytes <= bucketBytes;)
        {
            var header = bucket.AsSpan((int)at);
            var where = bucketStart + at;
            if (BinaryPrimitives.ReadUInt64LittleEndian(header[16..]) != magic)
            {
                if (!badChecksumSeen) break; // the bucket's log ends here
                at += block; // after a torn write, look for the next jset at the next block
                continue;
            }
            var seq = BinaryPrimitives.ReadUInt64LittleEndian(header[24..]);
            var version = (int)(BinaryPrimitives.ReadUInt32LittleEndian(header[32..]) & 0xFFFF);
            var flags = BinaryPrimitives.ReadUInt32LittleEndian(header[36..]);
            var u64s = BinaryPrimitives.ReadUInt32LittleEndian(header[40..]);
            var bytes = Jset.HeaderBytes + 8L * u64s;
            if (bytes > bucketBytes - at)
            {
                problems.Add(new BcachefsProblem("journal", null, null, where + 40, $"jset seq {seq}: u64s {u64s} runs past the journal bucket's end"));
                badChecksumSeen = true;
                at += block;
                continue;
            }
            var csumType = (int)(flags & 0xF);
            if (!Checksums.IsSupported((ChecksumType)csumType))
            {
                problems.Add(new BcachefsProblem("journal", null, null, where + 36, $"jset seq {seq}: checksum type {csumType} is unknown or needs the encryption key"));
                badChecksumSeen = true;
                at += block;
                continue;
            }
            var stored = Checksum.Read(header);
            var computed = Checksums.Compute((ChecksumType)csumType, bucket.AsSpan((int)at + 16, (int)bytes - 16));
            if (stored != computed)
            {
                problems.Add(new BcachefsProblem("journal", null, null, where, $"jset seq {seq}: checksum ({BcachefsNames.ChecksumType(csumType)}) is {stored}, the bytes give {computed}"));
                badChecksumSeen = true;
                at += block;
                continue;
            }
            // Checked after the checksum, so that a damaged seq is reported rather than taken for the bucket's end.
            if (seq < previousSeq) break; // older than what came before: stale data from an earlier use of the bucket
            var size = (bytes + block - 1) / block * block;
            if ((flags & (1 << 4)) != 0)
                problems.Add(new BcachefsProblem("journal", null, null, where + 36, $"jset seq {seq} was written by a big-endian host; it is not read"));
            else if (version < SuperblockReader.OldestVersion || version > SuperblockReader.NewestVersion)
                problems.Add(new BcachefsProblem("journal", null, null, where + 32, $"jset seq {seq} has metadata version {SuperblockReader.VersionText(version)}, which is not read"));
            else
                jsets.Add(new Jset(where, seq, BinaryPrimitives.ReadUInt64LittleEndian(header[48..]), flags, version, bucket.AsSpan((int)at + Jset.HeaderBytes, (int)(bytes - Jset.HeaderBytes)).ToArray()));
            previousSeq = seq;
            at += size;
        }
    }
}
