using System.Buffers.Binary;
using Packtree.Nodes;
using Packtree.Storage;
using Packtree.Tests.Keys;

namespace Packtree.Tests.Storage;

/// <summary>
/// Damage to every byte Packtree added for keys other than positions: the key schema of a tree record in the superblock
/// (resealed, so the checks beyond the checksum stand), the header extension of a byte-key node (resealed too), and the
/// key words of journal records (not resealed: the checksum must catch them). Each damaged file is refused with a store
/// error, or opens to exactly the keys and values committed; never another exception or a wrong answer.
/// </summary>
public sealed class ByteKeyDamageTests
{
    private static readonly Lazy<(byte[] Bytes, SortedDictionary<byte[], byte[]> Model)> Image = new(Build);

    private static readonly StoreOptions Options = new() { NodeBytes = 4096, BlockBytes = 512, JournalBytes = 1024 * 1024 };

    [Fact]
    public void DamageToTheTreeRecordsKeySchemaIsRefusedOrHarmless()
    {
        var (bytes, _) = Image.Value;
        for (var slot = 0; slot < 2; slot++)
        {
            var copy = slot * Superblock.SlotBytes;
            var list = copy + 128;
            var nameLength = bytes[list + 23];
            int schemaLength = bytes[list + 32];
            Assert.True(schemaLength > 0, "the byte-key tree's record describes its key schema");
            var offsets = new[] { list + 32 }.Concat(Enumerable.Range(list + 40 + nameLength, schemaLength));
            foreach (var at in offsets)
            {
                foreach (var flip in new byte[] { 0x01, 0x80, 0xFF })
                {
                    var damaged = bytes.ToArray();
                    damaged[at] ^= flip;
                    ImageBytes.ResealSuperblock(damaged.AsSpan(copy, Superblock.SlotBytes));
                    Check(damaged, $"superblock copy {slot} byte {at - copy} ^ {flip:x2}");
                }
            }
        }
    }

    [Fact]
    public void DamageToANodesHeaderExtensionIsRefusedOrHarmless()
    {
        var (bytes, _) = Image.Value;
        var device = new FaultyDevice(bytes.ToArray());
        var copies = Superblock.ReadCopies(device);
        var current = copies.Select(c => c.Copy).Where(c => c is not null).MaxBy(c => c!.Generation)!;
        var root = current.Trees.Single(t => t.Name == "keys");
        var node = (int)(root.RootSector * 512);
        var extension = NodeHeader.ExtensionBytes(root.KeySchema);
        Assert.True(extension > 0);
        var bsetAt = node + NodeHeader.BsetOffset + extension;
        var keysEnd = bsetAt + BsetHeader.ByteCount + BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(bsetAt + 22)) * 8;
        var random = new Random(5);
        for (var at = node + 24; at < node + NodeHeader.BsetOffset + extension; at++)
        {
            if (at >= node + 32 && at < node + 136 && random.Next(4) != 0) continue; // the zeroed bcachefs fields: a sample
            var damaged = bytes.ToArray();
            damaged[at] ^= (byte)random.Next(1, 256);
            Checksums.Compute(ChecksumType.Crc32cNonzero, damaged.AsSpan(node + 16, keysEnd - node - 16)).Write(damaged.AsSpan(node));
            Check(damaged, $"node byte {at - node}");
        }
    }

    [Fact]
    public void DamageToJournalKeyWordsIsCaught()
    {
        var (bytes, _) = Image.Value;
        var journal = (int)Superblock.JournalOffset;
        var found = 0;
        for (var at = journal; at + JournalEntry.HeaderBytes < journal + Options.JournalBytes && found < 40; at += 8)
        {
            if (BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(at)) != JournalEntry.Magic) continue;
            var record = at + JournalEntry.HeaderBytes;
            if (bytes[record + 1] != JournalEntry.FlagWide || bytes[record] is not (1 or 2)) continue;
            found++;
            foreach (var target in new[] { record + 8, record + 9, record + JournalEntry.RecordHeaderBytes, record + JournalEntry.RecordHeaderBytes + 7 })
            {
                var damaged = bytes.ToArray();
                damaged[target] ^= 0x04;
                Check(damaged, $"journal entry at {at}, byte {target - at}");
            }
        }
        Assert.True(found > 0, "the journal holds records of byte keys");
    }

    private static void Check(byte[] damaged, string what)
    {
        var model = Image.Value.Model;
        Store store;
        try
        {
            store = Store.Open(new FaultyDevice(damaged), Options);
        }
        catch (Exception e) when (e is CorruptStoreException or InvalidDataException or NotSupportedException)
        {
            return; // refused, with a store error
        }
        using (store)
        {
            Assert.True(store.TryGetTree("keys", out var tree), $"{what}: the tree is gone");
            var keys = new List<byte[]>();
            var values = new List<byte[]>();
            foreach (var entry in tree.Scan())
            {
                keys.Add(entry.KeyBytes.ToArray());
                values.Add(entry.Value.ToArray());
            }
            Assert.True(keys.Count == model.Count && keys.SequenceEqual(model.Keys, ByteArrays.Equality) && values.SequenceEqual(model.Values, ByteArrays.Equality),
                $"{what}: the store opened with other keys or values than were committed");
        }
    }

    private static (byte[], SortedDictionary<byte[], byte[]>) Build()
    {
        var device = new FaultyDevice();
        var model = new SortedDictionary<byte[], byte[]>(ByteArrays.Order);
        using (var store = Store.Open(device, Options))
        {
            var tree = store.GetOrCreateTree("keys", KeyKind.Bytes(32));
            var random = new Random(3);
            for (var i = 0; i < 1500; i++)
            {
                var key = System.Text.Encoding.ASCII.GetBytes($"tenant/{random.Next(3)}/item/{random.Next(100_000):D6}");
                var value = BitConverter.GetBytes(i);
                tree.Put(key, value);
                model[key] = value;
            }
            store.Checkpoint();
            for (var i = 0; i < 50; i++)
            {
                var key = System.Text.Encoding.ASCII.GetBytes($"late/{i}");
                tree.Put(key, [(byte)i]);
                model[key] = [(byte)i];
            }
        }
        return (device.Snapshot(), model);
    }
}
