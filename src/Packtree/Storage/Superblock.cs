using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;

namespace Packtree.Storage;

/// <summary>One tree as the superblock records it: its name, id, root pointer and key count at the checkpoint.</summary>
/// <param name="Id">The btree id in its nodes' headers.</param>
/// <param name="Name">The tree's name (1 to 255 UTF-8 bytes).</param>
/// <param name="RootSector">Where the root node starts, in sectors.</param>
/// <param name="RootSeq">The root's bset seq.</param>
/// <param name="RootSectorsWritten">Sectors of the root's log that belong to this checkpoint.</param>
/// <param name="RootLevel">The root's level.</param>
/// <param name="Count">Keys in the tree at the checkpoint.</param>
public sealed record TreeRecord(uint Id, string Name, ulong RootSector, ulong RootSeq, ushort RootSectorsWritten, byte RootLevel, long Count);

/// <summary>
/// The store file's superblock (docs/FORMAT.md): kept twice, at bytes 0 and 65,536, written in turn
/// with a rising generation; the valid copy with the highest generation wins. It holds the file's
/// geometry and the last checkpoint: every tree's root and the journal position after which commits
/// must be replayed.
/// </summary>
public sealed record Superblock
{
    /// <summary>"PKTREE01" as a little-endian word.</summary>
    public const ulong Magic = 0x313045455254_4B50; // bytes "PKTREE01"

    /// <summary>The format version this code writes and reads.</summary>
    public const uint CurrentVersion = 1;

    /// <summary>Bytes reserved for each copy.</summary>
    public const int SlotBytes = 64 * 1024;

    /// <summary>Where the journal region starts: after the two copies.</summary>
    public const long JournalOffset = 2 * SlotBytes;

    private const int FixedBytes = 128;

    /// <summary>Copy number; the higher valid one is current.</summary>
    public required ulong Generation { get; init; }

    /// <summary>The magic in every node header and bset of this store.</summary>
    public required ulong NodeMagic { get; init; }

    /// <summary>Node size.</summary>
    public required int NodeBytes { get; init; }

    /// <summary>Block size.</summary>
    public required int BlockBytes { get; init; }

    /// <summary>Size of the journal region, from <see cref="JournalOffset"/>.</summary>
    public required long JournalBytes { get; init; }

    /// <summary>Where node buckets start (a multiple of the node size).</summary>
    public required long NodeAreaOffset { get; init; }

    /// <summary>Every commit up to this sequence number is in the nodes the roots reach.</summary>
    public required ulong CheckpointSeq { get; init; }

    /// <summary>Byte offset in the journal region where commit <see cref="CheckpointSeq"/> + 1 begins.</summary>
    public required long JournalTail { get; init; }

    /// <summary>The trees.</summary>
    public required IReadOnlyList<TreeRecord> Trees { get; init; }

    /// <summary>The image of one copy.</summary>
    /// <exception cref="InvalidOperationException">The trees do not fit a copy.</exception>
    public byte[] ToBytes()
    {
        var payload = new List<byte>();
        Span<byte> fixedPart = stackalloc byte[40];
        foreach (var tree in Trees)
        {
            var name = Encoding.UTF8.GetBytes(tree.Name);
            BinaryPrimitives.WriteUInt32LittleEndian(fixedPart, tree.Id);
            BinaryPrimitives.WriteUInt64LittleEndian(fixedPart[4..], tree.RootSector);
            BinaryPrimitives.WriteUInt64LittleEndian(fixedPart[12..], tree.RootSeq);
            BinaryPrimitives.WriteUInt16LittleEndian(fixedPart[20..], tree.RootSectorsWritten);
            fixedPart[22] = tree.RootLevel;
            fixedPart[23] = (byte)name.Length;
            BinaryPrimitives.WriteInt64LittleEndian(fixedPart[24..], tree.Count);
            BinaryPrimitives.WriteUInt64LittleEndian(fixedPart[32..], 0);
            payload.AddRange(fixedPart);
            payload.AddRange(name);
        }
        if (FixedBytes + payload.Count > SlotBytes) throw new InvalidOperationException($"{Trees.Count} trees take {payload.Count} bytes of superblock; at most {SlotBytes - FixedBytes} fit.");
        var bytes = new byte[SlotBytes];
        var s = bytes.AsSpan();
        BinaryPrimitives.WriteUInt64LittleEndian(s, Magic);
        BinaryPrimitives.WriteUInt32LittleEndian(s[8..], CurrentVersion);
        BinaryPrimitives.WriteUInt64LittleEndian(s[16..], Generation);
        BinaryPrimitives.WriteUInt64LittleEndian(s[24..], NodeMagic);
        BinaryPrimitives.WriteInt32LittleEndian(s[32..], NodeBytes);
        BinaryPrimitives.WriteInt32LittleEndian(s[36..], BlockBytes);
        BinaryPrimitives.WriteInt64LittleEndian(s[40..], JournalOffset);
        BinaryPrimitives.WriteInt64LittleEndian(s[48..], JournalBytes);
        BinaryPrimitives.WriteInt64LittleEndian(s[56..], NodeAreaOffset);
        BinaryPrimitives.WriteUInt64LittleEndian(s[64..], CheckpointSeq);
        BinaryPrimitives.WriteInt64LittleEndian(s[72..], JournalTail);
        BinaryPrimitives.WriteInt32LittleEndian(s[80..], Trees.Count);
        BinaryPrimitives.WriteInt32LittleEndian(s[84..], payload.Count);
        payload.CopyTo(bytes, FixedBytes);
        BinaryPrimitives.WriteUInt32LittleEndian(s[120..], Crc32Checksum(bytes.AsSpan(0, FixedBytes + payload.Count)));
        return bytes;
    }

    /// <summary>Reads one copy; null with the reason when it is not a valid copy.</summary>
    /// <exception cref="NotSupportedException">A valid copy of a newer format version.</exception>
    public static Superblock? TryRead(ReadOnlySpan<byte> s, long at, out string? problem)
    {
        problem = null;
        if (BinaryPrimitives.ReadUInt64LittleEndian(s) != Magic) return Fail($"at byte {at}: no superblock magic (found {BinaryPrimitives.ReadUInt64LittleEndian(s):x16})", out problem);
        var payloadBytes = BinaryPrimitives.ReadInt32LittleEndian(s[84..]);
        if (payloadBytes < 0 || FixedBytes + payloadBytes > SlotBytes) return Fail($"at byte {at}: the tree list claims {payloadBytes} bytes", out problem);
        var stored = BinaryPrimitives.ReadUInt32LittleEndian(s[120..]);
        var computed = Crc32Checksum(s[..(FixedBytes + payloadBytes)]);
        if (stored != computed) return Fail($"at byte {at}: checksum {stored:x8}, the bytes give {computed:x8}", out problem);
        var version = BinaryPrimitives.ReadUInt32LittleEndian(s[8..]);
        if (version > CurrentVersion)
            throw new NotSupportedException($"The store was written in format version {version}; this Packtree reads version {CurrentVersion} and older. Use a newer Packtree.");
        var trees = new List<TreeRecord>();
        var count = BinaryPrimitives.ReadInt32LittleEndian(s[80..]);
        var p = s.Slice(FixedBytes, payloadBytes);
        for (var i = 0; i < count; i++)
        {
            if (p.Length < 40 || p.Length < 40 + p[23]) return Fail($"at byte {at}: tree {i} runs past the tree list", out problem);
            var nameLength = p[23];
            trees.Add(new TreeRecord(
                BinaryPrimitives.ReadUInt32LittleEndian(p),
                Encoding.UTF8.GetString(p.Slice(40, nameLength)),
                BinaryPrimitives.ReadUInt64LittleEndian(p[4..]),
                BinaryPrimitives.ReadUInt64LittleEndian(p[12..]),
                BinaryPrimitives.ReadUInt16LittleEndian(p[20..]),
                p[22],
                BinaryPrimitives.ReadInt64LittleEndian(p[24..])));
            p = p[(40 + nameLength)..];
        }
        return new Superblock
        {
            Generation = BinaryPrimitives.ReadUInt64LittleEndian(s[16..]),
            NodeMagic = BinaryPrimitives.ReadUInt64LittleEndian(s[24..]),
            NodeBytes = BinaryPrimitives.ReadInt32LittleEndian(s[32..]),
            BlockBytes = BinaryPrimitives.ReadInt32LittleEndian(s[36..]),
            JournalBytes = BinaryPrimitives.ReadInt64LittleEndian(s[48..]),
            NodeAreaOffset = BinaryPrimitives.ReadInt64LittleEndian(s[56..]),
            CheckpointSeq = BinaryPrimitives.ReadUInt64LittleEndian(s[64..]),
            JournalTail = BinaryPrimitives.ReadInt64LittleEndian(s[72..]),
            Trees = trees,
        };
    }

    /// <summary>Reads both copies and returns the current one.</summary>
    /// <exception cref="InvalidDataException">Neither copy is valid; the message gives both reasons.</exception>
    public static Superblock ReadCurrent(StorageDevice device, out IReadOnlyList<string> problems)
    {
        var buffer = new byte[SlotBytes];
        Superblock? best = null;
        var found = new List<string>();
        for (var slot = 0; slot < 2; slot++)
        {
            device.Read(slot * (long)SlotBytes, buffer);
            var copy = TryRead(buffer, slot * (long)SlotBytes, out var problem);
            if (copy is null) found.Add($"superblock copy {slot} {problem}");
            else if (best is null || copy.Generation > best.Generation) best = copy;
        }
        problems = found;
        return best ?? throw new InvalidDataException($"Not a Packtree store, or both superblock copies are damaged: {string.Join("; ", found)}.");
    }

    /// <summary>Writes this copy to its slot (generation parity) and flushes.</summary>
    public void Write(StorageDevice device)
    {
        device.Write((long)(Generation % 2) * SlotBytes, ToBytes());
        device.Flush();
    }

    private static uint Crc32Checksum(ReadOnlySpan<byte> bytes)
    {
        var crc = new Crc32();
        crc.Append(bytes[..120]);
        crc.Append([0, 0, 0, 0]); // the checksum field itself
        crc.Append(bytes[124..]);
        return crc.GetCurrentHashAsUInt32();
    }

    private static Superblock? Fail(string what, out string? problem)
    {
        problem = what;
        return null;
    }
}
