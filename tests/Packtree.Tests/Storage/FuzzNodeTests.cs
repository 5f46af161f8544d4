using System.Buffers.Binary;
using Packtree.Keys;
using Packtree.Nodes;
using Packtree.Storage;
using Packtree.Trees;
using Xunit.Abstractions;

namespace Packtree.Tests.Storage;

/// <summary>
/// Nodes in a store file changed and resealed (every write's checksum recomputed), so that the codec's
/// and the trees' rules beyond the checksum are exercised: node header fields (btree id, level, range,
/// key format), bset headers (seq, journal seq, flags, version, u64s), keys (size, format, type, bits,
/// value), interior pointers; and changed without resealing. The nodes the current superblock copy
/// reaches, those only the older copy reaches, and stale ones neither does.
/// </summary>
[Trait("Category", "Slow")]
public sealed class FuzzNodeTests(ITestOutputHelper output)
{
    [Fact]
    public void ResealedNodeDamageIsRefusedOrReadsBackTheNodeAsItNowSays()
    {
        using var runner = new FuzzRunner("node", output);
        var cases = 1000 * FuzzRunner.Scale;
        for (var number = 0; number < cases; number++)
        {
            if (!runner.ShouldRun(number)) continue;
            var random = runner.RandomFor(number);
            var image = FuzzImage.All[number % FuzzImage.All.Count];
            var nodes = Nodes.For(image);
            var bytes = image.Copy();
            var roll = random.Next(100);
            var spot = roll switch
            {
                < 12 when nodes.OlderOnly.Count > 0 => nodes.OlderOnly[random.Next(nodes.OlderOnly.Count)],
                < 20 when nodes.Stale.Count > 0 => nodes.Stale[random.Next(nodes.Stale.Count)],
                < 50 => nodes.Interior[random.Next(nodes.Interior.Count)],
                _ => nodes.Current[random.Next(nodes.Current.Count)],
            };
            var bucket = bytes.AsSpan((int)spot.Offset, nodes.Codec.Geometry.NodeBytes);
            var writes = spot.Writes;
            var (kind, what) = random.Next(12) switch
            {
                < 3 => ("header", NodeHeaderField(random, bucket, nodes)),
                < 5 => ("bset", BsetHeaderField(random, bucket, writes)),
                < 8 => ("key", KeyField(random, bucket, writes, nodes.Codec.Geometry.NodeBytes)),
                < 10 when spot.Level > 0 => ("pointer", PointerField(random, bucket, writes, nodes)),
                _ => ("bytes", Bytes(random, bucket, spot.SectorsWritten * NodeGeometry.SectorBytes)),
            };
            var resealed = random.Next(10) != 0;
            if (resealed) Reseal(bucket, writes);
            // A resealed leaf that still reads is the tree's keys as far as anyone can tell: as the current copy
            // reads it, or — where the current copy cannot read the node and falls back — as the older copy reads
            // its version of the node in the same bucket (the writes both share).
            var alternatives = spot.Reach == "current" && resealed && spot.Level == 0
                ? new[] { WhatTheLeafSays(image, nodes, spot, bucket, image.Current), nodes.OlderVersion(spot) is { } older ? WhatTheLeafSays(image, nodes, older, bucket, image.Older) : null }.OfType<FuzzWorkload>().ToList()
                : [];
            var expected = spot.Reach != "current"
                ? FuzzExpectation.Exactly(image.Workload, image.Workload.CommitCount, errorAllowed: false) // no reader of the current copy looks there
                : new FuzzExpectation([(image.Workload, image.Workload.CommitCount, image.Workload.CommitCount), .. alternatives.Select(a => (a, a.CommitCount, a.CommitCount))]);
            runner.Run(number, image, $"{spot.Reach} {(spot.Level == 0 ? "leaf" : "interior")}, {kind}{(resealed ? "" : " (torn)")}", $"{spot}: {what}{(resealed ? ", resealed" : ", not resealed")}", bytes, expected);
        }
        runner.Finish();
    }

    private static string NodeHeaderField(Random random, Span<byte> node, Nodes nodes)
    {
        switch (random.Next(7))
        {
            case 0:
            {
                var flags = BinaryPrimitives.ReadUInt64LittleEndian(node[24..]);
                var header = new NodeHeader(0, flags, Bpos.Min, Bpos.Min, BkeyFormat.Current);
                var (changed, what) = random.Next(5) switch
                {
                    0 => (flags & ~0xFUL & ~(0xFFFFUL << 9) | NodeHeader.MakeFlags((uint)random.Next(0, 6), 0, 0) & ~(1UL << 8), $"btree id {header.BtreeId}"),
                    1 => (flags & ~0xF0UL | (ulong)((header.Level + random.Next(1, 16)) & 0xF) << 4, $"level {header.Level}"),
                    2 => (flags ^ 1UL << 8, "new-extent-overwrite bit"),
                    3 => (flags ^ (ulong)random.Next(1, int.MaxValue) << 32, $"node seq {header.NodeSeq}"),
                    _ => (FuzzSuperblockTests.InterestingValue(random, flags, 0, 8), "flags"),
                };
                BinaryPrimitives.WriteUInt64LittleEndian(node[24..], changed);
                return $"header {what}: flags {flags:x} -> {changed:x}";
            }
            case 1 or 2:
            {
                var at = random.Next(2) == 0 ? 32 : 52;
                var old = Bpos.Read(node[at..]);
                var changed = ChangePosition(random, old);
                changed.Write(node[at..]);
                return $"header {(at == 32 ? "min_key" : "max_key")} {old} -> {changed}";
            }
            case 3:
                node[72 + random.Next(8)] = (byte)random.Next(1, 256);
                return "header: obsolete pointer bytes not zero";
            default:
            {
                // The key format: key_u64s, nr_fields, a field's bits, a field's offset.
                var which = random.Next(4);
                var (at, size, name) = which switch
                {
                    0 => (80, 1, "key_u64s"),
                    1 => (81, 1, "nr_fields"),
                    2 => (82 + random.Next(6), 1, "bits_per_field"),
                    _ => (88 + 8 * random.Next(6), 8, "field_offset"),
                };
                var old = size == 1 ? node[at] : BinaryPrimitives.ReadUInt64LittleEndian(node[at..]);
                var value = FuzzSuperblockTests.InterestingValue(random, old, 0, size);
                if (size == 1) node[at] = (byte)value;
                else BinaryPrimitives.WriteUInt64LittleEndian(node[at..], value);
                return $"format {name} (node byte {at}) {old} -> {value}";
            }
        }
    }

    private static string BsetHeaderField(Random random, Span<byte> node, IReadOnlyList<BsetRecord> writes)
    {
        var w = random.Next(writes.Count);
        var bsetAt = writes[w].KeysOffset - BsetHeader.ByteCount;
        var (offset, size, name) = random.Next(5) switch
        {
            0 => (0, 8, "seq"),
            1 => (8, 8, "journal_seq"),
            2 => (16, 4, "flags"),
            3 => (20, 2, "version"),
            _ => (22, 2, "u64s"),
        };
        var at = bsetAt + offset;
        var old = ImageBytes.Read(node, at, size);
        var value = name == "flags" && random.Next(2) == 0
            ? (old & ~0xFUL) | (uint)random.Next(0, 16) // another checksum type
            : FuzzSuperblockTests.InterestingValue(random, old, 0, size);
        ImageBytes.Write(node, at, size, value);
        return $"write {w} bset {name} (node byte {at}) {old:x} -> {value:x}";
    }

    private static string KeyField(Random random, Span<byte> node, IReadOnlyList<BsetRecord> writes, int nodeBytes)
    {
        var w = random.Next(writes.Count);
        var keys = new List<int>();
        for (var at = writes[w].KeysOffset; at < writes[w].KeysOffset + writes[w].KeysLength && node[at] != 0; at += node[at] * 8) keys.Add(at);
        if (keys.Count == 0) return BsetHeaderField(random, node, writes);
        var key = keys[random.Next(keys.Count)];
        var length = node[key] * 8;
        var format = BkeyFormat.TryRead(node[NodeHeader.FormatOffset..], out var f, out _) ? f! : BkeyFormat.Current;
        var keyBytes = KeyHeader.IsPacked(node[key..]) ? format.KeyBytes : Bkey.ByteCount;
        switch (random.Next(6))
        {
            case 0:
            {
                var old = node[key];
                node[key] = (byte)FuzzSuperblockTests.InterestingValue(random, old, 0, 1);
                return $"write {w} key at node byte {key}: u64s {old} -> {node[key]}";
            }
            case 1:
            {
                var old = node[key + 1];
                node[key + 1] = random.Next(3) switch { 0 => (byte)(old ^ 1), 1 => (byte)(old | KeyHeader.NeedsWhiteoutBit), _ => (byte)random.Next(256) };
                return $"write {w} key at node byte {key}: format byte {old:x2} -> {node[key + 1]:x2}";
            }
            case 2:
            {
                var old = node[key + 2];
                node[key + 2] = random.Next(4) switch { 0 => 0, 1 => (byte)BkeyType.Whiteout, 2 => (byte)random.Next(64, 72), _ => (byte)random.Next(256) };
                if (random.Next(4) == 0) node[key + 2] = (byte)BkeyType.BtreePtrV2;
                return $"write {w} key at node byte {key}: type {old} -> {node[key + 2]}";
            }
            case 3 or 4 when keyBytes > 3 && key + keyBytes <= nodeBytes:
            {
                var at = key + random.Next(3, keyBytes);
                var old = node[at];
                node[at] ^= (byte)(1 << random.Next(8));
                return $"write {w} key at node byte {key}: key bits at byte {at - key} {old:x2} -> {node[at]:x2}";
            }
            default:
            {
                if (length <= keyBytes) goto case 1;
                var at = key + random.Next(keyBytes, length);
                var old = node[at];
                node[at] ^= (byte)random.Next(1, 256);
                return $"write {w} key at node byte {key}: value byte {at - key - keyBytes} {old:x2} -> {node[at]:x2}";
            }
        }
    }

    /// <summary>A field of one pointer of an interior node: mem_ptr, seq, sectors written, flags, min_key, the extent pointer.</summary>
    private static string PointerField(Random random, Span<byte> node, IReadOnlyList<BsetRecord> writes, Nodes nodes)
    {
        var w = random.Next(writes.Count);
        var pointers = new List<int>();
        var format = BkeyFormat.TryRead(node[NodeHeader.FormatOffset..], out var f, out _) ? f! : BkeyFormat.Current;
        for (var key = writes[w].KeysOffset; key < writes[w].KeysOffset + writes[w].KeysLength && node[key] != 0; key += node[key] * 8)
        {
            if (node[key + 2] == (byte)BkeyType.BtreePtrV2) pointers.Add(key + (KeyHeader.IsPacked(node[key..]) ? format.KeyBytes : Bkey.ByteCount));
        }
        if (pointers.Count == 0) return KeyField(random, node, writes, node.Length);
        var value = pointers[random.Next(pointers.Count)];
        if (value + BtreePointer.ValueBytes > node.Length) return KeyField(random, node, writes, node.Length);
        var (offset, size, name) = random.Next(7) switch
        {
            0 => (0, 8, "mem_ptr"),
            1 => (8, 8, "seq"),
            2 => (16, 2, "sectors_written"),
            3 => (18, 2, "flags"),
            4 => (20, 20, "min_key"),
            _ => (40, 8, "extent pointer"),
        };
        var at = value + offset;
        if (size == 20)
        {
            var old = Bpos.Read(node[at..]);
            var changed = ChangePosition(random, old);
            changed.Write(node[at..]);
            return $"write {w} pointer at node byte {value}: min_key {old} -> {changed}";
        }
        var was = ImageBytes.Read(node, at, size);
        var now = name == "extent pointer" && random.Next(2) == 0
            ? was + ((ulong)(random.Next(-3, 4) * nodes.Codec.Geometry.NodeBytes / NodeGeometry.SectorBytes) << 4) // another bucket
            : FuzzSuperblockTests.InterestingValue(random, was, 0, size);
        ImageBytes.Write(node, at, size, now);
        return $"write {w} pointer at node byte {value}: {name} {was:x} -> {now:x}";
    }

    private static string Bytes(Random random, Span<byte> node, int end)
    {
        var changes = random.Next(1, 4);
        var where = new List<int>();
        for (var i = 0; i < changes; i++)
        {
            var at = random.Next(end);
            var old = node[at];
            do node[at] = (byte)random.Next(256); while (node[at] == old);
            where.Add(at);
        }
        return $"node bytes {string.Join(", ", where)} changed";
    }

    /// <summary>A position near <paramref name="old"/>: one field one more or less, set to 0 or its largest, or the ends of the key space.</summary>
    private static Bpos ChangePosition(Random random, Bpos old) => random.Next(8) switch
    {
        0 => new Bpos(old.Inode + 1, old.Offset, old.Snapshot),
        1 => new Bpos(old.Inode - 1, old.Offset, old.Snapshot),
        2 => new Bpos(old.Inode, old.Offset + 1, old.Snapshot),
        3 => new Bpos(old.Inode, old.Offset - 1, old.Snapshot),
        4 => new Bpos(old.Inode, old.Offset, old.Snapshot ^ 1),
        5 => Bpos.Min,
        6 => Bpos.Max,
        _ => new Bpos(old.Inode, old.Offset, uint.MaxValue),
    };

    /// <summary>
    /// The workload with the changed leaf as it now reads, when it reads as a leaf of the store may be
    /// (keys of value types, each padding no more than its value has, no value above the tree's largest):
    /// a resealed node is one the checksum cannot tell from a true one, so its keys are the tree's keys at
    /// the checkpoint, and the commits after it are replayed over them.
    /// </summary>
    private static FuzzWorkload? WhatTheLeafSays(FuzzImage image, Nodes nodes, NodeSpot spot, ReadOnlySpan<byte> bucket, Superblock copy)
    {
        var expected = new NodeExpectation(spot.TreeId, 0, spot.Min, spot.Max, spot.RangeUpdated);
        Dictionary<Bpos, byte[]> before, after;
        try
        {
            before = Leaf(nodes.Codec, image.Bytes.AsSpan((int)spot.Offset, nodes.Codec.Geometry.NodeBytes), spot, expected);
            after = Leaf(nodes.Codec, bucket, spot, expected);
        }
        catch (CorruptNodeException)
        {
            return null;
        }
        catch (InvalidDataException)
        {
            return null;
        }
        var ops = new List<FuzzOp>();
        foreach (var key in before.Keys.Where(k => !after.ContainsKey(k))) ops.Add(new FuzzOp(FuzzOpKind.Delete, spot.Tree, key, []));
        foreach (var (key, value) in after.Where(kv => !before.TryGetValue(kv.Key, out var old) || !old.AsSpan().SequenceEqual(kv.Value))) ops.Add(new FuzzOp(FuzzOpKind.Put, spot.Tree, key, value));
        var checkpoint = (int)copy.CheckpointSeq;
        return ops.Count == 0 ? null : image.Workload.Insert(checkpoint, [.. ops], $"the workload with the leaf's {ops.Count} changed keys after commit {checkpoint} (as the {(copy == image.Current ? "current" : "older")} copy reads it)");
    }

    /// <summary>A leaf's keys and values, as the codec reads them; InvalidDataException when a key is not one a leaf of the store holds.</summary>
    private static Dictionary<Bpos, byte[]> Leaf(NodeCodec codec, ReadOnlySpan<byte> bucket, NodeSpot spot, NodeExpectation expected)
    {
        var node = BtreeNode.Read(codec, bucket, spot.Seq, spot.SectorsWritten, "fuzz", null, expected);
        var keys = new Dictionary<Bpos, byte[]>();
        var largest = TreeValues.MaxBytesFor(codec.Geometry.NodeBytes);
        foreach (var (key, value) in node.LiveKeys())
        {
            if (!TreeValues.IsValueType(key.Type) || key.Type - TreeValues.TypeBase > value.Length || value.Length - (key.Type - TreeValues.TypeBase) > largest)
                throw new InvalidDataException($"key {key} is not a leaf key of the store");
            keys[key.Position] = TreeValues.Unpad(key.Type, value.Span).ToArray();
        }
        return keys;
    }

    /// <summary>Recomputes each write's checksum over its bytes as its (possibly changed) bset header says: from byte 16 to the end of its keys, of its checksum type (the original one where the new type cannot be computed).</summary>
    private static void Reseal(Span<byte> node, IReadOnlyList<BsetRecord> writes)
    {
        foreach (var write in writes)
        {
            var start = write.SectorOffset * NodeGeometry.SectorBytes;
            var bsetAt = write.KeysOffset - BsetHeader.ByteCount;
            var bset = BsetHeader.Read(node[bsetAt..]);
            var end = write.KeysOffset + bset.U64s * 8;
            if (end > node.Length) continue;
            var type = Checksums.IsSupported(bset.ChecksumType) ? bset.ChecksumType : write.Header.ChecksumType;
            Checksums.Compute(type, node[(start + Checksum.ByteCount)..end]).Write(node[start..]);
        }
    }



    /// <summary>A node in the image: where, what its parent's pointer (or the superblock) says of it, its writes, and who reaches it.</summary>
    private sealed record NodeSpot(string Tree, uint TreeId, long Offset, ulong Seq, int SectorsWritten, int Level, Bpos Min, Bpos Max, bool RangeUpdated, IReadOnlyList<BsetRecord> Writes, string Reach)
    {
        public override string ToString() =>
            $"{(Reach == "current" ? "" : Reach + " ")}node at byte {Offset} (tree '{Tree}', level {Level}, {Min}..{Max}, {SectorsWritten} sectors in {Writes.Count} writes)";
    }

    /// <summary>The nodes of an image: those the current superblock copy reaches, those only the older copy reaches, and stale ones with a node header neither reaches.</summary>
    private sealed class Nodes
    {
        private static readonly Dictionary<FuzzImage, Nodes> Cache = [];
        private readonly Dictionary<long, NodeSpot> _olderByOffset;

        private Nodes(FuzzImage image)
        {
            Codec = new NodeCodec(new NodeGeometry(image.Current.NodeBytes, image.Current.BlockBytes), image.Current.NodeMagic);
            Current = Walk(image, image.Current, "current");
            Interior = [.. Current.Where(n => n.Level > 0)];
            var used = Current.Select(n => n.Offset).ToHashSet();
            var older = Walk(image, image.Older, "older-copy");
            _olderByOffset = older.ToDictionary(n => n.Offset);
            OlderOnly = [.. older.Where(n => !used.Contains(n.Offset))];
            used.UnionWith(OlderOnly.Select(n => n.Offset));
            var stale = new List<NodeSpot>();
            for (var offset = image.Current.NodeAreaOffset; offset + Codec.Geometry.NodeBytes <= image.Bytes.Length; offset += Codec.Geometry.NodeBytes)
            {
                if (used.Contains(offset) || BinaryPrimitives.ReadUInt64LittleEndian(image.Bytes.AsSpan((int)offset + 16)) != Codec.Magic) continue;
                var seq = BinaryPrimitives.ReadUInt64LittleEndian(image.Bytes.AsSpan((int)offset + NodeHeader.BsetOffset));
                try
                {
                    var read = Codec.Read(image.Bytes.AsSpan((int)offset, Codec.Geometry.NodeBytes), seq, 0, "stale");
                    stale.Add(new NodeSpot("?", read.Header.BtreeId, offset, seq, read.SectorsRead, read.Header.Level, read.Header.MinPosition, read.Header.MaxPosition, false, read.Bsets, "stale"));
                }
                catch (CorruptNodeException)
                {
                }
            }
            Stale = stale;
            if (Interior.Count == 0) throw new InvalidOperationException($"Image {image.Name} has no interior node.");
        }

        public NodeCodec Codec { get; }

        /// <summary>The older copy's version of the node in <paramref name="spot"/>'s bucket (fewer writes of it, or the same), if that copy reaches the bucket.</summary>
        public NodeSpot? OlderVersion(NodeSpot spot) =>
            _olderByOffset.TryGetValue(spot.Offset, out var older) && older.TreeId == spot.TreeId && older.Level == spot.Level ? older : null;

        public List<NodeSpot> Current { get; }

        public List<NodeSpot> Interior { get; }

        public List<NodeSpot> OlderOnly { get; }

        public List<NodeSpot> Stale { get; }

        public static Nodes For(FuzzImage image)
        {
            lock (Cache)
            {
                if (!Cache.TryGetValue(image, out var nodes)) Cache[image] = nodes = new Nodes(image);
                return nodes;
            }
        }

        private List<NodeSpot> Walk(FuzzImage image, Superblock superblock, string reach)
        {
            var spots = new List<NodeSpot>();
            foreach (var tree in superblock.Trees.Where(t => t.RootSector != 0))
                Visit(image, tree, (long)tree.RootSector * NodeGeometry.SectorBytes, tree.RootSeq, tree.RootSectorsWritten, tree.RootLevel, Bpos.Min, Bpos.Max, false, reach, spots);
            return spots;
        }

        private void Visit(FuzzImage image, TreeRecord tree, long offset, ulong seq, int sectors, int level, Bpos min, Bpos max, bool rangeUpdated, string reach, List<NodeSpot> spots)
        {
            if (offset <= 0 || offset + Codec.Geometry.NodeBytes > image.Bytes.Length) throw new InvalidOperationException($"{reach} tree '{tree.Name}' level {level} {min}..{max}: a node at byte {offset}, file {image.Bytes.Length}");
            var bucket = image.Bytes.AsSpan((int)offset, Codec.Geometry.NodeBytes);
            var expected = new NodeExpectation(tree.Id, level, min, max, rangeUpdated);
            var read = Codec.Read(bucket, seq, sectors, "walk", expected);
            spots.Add(new NodeSpot(tree.Name, tree.Id, offset, seq, sectors, level, min, max, rangeUpdated, read.Bsets, reach));
            if (level == 0) return;
            var node = BtreeNode.Read(Codec, bucket, seq, sectors, "walk", null, expected);
            foreach (var (key, value) in node.LiveKeys())
            {
                var pointer = BtreePointer.Read(value.Span);
                Visit(image, tree, (long)pointer.Sector * NodeGeometry.SectorBytes, pointer.Seq, pointer.SectorsWritten, level - 1, pointer.MinPosition, key.Position, (pointer.Flags & 1) != 0, reach, spots);
            }
        }
    }
}
