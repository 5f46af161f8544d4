using Packtree.Keys;
using Packtree.Nodes;
using Packtree.Storage;
using Packtree.Trees;

namespace Packtree;

// Opening a store file: choosing a superblock copy (falling back to the older one when the newer cannot
// be used), loading the roots, finding the buckets in use, and replaying the journal.
public sealed partial class Store
{
    /// <summary>What opening found and did: which superblock copy was used and why, what the journal gave back, what was lost.</summary>
    public StoreRecovery Recovery { get; } = StoreRecovery.InMemory;

    /// <summary>Commits replayed from the journal when the store opened.</summary>
    public ulong Recovered => Recovery.CommitsReplayed;

    /// <summary>Whether writes are refused: opened read-only, or to salvage.</summary>
    public bool IsReadOnly => Options.RefusesWrites;

    private (StorePersistence, StoreRecovery) OpenFile(StorageDevice device)
    {
        var copies = device.Length == 0 ? null : Superblock.ReadCopies(device);
        if (copies is null || (copies.All(c => c.Copy is null) && IsAllZeros(device)))
        {
            // Empty, or zeros only: a store whose creation was cut short before its first superblock copy was whole.
            if (IsReadOnly) throw new InvalidDataException("The store file is empty: there is nothing to open read-only.");
            var fresh = NewSuperblock(Options);
            fresh.Write(device);
            var (nodes, large) = Load(device, fresh, older: null);
            var journal = new Journal(device, Superblock.JournalOffset, fresh.JournalBytes, 0, 0, 0, 0);
            return (new FilePersistence(device, fresh, nodes, large, journal, Options), new StoreRecovery(0, fresh.Generation, 0, "a new store", 0, 0, null, null));
        }

        var valid = copies.Select((c, slot) => (c.Copy, Slot: slot)).Where(c => c.Copy is not null).OrderByDescending(c => c.Copy!.Generation).ToList();
        if (valid.Count == 0) throw Superblock.NoValidCopy(copies);
        var other = 1 - valid[0].Slot;
        var why = copies[other].Copy is null ? $"copy {other} {copies[other].Problem}" : $"copy {other} is older (generation {copies[other].Copy!.Generation})";
        try
        {
            return OpenFrom(device, valid[0].Copy!, valid[0].Slot, valid.Count > 1 ? valid[1].Copy : null, $"the newest valid copy ({why})");
        }
        catch (Exception e) when (valid.Count > 1 && e is InvalidDataException or CorruptStoreException)
        {
            // The newer copy, or what it reaches, is damaged. The older copy's nodes and journal are kept until
            // the next checkpoint replaces it, so it usually recovers everything; the replay proves it or fails.
            _trees.Clear();
            _treesById.Clear();
            var reason = $"copy {valid[0].Slot} (generation {valid[0].Copy!.Generation}) could not be used: {e.Message}";
            try
            {
                var (persistence, recovery) = OpenFrom(device, valid[1].Copy!, valid[1].Slot, older: null, reason);
                return (persistence, recovery with { UsedOlderCopy = true });
            }
            catch (Exception again) when (again is InvalidDataException or CorruptStoreException)
            {
                throw CorruptStoreException.Wrapping($"Neither superblock copy opens: {reason}; and copy {valid[1].Slot} (generation {valid[1].Copy!.Generation}): {again.Message}", again);
            }
        }
    }

    /// <summary>Whether every byte of the device is zero (holes skipped; stops at the first byte that is not).</summary>
    private static bool IsAllZeros(StorageDevice device)
    {
        var piece = new byte[1 << 16];
        for (long at = 0; at < device.Length; at += piece.Length)
        {
            at = Math.Min(device.NextData(at), device.Length);
            if (at >= device.Length) break;
            var span = piece.AsSpan(0, (int)Math.Min(piece.Length, device.Length - at));
            device.Read(at, span);
            if (span.IndexOfAnyExcept((byte)0) >= 0) return false;
        }
        return true;
    }

    private (StorePersistence, StoreRecovery) OpenFrom(StorageDevice device, Superblock superblock, int slot, Superblock? older, string reason)
    {
        var (nodes, large) = Load(device, superblock, older);
        large.Data.BeginReplay();
        var replay = JournalReader.Replay(device, Superblock.JournalOffset, superblock.JournalBytes, superblock.JournalTail, superblock.CheckpointSeq + 1,
            (seq, records) => Replay(seq, records, nodes, large), Options.Salvage);
        ApplyWriteBuffers(); // replay filled them as commits do: the store opens with its trees whole
        large.Data.EndReplay();
        _commitSeq = replay.LastSeq;
        var retainedTail = older is not null && older.Generation + 1 == superblock.Generation ? older.JournalTail : superblock.JournalTail;
        var journal = new Journal(device, Superblock.JournalOffset, superblock.JournalBytes, retainedTail, superblock.JournalTail, replay.Head, replay.LastSeq);
        var loss = replay.Loss;
        return (new FilePersistence(device, superblock, nodes, large, journal, Options), new StoreRecovery(slot, superblock.Generation, superblock.CheckpointSeq, reason, replay.LastSeq - superblock.CheckpointSeq, replay.LastSeq,
            loss is null ? null : (loss.FirstSeq, loss.LastSeq), loss is null ? null : $"commit {loss.FirstSeq}'s entry at byte {loss.Offset} of the store file: {loss.Reason}"));
    }

    /// <summary>
    /// The trees of <paramref name="superblock"/>, its values tree, and the buckets in use: its trees' nodes and the value
    /// data its values tree points to, and those only the older copy still reaches.
    /// </summary>
    private (PersistentNodeStore, LargeValues) Load(StorageDevice device, Superblock superblock, Superblock? older)
    {
        var geometry = new NodeGeometry(superblock.NodeBytes, superblock.BlockBytes);
        var codec = new NodeCodec(geometry, superblock.NodeMagic);
        var nodes = new PersistentNodeStore(device, codec, Options.CodecOptions, superblock.NodeAreaOffset, Math.Max(Options.CacheBytes - Options.WriteBufferLimit, 16L * geometry.NodeBytes));
        foreach (var record in superblock.Trees) AddTree(new Tree(this, record.Name, OpenTree(nodes, record), record.Settings));
        var large = new LargeValues(OpenTree(nodes, superblock.ValuesTree ?? TreeRecord.Values()), new DataBuckets(device, nodes.Buckets, superblock.NodeAreaOffset, geometry.NodeBytes));
        Large = large;
        List<(ulong Sector, int Bytes)> pieces = [];
        try
        {
            pieces = large.Walk();
        }
        catch (Exception e) when (IsReadOnly && e is CorruptStoreException or CorruptNodeException)
        {
            // Read-only, nothing is allocated: a store whose values tree is damaged still opens, for check to report it.
            large.SkipWalk();
            large.Data.StopCounting();
        }
        var used = _trees.Values.Select(t => t.Btree).Append(large.Extents).SelectMany(t => t.NodeAddresses()).Select(nodes.BucketOf)
            .Concat(pieces.Select(p => large.Data.BucketOf(p.Sector)).Distinct());
        var bucketCount = Math.Max(0, (device.Length - superblock.NodeAreaOffset + geometry.NodeBytes - 1) / geometry.NodeBytes);
        var (olderNodes, olderData) = older is null ? ([], []) : OlderCopyBuckets(device, older, nodes);
        nodes.Buckets.Reset(used, olderNodes, olderData, bucketCount);
        large.Data.Adopt(pieces);
        return (nodes, large);
    }

    private static Btree OpenTree(NodeStore nodes, TreeRecord record)
    {
        if (record.RootSector == 0) return new Btree(nodes, record.Id, record.KeySchema); // an empty tree has no node on disk
        var root = new BtreePointer(0, record.RootSeq, record.RootSectorsWritten, 0, KeyFields.Min(record.KeySchema), record.RootSector);
        return new Btree(nodes, record.Id, root, record.RootLevel, record.Count, record.KeySchema);
    }

    /// <summary>
    /// Buckets the older superblock copy's trees reach, its nodes' and its value data's, read through a cache of their
    /// own (the older versions of nodes must not mix with the current ones). When that copy cannot be read, it is no
    /// fallback anyway: nothing is held for it.
    /// </summary>
    private (List<long> Nodes, List<long> Data) OlderCopyBuckets(StorageDevice device, Superblock older, PersistentNodeStore current)
    {
        try
        {
            var nodes = new PersistentNodeStore(device, current.Codec, Options.CodecOptions, older.NodeAreaOffset, 16L * older.NodeBytes);
            var values = OpenTree(nodes, older.ValuesTree ?? TreeRecord.Values());
            var data = new DataBuckets(device, nodes.Buckets, older.NodeAreaOffset, older.NodeBytes);
            return ([.. older.Trees.Select(t => OpenTree(nodes, t)).Append(values).SelectMany(t => t.NodeAddresses()).Select(current.BucketOf)],
                [.. LargeValues.AllExtents(values).Select(e => data.BucketOf(e.Extent.Sector)).Distinct()]);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return ([], []); // best effort: a copy whose nodes cannot be read is no fallback to protect
        }
    }

    /// <summary>
    /// Applies one replayed commit. Every record is checked before any is applied, so that a commit the
    /// store cannot apply whole changes nothing: the replay fails, or (salvage) ends just before it.
    /// </summary>
    /// <returns>False when a value the commit puts out of line is not whole on disk: the commit was never durable, and the log ends before it.</returns>
    /// <exception cref="InvalidDataException">The commit names a tree the store does not have, creates one it has, or holds a value too large for its tree.</exception>
    private bool Replay(ulong seq, IReadOnlyList<JournalRecord> records, PersistentNodeStore nodes, LargeValues large)
    {
        var names = new string?[records.Count];
        var creating = new Dictionary<uint, string>();
        var schemas = new Dictionary<uint, KeySchema>();
        for (var i = 0; i < records.Count; i++)
        {
            var record = records[i];
            if (record.Op == JournalOp.CreateTree)
            {
                creating.Add(record.TreeId, names[i] = CreatedTreeName(seq, record, creating));
                schemas.Add(record.TreeId, record.Schema ?? KeySchema.Positions);
                continue;
            }
            if (record.TreeId == LargeValues.TreeId)
            {
                // Value data is written before the entry naming it, and made durable by the same flush: data that is not
                // whole means the entry was never flushed after it, so the commit was never acknowledged.
                if (!large.DataIsIntact(record)) return false;
                continue;
            }
            var tree = TreeById(record.TreeId);
            if (tree is null && !creating.ContainsKey(record.TreeId)) throw new InvalidDataException($"commit {seq} updates tree {record.TreeId}, which the store does not have");
            if (record.Reference && ValueReference.Problem(record.Value.Span, TreeValues.MaxLargeValueBytes) is { } referenceProblem)
                throw new InvalidDataException($"commit {seq} puts {referenceProblem} in tree '{tree?.Name ?? creating[record.TreeId]}'");
            var schema = tree?.Btree.Schema ?? schemas[record.TreeId];
            if (record.WideKey == schema.IsPositions || record.Key.Length != schema.KeyFieldCount)
                throw new InvalidDataException($"commit {seq} names a key of {record.Key.Length} words{(record.WideKey ? "" : " (a position)")} in tree '{tree?.Name ?? creating[record.TreeId]}', whose keys are {schema} of {schema.KeyFieldCount} words");
            var largest = tree?.MaxValueBytes ?? TreeValues.MaxBytesFor(nodes.Codec.Geometry.NodeBytes, schema);
            if (record.Op == JournalOp.Put && !record.Reference && record.Value.Length > largest)
                throw new InvalidDataException($"commit {seq} puts a value of {record.Value.Length} bytes in tree '{tree?.Name ?? creating[record.TreeId]}', whose largest is {largest}");
        }
        for (var i = 0; i < records.Count; i++)
        {
            var record = records[i];
            if (record.Op == JournalOp.CreateTree)
            {
                AddTree(new Tree(this, names[i]!, new Btree(nodes, record.TreeId, record.Schema), record.Settings));
                continue;
            }
            if (record.TreeId == LargeValues.TreeId) large.Apply(seq, record.Key, record.Value.Span, written: false);
            else TreeById(record.TreeId)!.Apply(seq, record.Key, record.Value.Span, delete: record.Op == JournalOp.Delete, reference: record.Reference);
        }
        return true;
    }

    /// <summary>The name of the tree a replayed record creates, checked: valid, new, with the next id (after those <paramref name="creating"/> earlier in the commit).</summary>
    private string CreatedTreeName(ulong seq, JournalRecord record, Dictionary<uint, string> creating)
    {
        string name;
        try
        {
            name = Superblock.StrictUtf8.GetString(record.Value.Span);
        }
        catch (System.Text.DecoderFallbackException)
        {
            throw new InvalidDataException($"commit {seq} creates a tree whose name is not valid UTF-8");
        }
        if (Superblock.NameProblem(name) is { } problem) throw new InvalidDataException($"commit {seq} creates a tree named '{name}': {problem}");
        if (_trees.ContainsKey(name) || creating.ContainsValue(name)) throw new InvalidDataException($"commit {seq} creates tree '{name}', which exists");
        var next = creating.Count == 0 ? NextTreeId() : creating.Keys.Max() + 1;
        if (record.TreeId != next) throw new InvalidDataException($"commit {seq} creates tree '{name}' with id {record.TreeId}; the next id is {next}");
        if (next >= Superblock.ValuesTreeId) throw new InvalidDataException($"commit {seq} creates tree '{name}' with id {next}, past the largest tree id {Superblock.ValuesTreeId - 1}");
        return name;
    }

    private static Superblock NewSuperblock(StoreOptions options) => new()
    {
        Generation = 1,
        NodeMagic = (ulong)Random.Shared.NextInt64(1, long.MaxValue),
        NodeBytes = options.NodeBytes,
        BlockBytes = options.BlockBytes,
        JournalBytes = options.JournalBytes,
        NodeAreaOffset = Superblock.NodeAreaFor(options.JournalBytes, options.NodeBytes),
        CheckpointSeq = 0,
        JournalTail = 0,
        Trees = [],
    };
}
