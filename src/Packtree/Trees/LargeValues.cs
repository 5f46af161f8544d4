using Packtree.Keys;
using Packtree.Storage;

namespace Packtree.Trees;

/// <summary>
/// Values kept out of line, the bcachefs way: the bytes go to data buckets (<see cref="DataBuckets"/>), and a
/// btree of their own — the values tree, a tree of positions with id <see cref="TreeId"/> — maps (value id,
/// offset in the value, 0) to the <see cref="ValueExtent"/> of each piece. A tree's leaf holds only a
/// <see cref="ValueReference"/>. A commit that puts a large value journals the extents with the reference,
/// so both land or neither; when a reference is replaced or deleted, its extents are dropped by the same
/// commit (on replay too, as it is derived from the leaf), so the journal never names dropped extents.
/// </summary>
internal sealed class LargeValues
{
    /// <summary>The values tree's btree id: the last id, which named trees never reach.</summary>
    public const uint TreeId = Superblock.ValuesTreeId;

    private readonly object _ownersLock = new();
    private HashSet<uint> _owners = []; // replaced whole when a tree first owns a value: every put reads it, without a lock
    private volatile bool _everyTreeMayOwn;
    private ulong _lastId;

    public LargeValues(Btree extents, DataBuckets data)
    {
        Extents = extents;
        Data = data;
    }

    /// <summary>Pieces moved out of sparse buckets since the store opened (replay included).</summary>
    public long PiecesMoved { get; private set; }

    /// <summary>The values tree.</summary>
    public Btree Extents { get; }

    /// <summary>Where the bytes are.</summary>
    public DataBuckets Data { get; }

    /// <summary>Whether tree <paramref name="treeId"/> may hold value references (it did at open, or has had one put since): its puts and deletes then look for one to drop.</summary>
    public bool MayOwn(uint treeId) => _everyTreeMayOwn || Volatile.Read(ref _owners).Contains(treeId);

    /// <summary>
    /// For a store opened only to read, which skips the walk (so that a damaged leaf of the values tree does not keep
    /// it from opening, and check can report it): every tree may hold references.
    /// </summary>
    public void SkipWalk() => _everyTreeMayOwn = true;

    /// <summary>Walks the values tree when the store opens: the pieces it points to (for the buckets in use), its owners and the last value id.</summary>
    /// <exception cref="CorruptStoreException">An extent is malformed or lies outside the bucket area (<see cref="StorePart.Tree"/>).</exception>
    public List<(ulong Sector, int Bytes)> Walk()
    {
        var pieces = new List<(ulong, int)>();
        foreach (var (key, extent) in AllExtents(Extents))
        {
            if (Data.PlaceProblem(extent.Sector, extent.StoredBytes) is { } problem)
                throw new CorruptStoreException($"The values tree's extent at {key} is damaged: {problem}.", StorePart.Tree, null, $"extent at {key}: {problem}");
            pieces.Add((extent.Sector, extent.StoredBytes));
            AddOwner(extent.OwnerTree);
            _lastId = Math.Max(_lastId, key.Inode);
        }
        return pieces;
    }

    /// <summary>Every extent of a values tree, in order.</summary>
    /// <exception cref="CorruptStoreException">An extent is malformed.</exception>
    public static IEnumerable<(Bpos Key, ValueExtent Extent)> AllExtents(Btree extents)
    {
        if (extents.Count == 0) yield break;
        var fields = new ulong[BkeyFields.PositionCount];
        foreach (var (leaf, at) in extents.LiveKeys())
        {
            leaf.KeyAt(at, fields);
            var key = KeyFields.ToPosition(fields);
            if (ValueExtent.TryRead(Btree.ValueOf(leaf, at), out var problem) is not { } extent)
                throw new CorruptStoreException($"The values tree's key at {key} is damaged: {problem}.", StorePart.Tree, null, $"extent at {key}: {problem}");
            yield return (key, extent);
        }
    }

    /// <summary>
    /// Writes the bytes of a value for tree <paramref name="owner"/> (outside the write lock): pieces of at most a
    /// bucket, each with its checksum. Nothing is live until a commit applies the extents.
    /// </summary>
    /// <exception cref="IOException">A write failed; what was written is given up.</exception>
    public PendingValue Write(ReadOnlySpan<byte> value, uint owner, byte compression)
    {
        var writer = NewWriter(owner, compression);
        try
        {
            writer.Append(value);
        }
        catch
        {
            writer.Abandon();
            throw;
        }
        return writer.Finish();
    }

    /// <summary>A writer of a new value for tree <paramref name="owner"/>, fed a piece at a time (a stream).</summary>
    public LargeValueWriter NewWriter(uint owner, byte compression) => new(Data, Interlocked.Increment(ref _lastId), owner, compression);

    /// <summary>A pending value whose commit did not happen: its data is dead space.</summary>
    public void Abandon(PendingValue value)
    {
        foreach (var (_, extent) in value.Extents) Data.Abandon(extent.Sector, extent.StoredBytes);
    }

    /// <summary>
    /// The journal records of a put of a pending value at <paramref name="key"/> of tree <paramref name="treeId"/>: its extents,
    /// then the reference (<paramref name="wideKey"/>: the tree's keys are not positions).
    /// </summary>
    public static IEnumerable<JournalRecord> Records(PendingValue value, uint treeId, ulong[] key, bool wideKey) =>
        value.Extents.Select(e => new JournalRecord(JournalOp.Put, TreeId, new Bpos(value.Reference.Id, (ulong)e.Offset, 0), e.Extent.ToBytes()))
            .Append(new JournalRecord(JournalOp.Put, treeId, key, wideKey, value.Reference.ToBytes(), Reference: true));

    /// <summary>Whether the piece a replayed extent record names is whole on disk (its stored bytes match their checksum).</summary>
    /// <exception cref="InvalidDataException">The record is malformed (damage, not a torn commit).</exception>
    public bool DataIsIntact(JournalRecord record)
    {
        if (record.Op != JournalOp.Put || record.WideKey || record.Key.Length != BkeyFields.PositionCount || record.Key[2] != 0 || record.Key[0] == 0)
            throw new InvalidDataException($"the values tree's record {record.Op} at {KeyFields.Text(KeySchema.Positions, record.Key)} is not an extent put");
        if (ValueExtent.TryRead(record.Value.Span, out var problem) is not { } extent) throw new InvalidDataException($"the values tree's record at {KeyFields.Text(KeySchema.Positions, record.Key)}: {problem}");
        if (Data.PlaceProblem(extent.Sector, extent.StoredBytes) is { } place) throw new InvalidDataException($"the values tree's record at {KeyFields.Text(KeySchema.Positions, record.Key)}: {place}");
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(extent.StoredBytes); // a replay may check thousands of pieces
        try
        {
            var stored = buffer.AsSpan(0, extent.StoredBytes);
            Data.Read(extent.Sector, stored);
            return ValueExtent.ChecksumOf(stored) == extent.Checksum;
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Applies one extent of a commit: one this store <paramref name="written"/>, or a replayed one (write lock held).</summary>
    /// <exception cref="InvalidDataException">The extent's bucket holds nodes.</exception>
    public void Apply(ulong seq, ReadOnlySpan<ulong> key, ReadOnlySpan<byte> value, bool written)
    {
        var extent = ValueExtent.TryRead(value, out var problem) ?? throw new InvalidDataException($"a value extent at {KeyFields.Text(KeySchema.Positions, key)}: {problem}");
        if (!Data.Claim(extent.Sector, extent.StoredBytes, written))
            throw new InvalidDataException($"a value extent at {KeyFields.Text(KeySchema.Positions, key)} lies in bucket {Data.BucketOf(extent.Sector)}, which is in use by nodes");
        Extents.JournalSeq = seq;
        Extents.Put(key, value); // a new value's id: no extent is there yet

        AddOwner(extent.OwnerTree);
        if (key[0] > Volatile.Read(ref _lastId)) Volatile.Write(ref _lastId, key[0]); // replay: ids continue above the replayed ones
    }

    private void AddOwner(uint treeId)
    {
        if (MayOwn(treeId)) return;
        lock (_ownersLock) Volatile.Write(ref _owners, [.. _owners, treeId]);
    }

    /// <summary>The extent at <paramref name="key"/> of the values tree, or null (a lock held).</summary>
    public ValueExtent? CurrentExtent(ReadOnlySpan<ulong> key) =>
        Extents.TryFind(key, out var leaf, out var at) ? ValueExtent.TryRead(Btree.ValueOf(leaf, at), out _) : null;

    /// <summary>
    /// Points the values tree at a piece's copy when its extent is still the one copied (write lock held); false, and the
    /// copy given up, when its value was dropped or replaced since.
    /// </summary>
    public bool Move(ulong seq, ExtentMove move)
    {
        Span<ulong> key = stackalloc ulong[BkeyFields.PositionCount];
        KeyFields.FromPosition(move.Key, key);
        if (CurrentExtent(key) != move.From)
        {
            Abandon([move]);
            return false;
        }
        Data.Claim(move.To.Sector, move.To.StoredBytes, written: true);
        Data.Drop(move.From.Sector, move.From.StoredBytes);
        Extents.JournalSeq = seq;
        Extents.Put(key, move.To.ToBytes());
        PiecesMoved++;
        return true;
    }

    /// <summary>
    /// Copies every piece lying in <paramref name="buckets"/> to the open bucket (read lock held), each checked first: the
    /// moves a commit then applies, so that those buckets empty. A damaged piece is left where it is, for check to report.
    /// </summary>
    public List<ExtentMove> CopyOut(IReadOnlyCollection<long> buckets)
    {
        var moves = new List<ExtentMove>();
        if (buckets.Count == 0) return moves;
        var wanted = buckets.ToHashSet();
        var buffer = new byte[Data.BucketBytes];
        try
        {
            foreach (var (key, extent) in AllExtents(Extents))
            {
                if (!wanted.Contains(Data.BucketOf(extent.Sector))) continue;
                var stored = buffer.AsSpan(0, extent.StoredBytes);
                Data.Read(extent.Sector, stored);
                if (ValueExtent.ChecksumOf(stored) != extent.Checksum) continue;
                moves.Add(new ExtentMove(key, extent, extent with { Sector = Data.AppendWhole(stored) }));
            }
        }
        catch
        {
            Abandon(moves);
            throw;
        }
        return moves;
    }

    /// <summary>Moves whose commit did not happen: their copies are dead space.</summary>
    public void Abandon(IEnumerable<ExtentMove> moves)
    {
        foreach (var move in moves) Data.Abandon(move.To.Sector, move.To.StoredBytes);
    }

    /// <summary>Drops every extent of a value whose reference was replaced or deleted (write lock held).</summary>
    public void Drop(ulong seq, ValueReference reference)
    {
        Extents.JournalSeq = seq;
        foreach (var (offset, extent) in ExtentsOf(reference))
        {
            Extents.Delete(new Bpos(reference.Id, (ulong)offset, 0));
            Data.Drop(extent.Sector, extent.StoredBytes);
        }
    }

    /// <summary>The extents of a value, in order (read lock held).</summary>
    /// <exception cref="CorruptStoreException">An extent is missing or malformed.</exception>
    public List<(long Offset, ValueExtent Extent)> ExtentsOf(ValueReference reference)
    {
        var extents = new List<(long, ValueExtent)>();
        for (long offset = 0; offset < reference.Length;)
        {
            var extent = ExtentAt(reference, offset);
            extents.Add((offset, extent));
            offset += extent.ValueBytes;
        }
        return extents;
    }

    /// <summary>The extent of <paramref name="reference"/> starting at <paramref name="offset"/>.</summary>
    /// <exception cref="CorruptStoreException">It is missing or malformed.</exception>
    public ValueExtent ExtentAt(ValueReference reference, long offset)
    {
        if (!Extents.TryFind(new Bpos(reference.Id, (ulong)offset, 0), out var leaf, out var at))
            throw new CorruptStoreException($"Value {reference.Id} ({reference.Length} bytes) has no extent at offset {offset} in the values tree.", StorePart.Tree, null, $"value {reference.Id} has no extent at offset {offset}");
        return ValueExtent.TryRead(Btree.ValueOf(leaf, at), out var problem)
            ?? throw new CorruptStoreException($"Value {reference.Id}'s extent at offset {offset} is damaged: {problem}.", StorePart.Tree, null, $"value {reference.Id}, extent at offset {offset}: {problem}");
    }

    /// <summary>
    /// Reads the whole value into <paramref name="destination"/> (its length; read lock held), checking every
    /// piece's checksum: damaged bytes are never returned.
    /// </summary>
    /// <exception cref="CorruptStoreException">An extent is missing, or its bytes fail their checksum (<see cref="StorePart.Data"/>, with the file offset).</exception>
    public void Read(ValueReference reference, Span<byte> destination)
    {
        foreach (var (offset, extent) in ExtentsOf(reference)) ReadPiece(reference, offset, extent, destination.Slice((int)offset, extent.ValueBytes));
    }

    /// <summary>Reads the piece <paramref name="extent"/> of a value (at <paramref name="offset"/> in it) into <paramref name="destination"/>, its value bytes, checked.</summary>
    /// <exception cref="CorruptStoreException">Its bytes fail their checksum (<see cref="StorePart.Data"/>); nothing of them is left in <paramref name="destination"/>.</exception>
    public void ReadPiece(ValueReference reference, long offset, ValueExtent extent, Span<byte> destination)
    {
        var piece = destination[..extent.ValueBytes];
        if (extent.Compression == 0)
        {
            Data.Read(extent.Sector, piece);
            if (ValueExtent.ChecksumOf(piece) == extent.Checksum) return;
            piece.Clear();
            throw DamagedData(reference, offset, extent);
        }
        var stored = System.Buffers.ArrayPool<byte>.Shared.Rent(extent.StoredBytes);
        try
        {
            Data.Read(extent.Sector, stored.AsSpan(0, extent.StoredBytes));
            if (ValueExtent.ChecksumOf(stored.AsSpan(0, extent.StoredBytes)) != extent.Checksum) throw DamagedData(reference, offset, extent);
            if (PieceCodec.Decompress(stored.AsSpan(0, extent.StoredBytes), piece) is { } problem)
            {
                piece.Clear();
                var fileOffset = (long)extent.Sector * DataBuckets.SectorBytes;
                throw new CorruptStoreException($"Bytes {offset} to {offset + extent.ValueBytes - 1} of value {reference.Id}, at byte {fileOffset} of the store file, pass their checksum but do not decompress: {problem}.",
                    StorePart.Data, fileOffset, $"value {reference.Id}, bytes {offset}..{offset + extent.ValueBytes - 1}: {problem}");
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(stored);
        }
    }

    private static CorruptStoreException DamagedData(ValueReference reference, long offset, ValueExtent extent)
    {
        var fileOffset = (long)extent.Sector * DataBuckets.SectorBytes;
        return new CorruptStoreException($"Bytes {offset} to {offset + extent.ValueBytes - 1} of value {reference.Id} ({reference.Length} bytes), at byte {fileOffset} of the store file, fail their checksum.",
            StorePart.Data, fileOffset, $"value {reference.Id}, bytes {offset}..{offset + extent.ValueBytes - 1}: checksum mismatch");
    }
}

/// <summary>A piece copied out of a sparse bucket: its key in the values tree, where it was and where it is now.</summary>
internal sealed record ExtentMove(Bpos Key, ValueExtent From, ValueExtent To);

/// <summary>A value whose bytes are written and whose extents await their commit.</summary>
internal sealed record PendingValue(ValueReference Reference, List<(long Offset, ValueExtent Extent)> Extents);
