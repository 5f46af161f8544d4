using System.Diagnostics;
using Packtree.Keys;

namespace Packtree.Nodes;

// Inserting, overwriting and deleting keys (docs/DESIGN.md §5.3).
internal sealed partial class BtreeNode
{
    /// <summary>
    /// Inserts <paramref name="key"/> with <paramref name="value"/>, replacing any live key at its
    /// position; a key of type 0 (deleted) deletes. The key must lie inside the node's range.
    /// </summary>
    /// <returns>
    /// <see cref="InsertResult.NodeFull"/> when it does not fit even after sorting the bsets; the node is
    /// then unchanged, and the tree above decides between <see cref="Rewrite"/> and <see cref="Split"/>.
    /// </returns>
    public InsertResult Insert(Bkey key, ReadOnlySpan<byte> value, ulong journalSeq = 0) => Insert(key, value, journalSeq, out _);

    /// <summary>As <see cref="Insert(Bkey, ReadOnlySpan{byte}, ulong)"/>; <paramref name="replaced"/> tells whether a live key was at the position.</summary>
    public InsertResult Insert(Bkey key, ReadOnlySpan<byte> value, ulong journalSeq, out bool replaced)
    {
        Generation++;
        replaced = false;
        CheckInsert(key, value);
        var deletion = key.Type == (byte)BkeyType.Deleted;

        // Room for the key, and for a whiteout should the change need one. A deletion that needs no
        // whiteout needs no room: it marks or removes a key.
        var encoded = Encode(key, value);
        var roomy = EnsureRoom((deletion ? 0 : encoded.Length) + Bkey.ByteCount);
        if (!roomy && !deletion) return InsertResult.NodeFull;
        return Apply(key, value, encoded, roomy, journalSeq, out replaced);
    }

    /// <summary>
    /// Inserts <paramref name="key"/> (not a deletion) with <paramref name="value"/>, replacing any live key at
    /// its position, and deletes the live key at <paramref name="deleted"/>: both, or neither when the node
    /// has no room for them (<see cref="InsertResult.NodeFull"/>, the node unchanged). The room for both is
    /// made at once, so the deletion cannot find the node full once the insert is done.
    /// </summary>
    public InsertResult InsertAndDelete(Bkey key, ReadOnlySpan<byte> value, Bpos deleted, ulong journalSeq)
    {
        Generation++;
        CheckInsert(key, value);
        if (key.Type == (byte)BkeyType.Deleted) throw new ArgumentException("The key inserted with a deletion is not a deletion itself.", nameof(key));
        if (deleted == key.Position) throw new ArgumentException($"The key inserted and the one deleted are both at {deleted}.", nameof(deleted));
        var deletion = new Bkey(deleted);
        CheckInsert(deletion, []);

        // The key, a whiteout should it replace a key on disk (it takes the whiteout over: no room used),
        // and the deletion's whiteout.
        var encoded = Encode(key, value);
        if (!EnsureRoom(encoded.Length + 2 * Bkey.ByteCount)) return InsertResult.NodeFull;
        Apply(key, value, encoded, roomy: true, journalSeq, out _);
        Debug.Assert(FreeBytes >= Bkey.ByteCount, "The insert left room for the deletion's whiteout.");
        Apply(deletion, [], Encode(deletion, []), roomy: true, journalSeq, out _);
        return InsertResult.Done;
    }

    /// <summary>The argument checks of an insert: an unpacked key inside the node, with the value it announces.</summary>
    private void CheckInsert(in Bkey key, ReadOnlySpan<byte> value)
    {
        if (key.Format != Bkey.FormatCurrent) throw new ArgumentException($"Key [{key}] must be unpacked (format 1).", nameof(key));
        if (key.ValueU64s * 8 != value.Length)
            throw new ArgumentException($"Key [{key}] says {key.ValueU64s} value words ({key.ValueU64s * 8} bytes); {value.Length} bytes were given.", nameof(value));
        if (key.Position < Header.MinKey || key.Position > Header.MaxKey)
            throw new ArgumentOutOfRangeException(nameof(key), key.Position, $"The node covers {Header.MinKey}..{Header.MaxKey}.");
        if (key.Type == (byte)BkeyType.Deleted && value.Length != 0) throw new ArgumentException("A deletion carries no value.", nameof(value));
    }

    /// <summary>
    /// The insert or deletion itself, once <see cref="EnsureRoom"/> has answered <paramref name="roomy"/>
    /// (false only for a deletion, which then fails only if it needs a whiteout).
    /// </summary>
    private InsertResult Apply(Bkey key, ReadOnlySpan<byte> value, byte[] encoded, bool roomy, ulong journalSeq, out bool replaced)
    {
        replaced = false;
        var deletion = key.Type == (byte)BkeyType.Deleted;
        var last = _bsets[^1];
        var writable = last.Writable;
        var existing = FindLive(key.Position);
        if (deletion && existing < 0)
        {
            DebugVerifyInsert(key, value);
            return InsertResult.Done; // nothing to delete
        }

        var inLast = false;
        if (existing >= 0)
        {
            var hadWhiteout = KeyHeader.NeedsWhiteout(_buffer[existing + KeyHeader.FormatByteOffset]);
            if (!roomy && hadWhiteout) return InsertResult.NodeFull; // the whiteout has nowhere to go
            LiveBytes -= BsetKeys.Length(_buffer, existing);
            replaced = true;
            _buffer[existing + 2] = (byte)BkeyType.Deleted; // the old copy is dead wherever it lives
            _buffer[existing + KeyHeader.FormatByteOffset] &= KeyHeader.FormatMask;
            if (hadWhiteout)
            {
                if (deletion) AddWhiteout(key.Position); // a version is on disk: the deletion must be written
                else KeyHeader.SetNeedsWhiteout(encoded);   // the new key takes over the duty
            }
            inLast = writable is not null && existing >= last.KeysStart && existing < last.KeysEnd;
        }

        if (deletion && inLast)
        {
            writable!.Delete(existing, BsetKeys.Length(_buffer, existing));
        }
        else if (!deletion)
        {
            writable = writable ?? throw new InvalidOperationException("EnsureRoom left no writable bset.");
            var where = inLast ? existing : BsetKeys.ScanForward(Format, _buffer, writable.Table.StartFor(key.Position), writable.KeysEnd, key.Position, [], exact: false);
            var clobber = inLast ? BsetKeys.Length(_buffer, existing) : 0;
            if (!writable.TryInsert(where, encoded, clobber)) throw new InvalidOperationException("The room checked for the key was not there."); // guarded by EnsureRoom
            LiveBytes += encoded.Length;
        }
        last.JournalSeq = Math.Max(last.JournalSeq, journalSeq);
        if (existing >= 0 && !inLast) DropDeadKeysLazily(existing);
        DebugVerifyInsert(key, value);
        return InsertResult.Done;
    }

    /// <summary>Deletes the live key at <paramref name="position"/>, if any.</summary>
    public InsertResult Delete(Bpos position, ulong journalSeq = 0) => Insert(new Bkey(position), [], journalSeq, out _);

    /// <summary>As <see cref="Delete(Bpos, ulong)"/>; <paramref name="existed"/> tells whether a live key was deleted.</summary>
    public InsertResult Delete(Bpos position, ulong journalSeq, out bool existed) => Insert(new Bkey(position), [], journalSeq, out existed);

    /// <summary>Bytes still free for keys in the last bset, after the unwritten whiteouts and the reserved last word.</summary>
    public int FreeBytes
    {
        get
        {
            var last = _bsets[^1];
            return last.Written ? 0 : _buffer.Length - 8 - WhiteoutBytes - last.KeysEnd;
        }
    }

    private int WhiteoutBytes { get; set; }


    private void AddWhiteout(Bpos position)
    {
        Span<byte> packed = stackalloc byte[Format.KeyBytes];
        _whiteouts.Add(position);
        WhiteoutBytes += Format.TryPackPosition(position, packed) ? Format.KeyBytes : Bkey.ByteCount;
    }

    /// <summary>
    /// Makes sure the last bset is writable with room for <paramref name="bytes"/> more, starting a new
    /// bset when the last one is written, frozen, or has grown past the write-set size.
    /// </summary>
    /// <remarks>
    /// One departure from bcachefs, measured: once too little room is left to start a bset, bcachefs goes
    /// on inserting into the last one however large it is, and every insert then moves up to the whole
    /// node's keys. Here a last bset over four write-sets answers "full" instead, and the tree compacts or
    /// splits the node (giving up at most 4 KiB of a 256 KiB node; rand_insert ran 1.9× faster).
    /// </remarks>
    private bool EnsureRoom(int bytes)
    {
        var last = _bsets[^1];
        var size = last.KeysEnd - last.KeysStart;
        var wantNew = last.Written || last.Writable is null || (size > WriteSetBytes && FreeBytes > 512 * 8);
        if (!wantNew && size > 4 * WriteSetBytes) return false;
        if (wantNew)
        {
            if (_bsets.Count == MaxBsets) SortWrittenAndUnwritten();
            if (_bsets.Count == MaxBsets) return false;
            FreezeLast();
            var start = Math.Max(WrittenSectors * NodeGeometry.SectorBytes, _bsets[^1].KeysEnd) + NodeCodec.EntryHeaderBytes;
            start = (start + 7) & ~7;
            if (start >= _buffer.Length - 8) return false;
            StartWritableBset(start);
        }
        return bytes <= FreeBytes;
    }

    /// <summary>
    /// A key at <paramref name="killed"/> was just marked deleted in an older bset. Once that bset holds
    /// more than 512 dead bytes and they are over a third of it, its deleted keys are dropped in place
    /// (bcachefs's lazy compaction, docs/DESIGN.md §5.3, step 7).
    /// </summary>
    private void DropDeadKeysLazily(int killed)
    {
        var index = _bsets.FindIndex(b => killed >= b.KeysStart && killed < b.KeysEnd);
        var bset = _bsets[index];
        bset.DeadBytes += BsetKeys.Length(_buffer, killed);
        if (bset.DeadBytes > 512 && bset.DeadBytes * 3 > bset.KeysEnd - bset.KeysStart) SortBsets(index, index + 1);
    }

    /// <summary>
    /// Before a fourth bset would be needed (docs/DESIGN.md §5.4): the written bsets are sorted into one and the
    /// unwritten ones into one, in place and in the same format, dropping deleted keys.
    /// </summary>
    /// <remarks>
    /// When the first unwritten bset is over twice the size of the later ones together, only the later
    /// ones are sorted (a node that is never written, as in an in-memory store, would otherwise move all
    /// its keys every few kilobytes of inserts; this way each key is moved a logarithmic number of times).
    /// </remarks>
    private void SortWrittenAndUnwritten()
    {
        var written = _bsets.Count(b => b.Written);
        if (written > 1) SortBsets(0, written);
        var firstUnwritten = _bsets.FindIndex(b => !b.Written);
        if (firstUnwritten < 0 || _bsets.Count - firstUnwritten < 2) return;
        var firstSize = _bsets[firstUnwritten].KeysEnd - _bsets[firstUnwritten].KeysStart;
        var laterSize = _bsets.Skip(firstUnwritten + 1).Sum(b => b.KeysEnd - b.KeysStart);
        if (_bsets.Count - firstUnwritten > 2 && firstSize > 2 * laterSize) SortBsets(firstUnwritten + 1, _bsets.Count);
        else SortBsets(firstUnwritten, _bsets.Count);
    }

    /// <summary>Merges bsets [<paramref name="start"/>, <paramref name="end"/>) into one at the first one's place, live keys only.</summary>
    private void SortBsets(int start, int end)
    {
        var total = 0;
        for (var i = start; i < end; i++) total += _bsets[i].KeysEnd - _bsets[i].KeysStart;
        var merged = System.Buffers.ArrayPool<byte>.Shared.Rent(Math.Max(total, 1));
        var used = 0;
        // A k-way merge (k <= 3) of the runs' heads in iterator order, deleted keys dropped.
        Span<int> at = stackalloc int[MaxBsets];
        Span<int> stop = stackalloc int[MaxBsets];
        var runs = end - start;
        for (var i = 0; i < runs; i++)
        {
            at[i] = _bsets[start + i].KeysStart;
            stop[i] = _bsets[start + i].KeysEnd;
        }
        while (true)
        {
            var best = -1;
            for (var i = 0; i < runs; i++)
            {
                if (at[i] < stop[i] && (best < 0 || IteratorOrder(at[i], at[best]) < 0)) best = i;
            }
            if (best < 0) break;
            var from = at[best];
            var length = BsetKeys.Length(_buffer, from);
            if (!BsetKeys.IsDeleted(_buffer, from))
            {
                _buffer.AsSpan(from, length).CopyTo(merged.AsSpan(used));
                used += length;
            }
            at[best] = from + length;
        }
        var keysStart = _bsets[start].KeysStart;
        var keysEnd = keysStart + used;
        Debug.Assert(used <= total && keysEnd <= _bsets[end - 1].KeysEnd, "The merged keys fit where the bsets were.");
        merged.AsSpan(0, used).CopyTo(_buffer.AsSpan(keysStart));
        System.Buffers.ArrayPool<byte>.Shared.Return(merged);
        var written = _bsets.Skip(start).Take(end - start).All(b => b.Written);
        var journalSeq = _bsets.Skip(start).Take(end - start).Max(b => b.JournalSeq);
        var last = end == _bsets.Count;
        _bsets.RemoveRange(start, end - start);
        if (last && !written && keysEnd - keysStart <= WriteSetBytes) // a large result is frozen: inserts go to a new, small bset
        {
            StartWritableBset(keysStart, keysEnd);
            _bsets[^1].JournalSeq = journalSeq;
        }
        else
        {
            _bsets.Insert(start, new BsetState(keysStart, keysEnd, written, BuildTree(keysStart, keysEnd), journalSeq));
        }
        DebugVerify("a sort of bsets");
    }

    /// <summary>Turns the last bset, if writable, into a read-only one with an aux tree.</summary>
    private void FreezeLast()
    {
        var last = _bsets[^1];
        if (last.Writable is null) return;
        _bsets[^1] = new BsetState(last.KeysStart, last.KeysEnd, last.Written, BuildTree(last.KeysStart, last.KeysEnd), last.JournalSeq);
    }

    /// <summary>The key as stored: packed in the node format where it fits, else unpacked; value appended.</summary>
    private byte[] Encode(Bkey key, ReadOnlySpan<byte> value)
    {
        var packed = Format.CanPack(key);
        var keyBytes = packed ? Format.KeyBytes : Bkey.ByteCount;
        var encoded = new byte[keyBytes + value.Length];
        if (packed) Format.TryPack(key, encoded);
        else key.Write(encoded);
        KeyHeader.ClearNeedsWhiteout(encoded); // needs_whiteout is node bookkeeping, decided here
        value.CopyTo(encoded.AsSpan(keyBytes));
        return encoded;
    }
}
