using System.Buffers.Binary;
using System.Text;
using Packtree.Storage;
using Xunit.Abstractions;

namespace Packtree.Tests.Storage;

/// <summary>
/// Superblock copies changed and resealed (their CRC-32 recomputed), so that what the checksum cannot
/// catch is caught by the validation behind it: single fields set to telling values, bit flips, byte
/// runs, tree-list edits. The current copy, the older one, or both.
/// </summary>
[Trait("Category", "Slow")]
public sealed class FuzzSuperblockTests(ITestOutputHelper output)
{
    private const int FixedBytes = 128;

    /// <summary>Fields of the fixed part: offset, size, name.</summary>
    private static readonly (int Offset, int Size, string Name)[] Fields =
    [
        (8, 4, "format version"), (12, 4, "reserved"), (16, 8, "generation"), (24, 8, "node magic"), (32, 4, "node bytes"), (36, 4, "block bytes"),
        (40, 8, "journal offset"), (48, 8, "journal bytes"), (56, 8, "node area offset"), (64, 8, "checkpoint seq"), (72, 8, "journal tail"),
        (80, 4, "tree count"), (84, 4, "tree list bytes"), (88, 8, "reserved"), (112, 8, "reserved"), (124, 4, "reserved"),
    ];

    /// <summary>Fields of a tree record: offset in the record, size, name.</summary>
    private static readonly (int Offset, int Size, string Name)[] TreeFields =
    [
        (0, 4, "id"), (4, 8, "root sector"), (12, 8, "root seq"), (20, 2, "root sectors written"), (22, 1, "root level"), (23, 1, "name length"), (24, 8, "key count"), (32, 8, "reserved"),
    ];

    [Fact]
    public void ResealedSuperblockDamageIsRefusedOrReadsBackAPrefix()
    {
        using var runner = new FuzzRunner("superblock", output);
        var cases = 700 * FuzzRunner.Scale;
        for (var number = 0; number < cases; number++)
        {
            if (!runner.ShouldRun(number)) continue;
            var random = runner.RandomFor(number);
            var image = FuzzImage.All[number % FuzzImage.All.Count];
            var bytes = image.Copy();
            var target = random.Next(10) switch { < 6 => "current", < 8 => "older", _ => "both" };
            var slots = target switch { "current" => new[] { image.CurrentSlot }, "older" => [1 - image.CurrentSlot], _ => [0, 1] };
            var kind = random.Next(10);
            var what = new StringBuilder($"{target} copy: ");
            var choiceSeed = random.Next();
            foreach (var slot in slots)
            {
                var copy = bytes.AsSpan(slot * Superblock.SlotBytes, Superblock.SlotBytes);
                // Both copies get the same kind of change, from the same random choices.
                var choices = new Random(choiceSeed);
                if (slot != slots[0]) what.Append("; and ");
                what.Append(kind switch
                {
                    < 4 => SetField(copy, choices, bytes.AsSpan((1 - slot) * Superblock.SlotBytes, Superblock.SlotBytes)),
                    4 => FlipBits(copy, choices),
                    5 => WriteRun(copy, choices),
                    _ => EditTrees(copy, choices),
                });
                ImageBytes.ResealSuperblock(copy);
            }
            // With the current copy intact, and the older one not made to look newer, nothing may change;
            // nor when the current copy no longer reads, for the older one is then used and its journal is
            // all there (a copy of a newer format version may still be refused).
            var older = bytes.AsSpan((1 - image.CurrentSlot) * Superblock.SlotBytes, Superblock.SlotBytes);
            var newerFormat = slots.Any(slot => BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(slot * Superblock.SlotBytes + 8)) > Superblock.CurrentVersion);
            var expected = (target == "older" && BinaryPrimitives.ReadUInt64LittleEndian(older[16..]) < image.Current.Generation)
                || (target == "current" && Refused(bytes, image.CurrentSlot))
                ? FuzzExpectation.Exactly(image.Workload, image.Workload.CommitCount, errorAllowed: newerFormat)
                : FuzzExpectation.AnyPrefix(image.Workload, [.. slots.Select(slot => WhatTheCopySays(image, slot, bytes)).OfType<FuzzWorkload>()]);
            runner.Run(number, image, $"{target} copy, {(kind switch { < 4 => "field", 4 => "bits", 5 => "byte run", _ => "tree list" })}", what.ToString(), bytes, expected);
        }
        runner.Finish();
    }

    /// <summary>One field set to a value chosen to break a rule or sit just beside one.</summary>
    private static string SetField(Span<byte> copy, Random random, ReadOnlySpan<byte> other)
    {
        var trees = TreeOffsets(copy);
        int offset, size;
        string name;
        if (random.Next(2) == 0 || trees.Count == 0)
        {
            (offset, size, name) = Fields[random.Next(Fields.Length)];
        }
        else
        {
            var tree = random.Next(trees.Count);
            var field = TreeFields[random.Next(TreeFields.Length)];
            (offset, size, name) = (FixedBytes + trees[tree] + field.Offset, field.Size, $"tree {tree}'s {field.Name}");
        }
        var old = ImageBytes.Read(copy, offset, size);
        var value = name.EndsWith("'s id", StringComparison.Ordinal) && random.Next(3) == 0
            ? (ulong)(random.Next(3) switch { 0 => (1 << 20) - 1, 1 => 1 << 20, _ => random.Next(5, 9) }) // the largest id, one past it, an unused one
            : InterestingValue(random, old, ImageBytes.Read(other, offset, size), size);
        ImageBytes.Write(copy, offset, size, value);
        return $"{name} (byte {offset}) {old} -> {value}";
    }

    /// <summary>A value for a field of <paramref name="size"/> bytes holding <paramref name="old"/>: 0, 1, all ones, the largest, off by one or eight, doubled, halved, the other copy's, a random one, one bit flipped, a sector's or a node's worth away.</summary>
    internal static ulong InterestingValue(Random random, ulong old, ulong other, int size)
    {
        var mask = size == 8 ? ulong.MaxValue : (1UL << (size * 8)) - 1;
        ulong value;
        do
        {
            value = random.Next(16) switch
            {
                0 => 0,
                1 => 1,
                2 => mask,
                3 => mask >> 1,
                4 => old + 1,
                5 => old - 1,
                6 => old + 8,
                7 => old - 8,
                8 => old * 2,
                9 => old / 2,
                10 => other,
                11 => (ulong)random.NextInt64(),
                12 => old ^ (1UL << random.Next(size * 8)),
                13 => old + (ulong)(random.Next(2) == 0 ? 4096 / 512 : 4096),
                14 => (ulong)(1L << random.Next(9, 41)),
                _ => (mask >> 1) + 1,
            } & mask;
        }
        while (value == old && random.Next(4) != 0);
        return value;
    }

    private static string FlipBits(Span<byte> copy, Random random)
    {
        var covered = Covered(copy);
        var flips = random.Next(1, 5);
        var at = new List<string>();
        for (var i = 0; i < flips; i++)
        {
            var bit = random.Next(covered * 8);
            copy[bit / 8] ^= (byte)(1 << (bit % 8));
            at.Add($"{bit / 8}.{bit % 8}");
        }
        return $"bits flipped at byte.bit {string.Join(", ", at)}";
    }

    private static string WriteRun(Span<byte> copy, Random random)
    {
        var covered = Covered(copy);
        var length = random.Next(1, 17);
        var start = random.Next(0, covered - 1);
        length = Math.Min(length, covered - start);
        var fill = random.Next(3);
        for (var i = 0; i < length; i++) copy[start + i] = fill switch { 0 => 0, 1 => 0xff, _ => (byte)random.Next(256) };
        return $"{length} bytes at {start} set to {(fill switch { 0 => "zero", 1 => "0xff", _ => "random bytes" })}";
    }

    /// <summary>Edits of the tree list that a field change alone does not make: names, duplicates, records added or removed, a tree emptied.</summary>
    private static string EditTrees(Span<byte> copy, Random random)
    {
        var trees = TreeOffsets(copy);
        var count = trees.Count;
        var listBytes = BinaryPrimitives.ReadInt32LittleEndian(copy[84..]);
        var i = random.Next(count);
        var record = FixedBytes + trees[i];
        var nameLength = copy[record + 23];
        var name = Encoding.UTF8.GetString(copy.Slice(record + 40, nameLength));
        switch (random.Next(10))
        {
            case 0:
            {
                var bad = random.Next(4) switch { 0 => new byte[] { 0xff }, 1 => [0x80], 2 => [0xc0, 0x80], _ => [0xed, 0xa0, 0x80] };
                var at = random.Next(nameLength);
                var n = Math.Min(bad.Length, nameLength - at);
                bad.AsSpan(0, n).CopyTo(copy[(record + 40 + at)..]);
                return $"tree {i} ('{name}'): name bytes {at}.. made invalid UTF-8 ({Convert.ToHexString(bad, 0, n)})";
            }
            case 1:
            {
                var at = random.Next(nameLength);
                var c = random.Next(3) switch { 0 => (byte)0x01, 1 => (byte)0x7f, _ => (byte)'\n' };
                copy[record + 40 + at] = c;
                return $"tree {i} ('{name}'): name byte {at} set to control character {c:x2}";
            }
            case 2:
            {
                // Another valid name of the same length: the tree is renamed (unless the journal creates or the name collides).
                var bytes = copy.Slice(record + 40, nameLength);
                var at = random.Next(nameLength);
                if (bytes[at] >= 0x80) return SetField(copy, random, copy);
                var letter = (byte)('a' + random.Next(26));
                bytes[at] = letter;
                var renamed = Encoding.UTF8.GetString(bytes);
                return $"tree {i} ('{name}'): renamed '{renamed}'";
            }
            case 3 when count > 1 && random.Next(2) == 0:
            {
                // Another tree's name, where the lengths agree (the images' names are all 5 bytes).
                var j = (i + 1 + random.Next(count - 1)) % count;
                var other = FixedBytes + trees[j];
                if (copy[other + 23] != nameLength) goto default;
                copy.Slice(other + 40, nameLength).CopyTo(copy.Slice(record + 40, nameLength));
                return $"tree {i} ('{name}'): takes tree {j}'s name";
            }
            case 3 when count > 1:
            {
                var j = (i + 1 + random.Next(count - 1)) % count;
                var other = FixedBytes + trees[j];
                copy.Slice(other, 4).CopyTo(copy.Slice(record, 4));
                return $"tree {i} ('{name}'): takes tree {j}'s id {BinaryPrimitives.ReadUInt32LittleEndian(copy[other..])}";
            }
            case 4 when count > 1:
            {
                var j = (i + 1 + random.Next(count - 1)) % count;
                var other = FixedBytes + trees[j];
                var a = BinaryPrimitives.ReadUInt32LittleEndian(copy[record..]);
                BinaryPrimitives.WriteUInt32LittleEndian(copy[record..], BinaryPrimitives.ReadUInt32LittleEndian(copy[other..]));
                BinaryPrimitives.WriteUInt32LittleEndian(copy[other..], a);
                return $"trees {i} and {j}: ids swapped";
            }
            case 5:
            {
                // The record removed: a store without the tree, as far as the checkpoint goes.
                var length = 40 + nameLength;
                var end = FixedBytes + listBytes;
                copy[(record + length)..end].CopyTo(copy[record..]);
                copy.Slice(end - length, length).Clear();
                BinaryPrimitives.WriteInt32LittleEndian(copy[80..], count - 1);
                BinaryPrimitives.WriteInt32LittleEndian(copy[84..], listBytes - length);
                return $"tree {i} ('{name}'): record removed";
            }
            case 6:
            {
                // A copy of the record appended: duplicate id and name.
                var length = 40 + nameLength;
                var end = FixedBytes + listBytes;
                if (end + length > Superblock.SlotBytes) return SetField(copy, random, copy);
                copy.Slice(record, length).CopyTo(copy[end..]);
                BinaryPrimitives.WriteInt32LittleEndian(copy[80..], count + 1);
                BinaryPrimitives.WriteInt32LittleEndian(copy[84..], listBytes + length);
                return $"tree {i} ('{name}'): record appended again";
            }
            case 7:
            {
                // The tree emptied at the checkpoint: no root, no keys.
                copy.Slice(record + 4, 19).Clear();
                copy.Slice(record + 24, 8).Clear();
                return $"tree {i} ('{name}'): emptied (root sector, seq, sectors, level and count 0)";
            }
            case 8:
            {
                var change = random.Next(-2, 3);
                BinaryPrimitives.WriteInt32LittleEndian(copy[80..], count + change);
                return $"tree count {count} -> {count + change}, the list unchanged";
            }
            default:
            {
                var value = (byte)InterestingValue(random, nameLength, 0, 1);
                copy[record + 23] = value;
                return $"tree {i} ('{name}'): name length {nameLength} -> {value}";
            }
        }
    }

    /// <summary>Whether the copy in <paramref name="slot"/> is refused as it is read (not a valid copy, whatever its trees hold).</summary>
    private static bool Refused(byte[] bytes, int slot)
    {
        try
        {
            return Superblock.TryRead(bytes.AsSpan(slot * Superblock.SlotBytes, Superblock.SlotBytes), 0, out _) is null;
        }
        catch (NotSupportedException)
        {
            return true;
        }
    }

    /// <summary>
    /// The workload as a changed copy that still reads back tells it, when that copy is used: the
    /// checksum cannot tell a resealed copy from a true one, so a renamed tree, a tree left out or a tree
    /// emptied at the checkpoint is a store that says so. Null when the copy is refused or says the same.
    /// </summary>
    private static FuzzWorkload? WhatTheCopySays(FuzzImage image, int slot, byte[] bytes)
    {
        Superblock? changed;
        try
        {
            changed = Superblock.TryRead(bytes.AsSpan(slot * Superblock.SlotBytes, Superblock.SlotBytes), 0, out _);
        }
        catch (NotSupportedException)
        {
            return null;
        }
        if (changed is null) return null;
        var original = slot == image.CurrentSlot ? image.Current : image.Older;
        var workload = image.Workload;
        var changes = new List<string>();
        foreach (var tree in original.Trees)
        {
            var now = changed.Trees.FirstOrDefault(t => t.Id == tree.Id) ?? changed.Trees.FirstOrDefault(t => t.Name == tree.Name);
            if (now is null)
            {
                workload = workload.Without(tree.Name, "");
                changes.Add($"without '{tree.Name}'");
                continue;
            }
            if (now.RootSector == 0 && tree.RootSector != 0 && changed.CheckpointSeq <= (ulong)workload.CommitCount
                && workload.StateAt((int)changed.CheckpointSeq).TryGetValue(tree.Name, out var keys))
            {
                workload = workload.Insert((int)changed.CheckpointSeq, [.. keys.Keys.Select(k => new FuzzOp(FuzzOpKind.Delete, tree.Name, k, []))], "");
                changes.Add($"'{tree.Name}' emptied after commit {changed.CheckpointSeq}");
            }
            if (now.Name != tree.Name)
            {
                workload = workload.Rename(tree.Name, now.Name, "");
                changes.Add($"'{tree.Name}' called '{now.Name}'");
            }
        }
        return changes.Count == 0 ? null : workload.Named($"the workload with {string.Join(", ", changes)}");
    }

    /// <summary>Where each tree record starts in the tree list (as written: the list is walked by the name lengths).</summary>
    private static List<int> TreeOffsets(ReadOnlySpan<byte> copy)
    {
        var offsets = new List<int>();
        var count = BinaryPrimitives.ReadInt32LittleEndian(copy[80..]);
        var listBytes = BinaryPrimitives.ReadInt32LittleEndian(copy[84..]);
        for (int i = 0, at = 0; i < count && at + 40 <= listBytes && FixedBytes + at + 40 <= copy.Length; i++)
        {
            offsets.Add(at);
            at += 40 + copy[FixedBytes + at + 23];
        }
        return offsets;
    }

    /// <summary>Bytes the checksum covers (as the tree-list size says, within the copy).</summary>
    private static int Covered(ReadOnlySpan<byte> copy) => Math.Clamp(FixedBytes + BinaryPrimitives.ReadInt32LittleEndian(copy[84..]), FixedBytes, Superblock.SlotBytes);


}
