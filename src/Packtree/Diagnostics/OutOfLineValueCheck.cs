using Packtree.Keys;
using Packtree.Nodes;
using Packtree.Storage;
using Packtree.Trees;

namespace Packtree.Diagnostics;

/// <summary>
/// Checks the values kept out of line against the trees that reference them: every reference's pieces cover its value
/// exactly, belong to its tree, lie in data buckets and pass their checksums; every piece of the values tree belongs to
/// a referenced value; and the live sectors the store counts per data bucket are those the pieces take, in no bucket of
/// nodes. Problems go to a list, one line each naming the tree, key, value id, offset and place in the file.
/// </summary>
internal static class OutOfLineValueCheck
{
    /// <summary>
    /// Checks <paramref name="store"/> (writers wait meanwhile), adding problems to <paramref name="problems"/>. Trees named
    /// in <paramref name="damaged"/> failed their own check: their references are not walked, nor their pieces called orphans.
    /// </summary>
    public static OutOfLineValuesReport Run(Store store, ISet<string> damaged, List<string> problems)
    {
        store.EnterRead();
        try
        {
            return RunLocked(store, damaged, problems);
        }
        finally
        {
            store.ExitRead();
        }
    }

    private static OutOfLineValuesReport RunLocked(Store store, ISet<string> damaged, List<string> problems)
    {
        var large = store.Large;
        var data = large.Data;
        var pieces = ValuesTreePieces(large, problems);

        var liveSectors = new Dictionary<long, long>();
        long storedBytes = 0, pieceValueBytes = 0, pieceCount = 0;
        foreach (var piece in pieces.Values.SelectMany(p => p).Where(p => p.Placed))
        {
            var bucket = data.BucketOf(piece.Extent.Sector);
            liveSectors[bucket] = liveSectors.GetValueOrDefault(bucket) + (piece.Extent.StoredBytes + DataBuckets.SectorBytes - 1) / DataBuckets.SectorBytes;
            storedBytes += piece.Extent.StoredBytes;
            pieceValueBytes += piece.Extent.ValueBytes;
            pieceCount++;
        }

        var treeNames = new Dictionary<uint, string>();
        var unwalked = new HashSet<uint>();
        var referencedBy = new Dictionary<ulong, string>();
        long values = 0, valueBytes = 0;
        var buffer = new byte[data.BucketBytes];
        foreach (var name in store.TreeNames)
        {
            if (!store.TryGetTree(name, out var tree)) continue;
            treeNames[tree!.Id] = name;
            if (damaged.Contains(name))
            {
                unwalked.Add(tree.Id);
                continue;
            }
            List<(string Key, ValueReference Reference)> references;
            try
            {
                references = References(tree, problems);
            }
            catch (Exception e)
            {
                unwalked.Add(tree.Id);
                problems.Add($"tree '{name}': its values kept out of line could not be listed: {StoreCheck.Describe(e)}");
                continue;
            }
            foreach (var (key, reference) in references)
            {
                var where = $"tree '{name}', key {key}, value {reference.Id}";
                if (referencedBy.TryGetValue(reference.Id, out var first))
                {
                    problems.Add($"{where}: value {reference.Id} is referenced twice (also by {first}); a value belongs to one key");
                    continue;
                }
                referencedBy[reference.Id] = $"tree '{name}', key {key}";
                values++;
                valueBytes += reference.Length;
                CheckValue(data, tree.Id, where, reference, pieces.GetValueOrDefault(reference.Id) ?? [], buffer, problems);
            }
        }

        foreach (var (id, orphans) in pieces)
        {
            if (referencedBy.ContainsKey(id)) continue;
            var owners = orphans.Select(p => p.Extent.OwnerTree).Distinct().ToList();
            if (owners.Any(unwalked.Contains)) continue; // its tree could not be walked: whether it is referenced is unknown
            var first = orphans[0];
            problems.Add($"the values tree, value {id}: {orphans.Count} piece(s) (offsets {first.Offset} to {orphans[^1].Offset}, the first at byte {FileOffset(first.Extent)} of the store file), owned by {string.Join(", ", owners.Select(o => TreeText(o, treeNames)))}, belong to no value a tree references");
        }

        CheckBuckets(store, data, liveSectors, problems);
        return new OutOfLineValuesReport(values, valueBytes, pieceCount, liveSectors.Count, storedBytes, pieceValueBytes);
    }

    /// <summary>One piece of the values tree as walked: well formed (<see cref="Placed"/> when its place in the file is valid too).</summary>
    private sealed record Piece(long Offset, ValueExtent Extent, bool Placed);

    /// <summary>The well-formed pieces of the values tree by value id, in offset order; every malformed key is a problem.</summary>
    private static SortedDictionary<ulong, List<Piece>> ValuesTreePieces(LargeValues large, List<string> problems)
    {
        var pieces = new SortedDictionary<ulong, List<Piece>>();
        foreach (var (key, _, value) in LiveEntries(large.Extents))
        {
            var position = KeyFields.ToPosition(key);
            var where = $"the values tree, key {position}";
            if (ValueExtent.TryRead(value, out var problem) is not { } extent)
            {
                problems.Add($"{where}: {problem}");
                continue;
            }
            if (position.Inode == 0 || position.Snapshot != 0 || position.Offset > TreeValues.MaxLargeValueBytes)
            {
                problems.Add($"{where}: a piece's key is (value id from 1, offset in the value up to {TreeValues.MaxLargeValueBytes}, snapshot 0)");
                continue;
            }
            var place = large.Data.PlaceProblem(extent.Sector, extent.StoredBytes);
            if (place is not null) problems.Add($"{where} (value {position.Inode}, offset {position.Offset}): {place}");
            if (!pieces.TryGetValue(position.Inode, out var list)) pieces[position.Inode] = list = [];
            list.Add(new Piece((long)position.Offset, extent, place is null));
        }
        return pieces;
    }

    /// <summary>The references in a tree's leaves, with their keys' text; a malformed reference is a problem.</summary>
    private static List<(string Key, ValueReference Reference)> References(Tree tree, List<string> problems)
    {
        var references = new List<(string, ValueReference)>();
        foreach (var (key, type, value) in LiveEntries(tree.Btree))
        {
            if (type != TreeValues.ReferenceType) continue;
            var text = KeyFields.Text(tree.Btree.Schema, key);
            if (ValueReference.Problem(value, TreeValues.MaxLargeValueBytes) is { } problem) problems.Add($"tree '{tree.Name}', key {text}: {problem}");
            else references.Add((text, ValueReference.Read(value)));
        }
        return references;
    }

    /// <summary>Checks that <paramref name="pieces"/> cover <paramref name="reference"/>'s bytes once each, belong to tree <paramref name="owner"/>, and read back intact.</summary>
    private static void CheckValue(DataBuckets data, uint owner, string where, ValueReference reference, List<Piece> pieces, byte[] buffer, List<string> problems)
    {
        if (pieces.Count == 0)
        {
            problems.Add($"{where} ({reference.Length} bytes): the values tree holds no piece of it");
            return;
        }
        long covered = 0;
        foreach (var piece in pieces)
        {
            var extent = piece.Extent;
            var at = $"{where}, offset {piece.Offset} (byte {FileOffset(extent)} of the store file)";
            if (piece.Offset > covered) problems.Add($"{where}: no piece holds bytes {covered} to {piece.Offset - 1} of its {reference.Length}");
            else if (piece.Offset < covered) problems.Add($"{at}: the piece overlaps the one before, which reaches byte {covered - 1}");
            if (piece.Offset + extent.ValueBytes > reference.Length) problems.Add($"{at}: the piece's {extent.ValueBytes} bytes run past the value's end at {reference.Length} bytes");
            covered = Math.Max(covered, piece.Offset + extent.ValueBytes);
            if (extent.OwnerTree != owner) problems.Add($"{at}: the piece is owned by tree id {extent.OwnerTree}, not this tree (id {owner})");
            if (!piece.Placed) continue; // its place was reported with the values tree
            var stored = buffer.AsSpan(0, extent.StoredBytes);
            try
            {
                data.Read(extent.Sector, stored);
            }
            catch (Exception e) when (e is IOException or ArgumentException or InvalidOperationException)
            {
                problems.Add($"{at}: the piece's {extent.StoredBytes} bytes cannot be read: {StoreCheck.Describe(e)}");
                continue;
            }
            if (ValueExtent.ChecksumOf(stored) != extent.Checksum) problems.Add($"{at}: the piece's {extent.StoredBytes} stored bytes fail their checksum");
        }
        if (covered < reference.Length) problems.Add($"{where}: no piece holds bytes {covered} to {reference.Length - 1} of its {reference.Length}");
    }

    /// <summary>The live sectors the store counts per data bucket against <paramref name="walked"/>, and no data bucket holding nodes.</summary>
    private static void CheckBuckets(Store store, DataBuckets data, Dictionary<long, long> walked, List<string> problems)
    {
        var counted = data.IsCounting ? data.LiveSectorsByBucket() : walked; // a store that could not walk its values tree counts nothing: its damage is reported already
        foreach (var bucket in walked.Keys.Union(counted.Keys).Order())
        {
            var found = walked.GetValueOrDefault(bucket);
            var kept = counted.GetValueOrDefault(bucket);
            if (found != kept) problems.Add($"data bucket {bucket}: the values tree's pieces take {found} sectors of it, the store counts {kept} live");
        }
        if (!store.IsPersistent) return; // nodes in memory have no buckets
        var trees = store.TreeNames.Select(n => store.TryGetTree(n, out var t) ? t : null).OfType<Tree>().Select(t => (Text: $"tree '{t.Name}'", t.Btree))
            .Append((Text: "the values tree", Btree: store.Large.Extents));
        foreach (var (text, btree) in trees)
        {
            List<ulong> addresses;
            try
            {
                addresses = btree.NodeAddresses();
            }
            catch (Exception e) when (e is CorruptStoreException or CorruptNodeException or InvalidOperationException or InvalidDataException)
            {
                continue; // the tree's own check reports it
            }
            foreach (var address in addresses.DistinctBy(data.BucketOf).Where(a => walked.ContainsKey(data.BucketOf(a))))
                problems.Add($"data bucket {data.BucketOf(address)} holds value data and a node of {text} (at byte {(long)address * DataBuckets.SectorBytes} of the store file)");
        }
    }

    /// <summary>Every live key of <paramref name="btree"/> in order, with its type and value (padding removed).</summary>
    private static IEnumerable<(ulong[] Key, byte Type, byte[] Value)> LiveEntries(Btree btree) =>
        btree.LiveKeys().Select(e => (e.Leaf.KeyAt(e.At), e.Leaf.TypeAt(e.At), Btree.ValueOf(e.Leaf, e.At).ToArray()));

    private static long FileOffset(ValueExtent extent) => (long)extent.Sector * DataBuckets.SectorBytes;

    private static string TreeText(uint id, Dictionary<uint, string> names) => names.TryGetValue(id, out var name) ? $"tree '{name}' (id {id})" : $"tree id {id}, which the store does not have";
}
