using System.Buffers.Binary;
using Packtree.Codegen;
using Packtree.Keys;
using Packtree.Nodes;

namespace Packtree.Bcachefs;

// Reading nodes: where a pointer leads, reading and verifying the node, and turning it into keys or child pointers.
public sealed partial class BcachefsImage
{
    private NodeCache _nodes = null!;

    /// <summary>The node cache (tests look at its miss count).</summary>
    internal NodeCache Cache => _nodes;

    /// <summary>The byte offset of the node on this device: the pointer's copy whose dev is this device's index.</summary>
    /// <exception cref="CorruptImageException">No copy is on this device: the node lies on another device, not in this image.</exception>
    internal long NodeOffset(BcachefsBtree btree, BtreePointer pointer, int level)
    {
        var dev = Superblock.DeviceIndex;
        foreach (var p in pointer.Pointers)
            if (p.Device == dev && !p.Cached) return (long)p.Offset * 512;
        throw new CorruptImageException("pointer", pointer.SourceOffset,
            $"the {btree.Name} node at level {level} ending at {pointer.MaxKey} is stored on device(s) {string.Join(", ", pointer.Pointers.Select(p => p.Device))}, not on this image's device {dev}; multi-device filesystems need every device");
    }

    /// <summary>How errors name a node.</summary>
    internal static string NodeName(BcachefsBtree btree, int level, long offset) => $"{btree.Name} level {level} at byte {offset}";

    /// <summary>Reads the node's bytes and verifies them with the codec and bcachefs's rules.</summary>
    internal NodeImage ReadNode(BcachefsBtree btree, BtreePointer pointer, int level, long offset, out byte[] buffer)
    {
        buffer = new byte[Superblock.NodeBytes];
        Read(offset, buffer);
        // A legacy pointer carries neither seq nor range: the node's own first seq stands, the header's range is taken as it is.
        var seq = pointer.IsV2 ? pointer.Seq : BinaryPrimitives.ReadUInt64LittleEndian(buffer.AsSpan(NodeHeader.BsetOffset));
        var expected = pointer.IsV2 ? new NodeExpectation((uint)btree.Id, level, pointer.MinKey, pointer.MaxKey, pointer.RangeUpdated) : null;
        var image = _codec.Read(buffer, seq, pointer.SectorsWritten, NodeName(btree, level, offset), expected, Blacklist, BcachefsKeyRules.Instance, offset);
        if (!pointer.IsV2 && (image.Header.BtreeId != btree.Id || image.Header.Level != level))
            throw new CorruptNodeException(NodeName(btree, level, offset), offset, 0, 24, $"the node is btree {image.Header.BtreeId} level {image.Header.Level}, its parent expects {btree.Id} level {level}");
        return image;
    }

    /// <summary>Reads a node and unpacks it for cursors.</summary>
    internal LoadedNode LoadNode(BcachefsBtree btree, BtreePointer pointer, int level, long offset)
    {
        var image = ReadNode(btree, pointer, level, offset, out _);
        return level == 0
            ? new LoadedNode(image, offset, UnpackLeaf(image), null)
            : new LoadedNode(image, offset, null, Children(btree, image, level, offset));
    }

    /// <summary>
    /// An interior node's child pointers as the filesystem sees them: on an image that was not shut down cleanly the
    /// journal's pointers for this level and range replace, add or (deleted) remove the node's own.
    /// </summary>
    private BtreePointer[] Children(BcachefsBtree btree, NodeImage image, int level, long offset)
    {
        var children = PointersOf(btree, image, level, offset);
        if (RootsFromClean || !Journal.Overlay.TryGetValue((btree.Id, level), out var journal)) return children;
        var header = image.Header;
        var merged = new List<BtreePointer>(children.Length);
        var j = 0;
        while (j < journal.Length && journal[j].Position < header.MinPosition) j++;
        foreach (var child in children)
        {
            for (; j < journal.Length && journal[j].Position < child.MaxKey; j++) AddJournalPointer(journal[j]);
            if (j < journal.Length && journal[j].Position == child.MaxKey) AddJournalPointer(journal[j++]);
            else merged.Add(child);
        }
        for (; j < journal.Length && journal[j].Position <= header.MaxPosition; j++) AddJournalPointer(journal[j]);
        return [.. merged];

        void AddJournalPointer(BcachefsKey key)
        {
            if (key.Type == 0) return; // a deleted pointer removes the node's
            // Checked when the journal was read: a key that did not parse is not in the overlay.
            var pointer = BtreePointer.TryParse(key.Position, key.Type, key.Value.Span, out _)!;
            merged.Add(pointer with { SourceOffset = offset });
        }
    }

    /// <summary>The leaf's merged keys unpacked with the format's key codec (the strategy Packtree picks for it); values stay in the merged buffer.</summary>
    private BcachefsKey[] UnpackLeaf(NodeImage image)
    {
        var format = image.Header.Format;
        var merged = image.MergedKeys;
        var headers = new Bkey[image.MergedCount];
        var unpacked = KeyCode(format).UnpackRun(merged, headers);
        if (unpacked != headers.Length) throw new InvalidOperationException($"A leaf's merged keys hold {unpacked} keys, the codec counted {headers.Length}.");
        var keys = new BcachefsKey[headers.Length];
        for (int i = 0, at = 0; i < keys.Length; i++)
        {
            var length = merged[at] * 8;
            var keyBytes = KeyHeader.IsPacked(merged.AsSpan(at)) ? format.KeyBytes : Bkey.ByteCount;
            ref readonly var key = ref headers[i];
            keys[i] = new BcachefsKey(key.Position, key.Size, key.Version.Hi, key.Version.Lo, key.Type, merged.AsMemory(at + keyBytes, length - keyBytes));
            at += length;
        }
        return keys;
    }

    /// <summary>The pointers the node itself holds, parsed (the key rules checked each as the codec read it).</summary>
    private static BtreePointer[] PointersOf(BcachefsBtree btree, NodeImage image, int level, long offset)
    {
        var format = image.Header.Format;
        var merged = image.MergedKeys;
        var children = new BtreePointer[image.MergedCount];
        var count = 0;
        for (var at = 0; at < merged.Length && count < children.Length;)
        {
            var length = merged[at] * 8;
            var span = merged.AsSpan(at, length);
            var packed = KeyHeader.IsPacked(span);
            var position = packed ? format.UnpackPosition(span) : Bkey.Read(span).Position;
            var keyBytes = packed ? format.KeyBytes : Bkey.ByteCount;
            // The rules checked every pointer as the codec read it; a failure here would be a reader bug, still named.
            var child = BtreePointer.TryParse(position, span[2], span[keyBytes..], out var problem)
                ?? throw new CorruptNodeException(NodeName(btree, level, offset), offset, 0, at, $"pointer at {position}: {problem}");
            children[count++] = child with { SourceOffset = offset };
            at += length;
        }
        return children;
    }
}
