using Packtree.Diagnostics;
using Packtree.Keys;
using Packtree.Storage;
using Packtree.Trees;

namespace Packtree.Tests.Storage;

/// <summary>
/// <c>packtree check</c> on values kept out of line: clean on a store of many after overwrites, deletes and reopens, with
/// figures that add up; and each kind of damage found and named (tree, key, value id, offset, byte of the file).
/// </summary>
public sealed class LargeValueCheckTests
{
    // Small buckets, so that values take several pieces and pieces share buckets.
    private static readonly StoreOptions Small = new() { NodeBytes = 4096, BlockBytes = 512 };

    private static byte[] ValueOf(int size, int seed)
    {
        var value = new byte[size];
        new Random(seed).NextBytes(value);
        return value;
    }

    [Fact]
    public void CheckIsCleanOnManyLargeValuesAfterOverwritesDeletesAndReopensAndItsFiguresAddUp()
    {
        using var folder = new TempFolder();
        var path = folder.File("many.packtree");
        var model = new Dictionary<(string Tree, ulong Key), byte[]>();
        var random = new Random(3);
        for (var round = 0; round < 4; round++)
        {
            using var store = Store.Open(path, Small);
            var docs = store.GetOrCreateTree("docs");
            var names = store.GetOrCreateTree("names", KeyKind.Bytes(32));
            for (var i = 0; i < 60; i++)
            {
                var key = (ulong)random.Next(0, 40);
                var tree = random.Next(2) == 0 ? docs : names;
                if (random.Next(5) == 0)
                {
                    Delete(tree, key);
                    model.Remove((tree.Name, key));
                    continue;
                }
                var size = random.Next(10) == 0 ? random.Next(64 * 1024, 200 * 1024) : random.Next(0, 4 * tree.MaxInlineValueBytes);
                var value = ValueOf(size, random.Next());
                Put(tree, key, value);
                model[(tree.Name, key)] = value;
            }
            var batch = new WriteBatch();
            foreach (var key in new ulong[] { 1, 2, 3 })
            {
                var value = ValueOf(3 * docs.MaxInlineValueBytes, (int)key + round);
                batch.Put(docs, new Bpos(key, 0, 0), value);
                model[("docs", key)] = value;
            }
            batch.Delete(docs, new Bpos(4, 0, 0));
            model.Remove(("docs", 4));
            store.Write(batch);

            var open = StoreCheck.Run(store);
            Assert.True(open.IsClean, string.Join("\n", open.Problems));
            if (round % 2 == 1) store.CloseWithoutCheckpoint(); // the next open replays the journal
        }

        var report = StoreCheck.Run(path);
        Assert.True(report.IsClean, string.Join("\n", report.Problems));
        using (var store = Store.Open(path, Small with { ReadOnly = true }))
        {
            var trees = store.TreeNames.ToDictionary(n => n, n => store.TryGetTree(n, out var t) ? t! : throw new InvalidOperationException(n));
            foreach (var ((tree, key), value) in model) Assert.Equal(value, Get(trees[tree], key));
            var large = model.Where(e => e.Value.Length > trees[e.Key.Tree].MaxInlineValueBytes).ToList();
            var figures = report.OutOfLineValues!;
            Assert.Equal(large.Count, figures.Values);
            Assert.Equal(large.Sum(e => (long)e.Value.Length), figures.ValueBytes);
            Assert.Equal(figures.ValueBytes, figures.StoredBytes);
            Assert.Equal(figures.ValueBytes, figures.PieceValueBytes);
            Assert.Equal(1.0, figures.CompressionRatio);
            Assert.True(figures.Pieces > figures.Values, $"{figures.Pieces} pieces for {figures.Values} values of 4 KiB buckets");
            Assert.Equal(store.Large.Data.LiveSectorsByBucket().Count, figures.DataBuckets);
        }
    }

    [Fact]
    public void AStoreWithNoLargeValuesChecksCleanWithZeroFigures()
    {
        using var store = Store.CreateInMemory();
        store.GetOrCreateTree("t").Put(new Bpos(1, 1, 0), [1, 2, 3]);
        var report = StoreCheck.Run(store);
        Assert.True(report.IsClean, string.Join("\n", report.Problems));
        Assert.Equal(0, report.OutOfLineValues!.Values);
        Assert.Equal(0, report.OutOfLineValues.Pieces);
        Assert.Equal(1.0, report.OutOfLineValues.CompressionRatio);
    }

    [Fact]
    public void AFlippedByteInAnyPieceIsFoundNamingTreeKeyValueOffsetAndFileByte()
    {
        using var folder = new TempFolder();
        var path = folder.File("flip.packtree");
        List<(long Offset, ValueExtent Extent)> pieces;
        ValueReference reference;
        using (var store = Store.Open(path, Small))
        {
            var docs = store.GetOrCreateTree("docs");
            docs.Put(new Bpos(1, 0, 0), ValueOf(3000, 1)); // the next value's first piece starts inside a bucket
            docs.Put(new Bpos(7, 7, 0), ValueOf(11_000, 2));
            reference = ReferenceOf(docs, new Bpos(7, 7, 0));
            pieces = store.Large.ExtentsOf(reference);
        }
        Assert.True(pieces.Count >= 3);
        foreach (var (offset, extent) in pieces)
        {
            var fileOffset = (long)extent.Sector * DataBuckets.SectorBytes;
            foreach (var within in new[] { 0, extent.StoredBytes / 2, extent.StoredBytes - 1 })
            {
                var copy = folder.File($"flip-{offset}-{within}.packtree");
                File.Copy(path, copy);
                FlipByte(copy, fileOffset + within);
                var report = StoreCheck.Run(copy);
                var problem = Assert.Single(report.Problems);
                Assert.Equal($"tree 'docs', key 7:7:0, value {reference.Id}, offset {offset} (byte {fileOffset} of the store file): the piece's {extent.StoredBytes} stored bytes fail their checksum", problem);
            }
        }
    }

    [Fact]
    public void AMissingPieceIsAGap()
    {
        using var folder = new TempFolder();
        var (report, reference, pieces) = Damaged(folder, (store, reference, pieces) => store.Large.Extents.Delete(new Bpos(reference.Id, (ulong)pieces[1].Offset, 0)));
        var end = pieces[2].Offset - 1;
        Assert.Equal([$"tree 'docs', key 7:7:0, value {reference.Id}: no piece holds bytes {pieces[1].Offset} to {end} of its {reference.Length}"], report.Problems);
    }

    [Fact]
    public void AMissingLastPieceIsAGapAtTheEnd()
    {
        using var folder = new TempFolder();
        var (report, reference, pieces) = Damaged(folder, (store, reference, pieces) => store.Large.Extents.Delete(new Bpos(reference.Id, (ulong)pieces[^1].Offset, 0)));
        Assert.Equal([$"tree 'docs', key 7:7:0, value {reference.Id}: no piece holds bytes {pieces[^1].Offset} to {reference.Length - 1} of its {reference.Length}"], report.Problems);
    }

    [Fact]
    public void APieceNoReferenceNamesIsAnOrphan()
    {
        using var folder = new TempFolder();
        var (report, _, pieces) = Damaged(folder, (store, _, pieces) => store.Large.Extents.Put(new Bpos(999, 0, 0), pieces[0].Extent.ToBytes()));
        var fileOffset = (long)pieces[0].Extent.Sector * DataBuckets.SectorBytes;
        Assert.Equal([$"the values tree, value 999: 1 piece(s) (offsets 0 to 0, the first at byte {fileOffset} of the store file), owned by tree 'docs' (id 1), belong to no value a tree references"], report.Problems);
    }

    [Fact]
    public void APieceOwnedByAnotherTreeIsNamed()
    {
        using var folder = new TempFolder();
        var (report, reference, pieces) = Damaged(folder, (store, reference, pieces) =>
            store.Large.Extents.Put(new Bpos(reference.Id, (ulong)pieces[1].Offset, 0), (pieces[1].Extent with { OwnerTree = 2 }).ToBytes()));
        var fileOffset = (long)pieces[1].Extent.Sector * DataBuckets.SectorBytes;
        Assert.Equal([$"tree 'docs', key 7:7:0, value {reference.Id}, offset {pieces[1].Offset} (byte {fileOffset} of the store file): the piece is owned by tree id 2, not this tree (id 1)"], report.Problems);
    }

    [Fact]
    public void AReferenceLongerThanItsPiecesLacksItsLastBytes()
    {
        using var folder = new TempFolder();
        var (report, reference, _) = Damaged(folder, (store, reference, _) => Rereference(store, new Bpos(7, 7, 0), reference with { Length = reference.Length + 100 }));
        Assert.Equal([$"tree 'docs', key 7:7:0, value {reference.Id}: no piece holds bytes {reference.Length} to {reference.Length + 99} of its {reference.Length + 100}"], report.Problems);
    }

    [Fact]
    public void AReferenceShorterThanItsPiecesHasAPiecePastItsEnd()
    {
        using var folder = new TempFolder();
        var (report, reference, pieces) = Damaged(folder, (store, reference, _) => Rereference(store, new Bpos(7, 7, 0), reference with { Length = reference.Length - 10 }));
        var last = pieces[^1];
        Assert.Equal([$"tree 'docs', key 7:7:0, value {reference.Id}, offset {last.Offset} (byte {(long)last.Extent.Sector * DataBuckets.SectorBytes} of the store file): the piece's {last.Extent.ValueBytes} bytes run past the value's end at {reference.Length - 10} bytes"],
            report.Problems);
    }

    [Fact]
    public void AValueReferencedTwiceIsNamedWithBothKeys()
    {
        using var folder = new TempFolder();
        var (report, reference, _) = Damaged(folder, (store, reference, _) => Rereference(store, new Bpos(8, 8, 0), reference));
        Assert.Equal([$"tree 'docs', key 8:8:0, value {reference.Id}: value {reference.Id} is referenced twice (also by tree 'docs', key 7:7:0); a value belongs to one key"], report.Problems);
    }

    [Fact]
    public void APieceWithASnapshotIsAMalformedKey()
    {
        using var folder = new TempFolder();
        var (report, reference, pieces) = Damaged(folder, (store, reference, pieces) => store.Large.Extents.Put(new Bpos(reference.Id, (ulong)pieces[0].Offset, 1), pieces[0].Extent.ToBytes()));
        Assert.Contains(report.Problems, p => p.StartsWith($"the values tree, key {reference.Id}:0:1: a piece's key is (value id from 1", StringComparison.Ordinal));
    }

    [Fact]
    public void LiveSectorsTheStoreMiscountsAreFoundPerBucket()
    {
        using var store = Store.Open(Path.Combine(Path.GetTempPath(), $"packtree-{Guid.NewGuid():N}.packtree"), Small);
        try
        {
            var docs = store.GetOrCreateTree("docs");
            docs.Put(new Bpos(7, 7, 0), ValueOf(1000, 1));
            var reference = ReferenceOf(docs, new Bpos(7, 7, 0));
            var piece = store.Large.ExtentsOf(reference)[0].Extent;
            // A second value's piece over the same sectors, put where the store's count does not see it.
            WithWriteLock(store, () =>
            {
                store.Large.Extents.Put(new Bpos(reference.Id + 1, 0, 0), piece.ToBytes());
                Rereference(store, new Bpos(8, 8, 0), new ValueReference(reference.Id + 1, 1000));
            });
            var report = StoreCheck.Run(store);
            var bucket = store.Large.Data.BucketOf(piece.Sector);
            Assert.Equal([$"data bucket {bucket}: the values tree's pieces take 4 sectors of it, the store counts 2 live"], report.Problems);
        }
        finally
        {
            var path = store.Path!;
            store.Dispose();
            File.Delete(path);
        }
    }

    [Fact]
    public void APieceInABucketOfNodesIsFoundInAnOpenStoreAndInTheFile()
    {
        using var folder = new TempFolder();
        var path = folder.File("overlap.packtree");
        using (var store = Store.Open(path, Small))
        {
            var docs = store.GetOrCreateTree("docs");
            docs.Put(new Bpos(7, 7, 0), ValueOf(1000, 1));
            store.Checkpoint();
            var reference = ReferenceOf(docs, new Bpos(7, 7, 0));
            var piece = store.Large.ExtentsOf(reference)[0].Extent;
            var nodeSector = docs.Btree.RootPointer.Sector;
            Assert.NotEqual(0UL, nodeSector);
            WithWriteLock(store, () => store.Large.Extents.Put(new Bpos(reference.Id, 0, 0), (piece with { Sector = nodeSector }).ToBytes()));
            var report = StoreCheck.Run(store);
            var nodeAt = (long)nodeSector * DataBuckets.SectorBytes;
            var bucket = store.Large.Data.BucketOf(nodeSector);
            Assert.Contains($"data bucket {bucket} holds value data and a node of tree 'docs' (at byte {nodeAt} of the store file)", report.Problems);
            Assert.Contains($"tree 'docs', key 7:7:0, value {reference.Id}, offset 0 (byte {nodeAt} of the store file): the piece's 1000 stored bytes fail their checksum", report.Problems);
            Assert.Contains($"data bucket {bucket}: the values tree's pieces take 2 sectors of it, the store counts 0 live", report.Problems);
        }
        // In the file, opening finds the bucket claimed twice and falls back to the older superblock copy, and says so.
        var fromFile = StoreCheck.Run(path);
        Assert.Contains(fromFile.Problems, p => p.Contains("is used by two nodes", StringComparison.Ordinal));
    }

    [Fact]
    public void ADamagedNodeOfTheValuesTreeIsReportedWithItsPlace()
    {
        using var folder = new TempFolder();
        var path = folder.File("node.packtree");
        ulong rootSector;
        using (var store = Store.Open(path, Small))
        {
            var docs = store.GetOrCreateTree("docs");
            for (var i = 0; i < 40; i++) docs.Put(new Bpos((ulong)i, 0, 0), ValueOf(3000, i));
            store.Checkpoint();
            rootSector = store.Large.Extents.RootPointer.Sector;
        }
        Assert.NotEqual(0UL, rootSector);
        FlipByte(path, (long)rootSector * DataBuckets.SectorBytes + 300);
        var report = StoreCheck.Run(path);
        // Opening walks the values tree to count live data, so its damage keeps the store from opening, and says where.
        var problem = Assert.Single(report.Problems);
        Assert.Contains($"Corrupt btree node at byte {(long)rootSector * DataBuckets.SectorBytes} of the store file", problem, StringComparison.Ordinal);
        Assert.Contains("checksum", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void PiecesOfATreeWhoseLeafIsDamagedAreNotCalledOrphans()
    {
        using var folder = new TempFolder();
        var path = folder.File("leaf.packtree");
        ulong leafSector;
        using (var store = Store.Open(path, Small))
        {
            var docs = store.GetOrCreateTree("docs");
            for (var i = 0; i < 300; i++) docs.Put(new Bpos((ulong)i, 0, 0), i % 10 == 0 ? ValueOf(2000, i) : [(byte)i]);
            store.Checkpoint();
            var addresses = docs.Btree.NodeAddresses();
            Assert.True(addresses.Count > 2);
            leafSector = addresses[^1];
        }
        FlipByte(path, (long)leafSector * DataBuckets.SectorBytes + 200);
        var report = StoreCheck.Run(path);
        var problem = Assert.Single(report.Problems);
        Assert.StartsWith("tree 'docs': ", problem, StringComparison.Ordinal);
        Assert.Contains($"{(long)leafSector * DataBuckets.SectorBytes}", problem, StringComparison.Ordinal);
    }

    /// <summary>
    /// A store whose value at 7:7:0 of tree 'docs' (and a second tree, 'other') was damaged by <paramref name="damage"/> through
    /// the store's internals, then closed and checked from its file.
    /// </summary>
    private static (StoreCheckReport Report, ValueReference Reference, List<(long Offset, ValueExtent Extent)> Pieces) Damaged(TempFolder folder,
        Action<Store, ValueReference, List<(long Offset, ValueExtent Extent)>> damage, bool checkpointFirst = false)
    {
        var path = folder.File($"damaged-{Guid.NewGuid():N}.packtree");
        ValueReference reference;
        List<(long Offset, ValueExtent Extent)> pieces;
        using (var store = Store.Open(path, Small))
        {
            var docs = store.GetOrCreateTree("docs");
            store.GetOrCreateTree("other").Put(new Bpos(1, 1, 0), [1]);
            docs.Put(new Bpos(1, 0, 0), ValueOf(3000, 1));
            docs.Put(new Bpos(7, 7, 0), ValueOf(11_000, 2));
            reference = ReferenceOf(docs, new Bpos(7, 7, 0));
            pieces = store.Large.ExtentsOf(reference);
            Assert.True(StoreCheck.Run(store).IsClean);
            if (checkpointFirst) store.Checkpoint();
            WithWriteLock(store, () => damage(store, reference, pieces));
        }
        Assert.True(pieces.Count >= 3);
        return (StoreCheck.Run(path), reference, pieces);
    }

    private static void WithWriteLock(Store store, Action action)
    {
        store.EnterWrite();
        try
        {
            action();
        }
        finally
        {
            store.ExitWrite();
        }
    }

    /// <summary>Puts <paramref name="reference"/> at <paramref name="key"/> of tree 'docs' as it is, past every rule (write lock held).</summary>
    private static void Rereference(Store store, Bpos key, ValueReference reference)
    {
        Span<ulong> fields = stackalloc ulong[BkeyFields.PositionCount];
        KeyFields.FromPosition(key, fields);
        store.GetOrCreateTree("docs").Btree.PutReference(fields, reference.ToBytes());
    }

    private static ValueReference ReferenceOf(Tree tree, Bpos key)
    {
        Span<ulong> fields = stackalloc ulong[BkeyFields.PositionCount];
        KeyFields.FromPosition(key, fields);
        Assert.True(tree.Btree.TryFind(fields, out var leaf, out var at));
        Assert.Equal(TreeValues.ReferenceType, leaf.TypeAt(at));
        return ValueReference.Read(Btree.ValueOf(leaf, at));
    }

    private static void FlipByte(string path, long at)
    {
        using var file = File.Open(path, FileMode.Open);
        file.Position = at;
        var b = file.ReadByte();
        file.Position = at;
        file.WriteByte((byte)(b ^ 0x10));
    }

    private static void Put(Tree tree, ulong key, byte[] value)
    {
        if (tree.KeyKind.IsBytes) tree.Put(BitConverter.GetBytes(key), value);
        else tree.Put(new Bpos(key, 0, 0), value);
    }

    private static void Delete(Tree tree, ulong key)
    {
        if (tree.KeyKind.IsBytes) tree.Delete(BitConverter.GetBytes(key));
        else tree.Delete(new Bpos(key, 0, 0));
    }

    private static byte[]? Get(Tree tree, ulong key) => tree.KeyKind.IsBytes ? tree.Get(BitConverter.GetBytes(key)) : tree.Get(new Bpos(key, 0, 0));
}
