using System.Buffers.Binary;
using Packtree.Bcachefs;
using Packtree.Keys;
using Packtree.Nodes;

namespace Packtree.Tests.Bcachefs;

/// <summary>
/// Lays a real image's btrees out again with another geometry, so the reader meets the variations bcachefs
/// allows that the images at hand do not show: other block and node sizes (512-byte blocks, 4 KiB nodes,
/// so trees three and more levels deep), other metadata checksums, roots found in the journal rather than
/// the clean section, and journal keys overlaying the nodes. The copy keeps every byte of file data and every
/// leaf key of the source: only new nodes are written (into buckets the source does not use), the superblock
/// copies are patched (block size, node size, checksum option, roots) and the journal is written anew.
/// Written from the on-disk layout (bcachefs-btree-facts §3, §6, §7), independently of the reader it tests.
/// </summary>
internal static class RelaidImage
{
    private const int SectorBytes = 512;
    private const ulong JsetMagicXor = 0x245235c1a3625032;
    private const ulong BsetMagicXor = 0x90135c78b99e07f5;

    /// <summary>How to lay the copy out.</summary>
    /// <param name="BlockBytes">Block size (512 bytes to the source's block size or larger).</param>
    /// <param name="NodeBytes">Node size.</param>
    /// <param name="Checksum">The metadata checksum of the new nodes and journal.</param>
    /// <param name="Clean">False: the superblock says unclean, so roots come from the journal.</param>
    /// <param name="JournalKeys">Keys the journal holds beyond the roots (btree id, key), applied over the nodes by a reader.</param>
    public sealed record Layout(int BlockBytes, int NodeBytes, ChecksumType Checksum, bool Clean = true, IReadOnlyList<(int Btree, BcachefsKey Key)>? JournalKeys = null)
    {
        public override string ToString() => $"{BlockBytes}-byte blocks, {NodeBytes / 1024} KiB nodes, {Checksum}{(Clean ? "" : ", unclean")}{(JournalKeys is { Count: > 0 } k ? $", {k.Count} journal keys" : "")}";
    }

    /// <summary>Writes the copy of <paramref name="source"/> to <paramref name="destination"/>; returns each btree's root level.</summary>
    public static IReadOnlyDictionary<int, int> Write(string source, string destination, Layout layout)
    {
        File.Copy(source, destination, overwrite: true);
        var keys = new Dictionary<int, List<BcachefsKey>>();
        BcachefsSuperblock superblock;
        using (var image = BcachefsImage.Open(source))
        {
            superblock = image.Superblock;
            foreach (var btree in image.Btrees)
                if (!btree.IsEmpty) keys[btree.Id] = [.. btree.Keys()];
        }
        var geometry = new NodeGeometry(layout.NodeBytes, layout.BlockBytes);
        using var file = new FileStream(destination, FileMode.Open, FileAccess.ReadWrite);
        var primary = ReadSuperblock(file, 8);
        var uuidWord = BinaryPrimitives.ReadUInt64LittleEndian(primary.AsSpan(40));
        var codec = new NodeCodec(geometry, uuidWord ^ BsetMagicXor, layout.Checksum);
        var member = superblock.Members[superblock.DeviceIndex];
        var allocator = new Buckets(file, keys.GetValueOrDefault(4) ?? [], superblock, member.BucketSectors, layout.NodeBytes);
        var random = new Random(1060);

        var roots = new Dictionary<int, (int Level, byte[] Pointer)>();
        foreach (var (btree, list) in keys)
            roots[btree] = WriteTree(file, codec, geometry, allocator, random, btree, list);

        var rootEntries = roots.OrderBy(r => r.Key).Select(r => JournalEntry(1, r.Key, r.Value.Level, r.Value.Pointer)).ToList();
        PatchSuperblocks(file, layout, rootEntries, out var journalSeq, out var journalBuckets);
        WriteJournal(file, layout, uuidWord ^ JsetMagicXor, journalSeq, journalBuckets, member.BucketSectors, rootEntries);
        return roots.ToDictionary(r => r.Key, r => r.Value.Level);
    }

    /// <summary>Leaves from the keys, then levels of pointers until one node holds them all; returns the root's level and pointer key.</summary>
    private static (int Level, byte[] Pointer) WriteTree(FileStream file, NodeCodec codec, NodeGeometry geometry, Buckets allocator, Random random, int btree, List<BcachefsKey> keys)
    {
        var level = 0;
        var children = Group(keys.Select(k => (Unpacked(k), k.Position)).ToList(), geometry)
            .Select(g => WriteNode(file, codec, geometry, allocator, random, btree, level, g)).ToList();
        while (children.Count > 1 || level == 0 && children.Count == 0)
        {
            level++;
            var pointers = children.Select(c => (c.Pointer, c.Max)).ToList();
            children = Group(pointers, geometry).Select(g => WriteNode(file, codec, geometry, allocator, random, btree, level, g)).ToList();
        }
        return (level, children[0].Pointer);
    }

    /// <summary>Splits keys (unpacked bytes, position) into runs that fit a node's first write unpacked; each run's range ends at its last key, the last run's at SPOS_MAX.</summary>
    private static List<(Bpos Min, Bpos Max, List<byte[]> Keys)> Group(List<(byte[] Key, Bpos Position)> keys, NodeGeometry geometry)
    {
        var groups = new List<(Bpos Min, Bpos Max, List<byte[]> Keys)>();
        var capacity = geometry.NodeBytes - NodeHeader.ByteCount;
        var current = new List<byte[]>();
        var bytes = 0;
        var min = Bpos.Min;
        for (var i = 0; i < keys.Count; i++)
        {
            if (bytes + keys[i].Key.Length > capacity || current.Count >= 2 && bytes + keys[i].Key.Length > capacity * 3 / 4 && keys.Count - i > 2)
            {
                var max = keys[i - 1].Position;
                groups.Add((min, max, current));
                (min, current, bytes) = (max.Successor(), [], 0);
            }
            current.Add(keys[i].Key);
            bytes += keys[i].Key.Length;
        }
        groups.Add((min, Bpos.Max, current));
        return groups;
    }

    private static (byte[] Pointer, Bpos Max) WriteNode(FileStream file, NodeCodec codec, NodeGeometry geometry, Buckets allocator, Random random, int btree, int level,
        (Bpos Min, Bpos Max, List<byte[]> Keys) group)
    {
        var builder = new BkeyFormatBuilder().AddPosition(group.Min).AddPosition(group.Max);
        foreach (var key in group.Keys) builder.AddKey(Bkey.Read(key));
        var format = builder.Build();
        var packed = new List<byte>();
        var buffer = new byte[Bkey.U64sMax * 8];
        foreach (var key in group.Keys)
        {
            var header = Bkey.Read(key);
            if (format.TryPack(header, buffer))
            {
                packed.AddRange(buffer.AsSpan(0, format.KeyBytes).ToArray());
                packed.AddRange(key.AsSpan(Bkey.ByteCount).ToArray());
            }
            else packed.AddRange(key);
        }
        var seq = (ulong)random.NextInt64(1, long.MaxValue);
        var node = new byte[geometry.NodeBytes];
        var nodeHeader = new NodeHeader(codec.Magic, NodeHeader.MakeFlags((uint)btree, level, 1), group.Min, group.Max, format);
        var sectors = codec.WriteFirst(node, nodeHeader, seq, 1, packed.ToArray());
        var sector = allocator.Next();
        file.Position = (long)sector * SectorBytes;
        file.Write(node);
        return (PointerKey(group.Max, group.Min, seq, sectors, sector), group.Max);
    }

    /// <summary>An unpacked btree_ptr_v2 key: mem_ptr, seq, sectors_written, flags, min_key, one pointer on device 0.</summary>
    private static byte[] PointerKey(Bpos max, Bpos min, ulong seq, int sectors, ulong sector)
    {
        var key = new byte[Bkey.ByteCount + 48];
        new Bkey(max, type: 18, valueU64s: 6).Write(key);
        var value = key.AsSpan(Bkey.ByteCount);
        BinaryPrimitives.WriteUInt64LittleEndian(value[8..], seq);
        BinaryPrimitives.WriteUInt16LittleEndian(value[16..], (ushort)sectors);
        min.Write(value[20..]);
        BinaryPrimitives.WriteUInt64LittleEndian(value[40..], 1UL | sector << 4);
        return key;
    }

    /// <summary>The key as an unpacked bkey followed by its value.</summary>
    internal static byte[] Unpacked(BcachefsKey key)
    {
        var bytes = new byte[Bkey.ByteCount + key.Value.Length];
        new Bkey(key.Position, key.Type, key.Value.Length / 8, key.Size, new Bversion(key.VersionHi, key.VersionLo)).Write(bytes);
        key.Value.Span.CopyTo(bytes.AsSpan(Bkey.ByteCount));
        return bytes;
    }

    /// <summary>A jset entry: header (u64s, btree id, level, type) and payload.</summary>
    internal static byte[] JournalEntry(byte type, int btree, int level, byte[] payload)
    {
        var entry = new byte[8 + payload.Length];
        BinaryPrimitives.WriteUInt16LittleEndian(entry, (ushort)(payload.Length / 8));
        entry[2] = (byte)btree;
        entry[3] = (byte)level;
        entry[4] = type;
        payload.CopyTo(entry, 8);
        return entry;
    }

    private static byte[] ReadSuperblock(FileStream file, long sector)
    {
        var head = new byte[752];
        file.Position = sector * SectorBytes;
        file.ReadExactly(head);
        var bytes = new byte[752 + 8 * BinaryPrimitives.ReadUInt32LittleEndian(head.AsSpan(124))];
        file.Position = sector * SectorBytes;
        file.ReadExactly(bytes);
        return bytes;
    }

    /// <summary>Every copy the layout lists: block and node size, metadata checksum option, clean flag and the clean section's roots; resealed.</summary>
    private static void PatchSuperblocks(FileStream file, Layout layout, List<byte[]> rootEntries, out ulong journalSeq, out List<(ulong Start, ulong Count)> journalBuckets)
    {
        var layoutBytes = new byte[512];
        file.Position = 3584;
        file.ReadExactly(layoutBytes);
        var copies = Enumerable.Range(0, layoutBytes[18]).Select(i => BinaryPrimitives.ReadUInt64LittleEndian(layoutBytes.AsSpan(24 + 8 * i))).ToList();
        journalSeq = 0;
        journalBuckets = [];
        foreach (var sector in copies)
        {
            var sb = ReadSuperblock(file, (long)sector);
            BinaryPrimitives.WriteUInt16LittleEndian(sb.AsSpan(120), (ushort)(layout.BlockBytes / SectorBytes));
            var flags0 = BinaryPrimitives.ReadUInt64LittleEndian(sb.AsSpan(144));
            flags0 &= ~((0xFFFFUL << 12) | (0xFUL << 40) | 2UL);
            flags0 |= (ulong)(layout.NodeBytes / SectorBytes) << 12 | (ulong)ChecksumOption(layout.Checksum) << 40 | (layout.Clean ? 2UL : 0);
            BinaryPrimitives.WriteUInt64LittleEndian(sb.AsSpan(144), flags0);
            for (var at = 752; at < sb.Length;)
            {
                var u64s = (int)BinaryPrimitives.ReadUInt32LittleEndian(sb.AsSpan(at));
                var type = BinaryPrimitives.ReadUInt32LittleEndian(sb.AsSpan(at + 4));
                if (u64s == 0) break;
                if (type == 6) journalSeq = PatchClean(sb.AsSpan(at, u64s * 8), rootEntries);
                if (type == 9)
                {
                    journalBuckets = [];
                    for (var p = at + 8; p + 16 <= at + u64s * 8; p += 16)
                        journalBuckets.Add((BinaryPrimitives.ReadUInt64LittleEndian(sb.AsSpan(p)), BinaryPrimitives.ReadUInt64LittleEndian(sb.AsSpan(p + 8))));
                }
                at += u64s * 8;
            }
            Reseal.Superblock(sb);
            file.Position = (long)sector * SectorBytes;
            file.Write(sb);
        }
    }

    /// <summary>Replaces the clean section's btree_root entries (same btrees, same sizes) with the new roots; returns its journal seq.</summary>
    private static ulong PatchClean(Span<byte> field, List<byte[]> rootEntries)
    {
        var seq = BinaryPrimitives.ReadUInt64LittleEndian(field[16..]);
        var others = new List<byte[]>();
        for (var at = 24; at + 8 <= field.Length;)
        {
            var u64s = BinaryPrimitives.ReadUInt16LittleEndian(field[at..]);
            var length = 8 + 8 * u64s;
            if (field[at + 4] != 1 && !(u64s == 0 && field[at + 4] == 0)) others.Add(field.Slice(at, length).ToArray());
            at += length;
        }
        var entries = rootEntries.Concat(others).SelectMany(e => e).ToArray();
        if (24 + entries.Length > field.Length) throw new InvalidOperationException("The new roots do not fit the clean section.");
        field[24..].Clear();
        entries.CopyTo(field[24..]);
        return seq;
    }

    /// <summary>Clears the journal buckets and writes one flush jset at the first: the roots and any extra keys, at the clean section's seq.</summary>
    private static void WriteJournal(FileStream file, Layout layout, ulong magic, ulong seq, List<(ulong Start, ulong Count)> buckets, int bucketSectors, List<byte[]> rootEntries)
    {
        var bucketBytes = (long)bucketSectors * SectorBytes;
        foreach (var (start, count) in buckets)
        {
            file.Position = (long)start * bucketBytes;
            file.Write(new byte[bucketBytes * (long)count]);
        }
        var entries = new List<byte[]>(rootEntries);
        foreach (var group in (layout.JournalKeys ?? []).GroupBy(k => k.Btree))
            entries.Add(JournalEntry(0, group.Key, 0, group.SelectMany(k => Unpacked(k.Key)).ToArray()));
        var body = entries.SelectMany(e => e).ToArray();
        var jset = new byte[(56 + body.Length + layout.BlockBytes - 1) / layout.BlockBytes * layout.BlockBytes];
        BinaryPrimitives.WriteUInt64LittleEndian(jset.AsSpan(16), magic);
        BinaryPrimitives.WriteUInt64LittleEndian(jset.AsSpan(24), seq);
        BinaryPrimitives.WriteUInt32LittleEndian(jset.AsSpan(32), 1060);
        BinaryPrimitives.WriteUInt32LittleEndian(jset.AsSpan(36), (uint)layout.Checksum);
        BinaryPrimitives.WriteUInt32LittleEndian(jset.AsSpan(40), (uint)(body.Length / 8));
        BinaryPrimitives.WriteUInt64LittleEndian(jset.AsSpan(48), seq);
        body.CopyTo(jset, 56);
        Reseal.Jset(jset.AsSpan(0, Jset.HeaderBytes + body.Length));
        file.Position = (long)buckets[0].Start * bucketBytes;
        file.Write(jset);
    }

    /// <summary>The superblock's metadata_checksum option (BCH_SB_META_CSUM_TYPE) that selects <paramref name="type"/>.</summary>
    internal static int ChecksumOption(ChecksumType type) => type switch
    {
        ChecksumType.None => 0,
        ChecksumType.Crc32cNonzero => 1,
        ChecksumType.Crc64Nonzero => 2,
        ChecksumType.XxHash => 3,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Metadata uses none, crc32c, crc64 or xxhash."),
    };

    /// <summary>Hands out node-sized places in buckets the source leaves unused (no alloc key, not a superblock or journal bucket).</summary>
    private sealed class Buckets
    {
        private readonly List<ulong> _free;
        private readonly int _perBucket;
        private readonly int _bucketSectors;
        private readonly int _nodeSectors;
        private int _bucket;
        private int _slot;

        public Buckets(FileStream file, List<BcachefsKey> alloc, BcachefsSuperblock superblock, int bucketSectors, int nodeBytes)
        {
            _bucketSectors = bucketSectors;
            _nodeSectors = nodeBytes / SectorBytes;
            _perBucket = bucketSectors / _nodeSectors;
            var used = alloc.Select(k => k.Position.Offset).ToHashSet();
            foreach (var copy in superblock.Copies) used.Add(copy / (ulong)bucketSectors);
            used.Add(0);
            foreach (var range in superblock.JournalBucketRanges)
                for (var b = range.Start; b < range.Start + range.Count; b++) used.Add(b);
            var buckets = file.Length / SectorBytes / bucketSectors;
            _free = [.. Enumerable.Range(0, (int)buckets).Select(b => (ulong)b).Where(b => !used.Contains(b))];
        }

        public ulong Next()
        {
            if (_slot == _perBucket) (_bucket, _slot) = (_bucket + 1, 0);
            if (_bucket >= _free.Count) throw new InvalidOperationException("The image has no free bucket left for the new nodes.");
            return _free[_bucket] * (ulong)_bucketSectors + (ulong)(_slot++ * _nodeSectors);
        }
    }
}
