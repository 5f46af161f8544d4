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
        CheckBkey(key, value);
        Span<ulong> fields = stackalloc ulong[BkeyFields.Count];
        key.GetFields(fields);
        return Insert(fields, key.Type, value, journalSeq, out replaced);
    }

    /// <summary>
    /// Inserts a key given as all its <paramref name="fields"/> (the schema's; the key fields first) and its
    /// <paramref name="type"/>, with <paramref name="value"/> (whole words), replacing any live key with the same key
    /// fields; a key of type 0 (deleted) deletes. Otherwise as <see cref="Insert(Bkey, ReadOnlySpan{byte}, ulong)"/>.
    /// </summary>
    public InsertResult Insert(ReadOnlySpan<ulong> fields, byte type, ReadOnlySpan<byte> value, ulong journalSeq, out bool replaced)
    {
        Generation++;
        replaced = false;
        CheckInsert(fields, type, value);
        var deletion = type == (byte)BkeyType.Deleted;

        // Room for the key, and for a whiteout should the change need one. A deletion that needs no
        // whiteout needs no room: it marks or removes a key.
        var encoded = Encode(fields, type, value);
        var roomy = EnsureRoom((deletion ? 0 : encoded.Length) + UnpackedKeyBytes);
        if (!roomy && !deletion) return InsertResult.NodeFull;
        return Apply(fields, type, value, encoded, roomy, journalSeq, out replaced);
    }

    /// <summary>Bytes of an unpacked key of the node's schema: the most a whiteout takes.</summary>
    private int UnpackedKeyBytes => Header.Schema.UnpackedFormat.KeyBytes;

    /// <summary>
    /// Inserts <paramref name="key"/> (not a deletion) with <paramref name="value"/>, replacing any live key at
    /// its position, and deletes the live key at <paramref name="deleted"/>: both, or neither when the node
    /// has no room for them (<see cref="InsertResult.NodeFull"/>, the node unchanged). The room for both is
    /// made at once, so the deletion cannot find the node full once the insert is done.
    /// </summary>
    public InsertResult InsertAndDelete(Bkey key, ReadOnlySpan<byte> value, Bpos deleted, ulong journalSeq)
    {
        CheckBkey(key, value);
        Span<ulong> fields = stackalloc ulong[BkeyFields.Count];
        key.GetFields(fields);
        return InsertAndDelete(fields, key.Type, value, KeyFields.FromPosition(deleted), journalSeq);
    }

    /// <summary>As <see cref="InsertAndDelete(Bkey, ReadOnlySpan{byte}, Bpos, ulong)"/>, for a key given as its fields and type.</summary>
    public InsertResult InsertAndDelete(ReadOnlySpan<ulong> fields, byte type, ReadOnlySpan<byte> value, ReadOnlySpan<ulong> deleted, ulong journalSeq)
    {
        Generation++;
        CheckInsert(fields, type, value);
        var schema = Header.Schema;
        if (type == (byte)BkeyType.Deleted) throw new ArgumentException("The key inserted with a deletion is not a deletion itself.", nameof(type));
        if (KeyFields.Equal(deleted, fields[..schema.KeyFieldCount]))
            throw new ArgumentException($"The key inserted and the one deleted are both {KeyFields.Text(schema, deleted)}.", nameof(deleted));
        Span<ulong> deletion = stackalloc ulong[schema.FieldCount];
        deleted.CopyTo(deletion);
        CheckInsert(deletion, (byte)BkeyType.Deleted, []);

        // The key, a whiteout should it replace a key on disk (it takes the whiteout over: no room used),
        // and the deletion's whiteout.
        var encoded = Encode(fields, type, value);
        if (!EnsureRoom(encoded.Length + 2 * UnpackedKeyBytes)) return InsertResult.NodeFull;
        Apply(fields, type, value, encoded, roomy: true, journalSeq, out _);
        Debug.Assert(FreeBytes >= UnpackedKeyBytes, "The insert left room for the deletion's whiteout.");
        Apply(deletion, (byte)BkeyType.Deleted, [], Encode(deletion, (byte)BkeyType.Deleted, []), roomy: true, journalSeq, out _);
        return InsertResult.Done;
    }

    /// <summary>What only a bcachefs key can get wrong: it must be unpacked and announce the value given.</summary>
    private static void CheckBkey(in Bkey key, ReadOnlySpan<byte> value)
    {
        if (key.Format != Bkey.FormatCurrent) throw new ArgumentException($"Key [{key}] must be unpacked (format 1).", nameof(key));
        if (key.ValueU64s * 8 != value.Length)
            throw new ArgumentException($"Key [{key}] says {key.ValueU64s} value words ({key.ValueU64s * 8} bytes); {value.Length} bytes were given.", nameof(value));
    }

    /// <summary>The argument checks of an insert: a key of the node's schema inside the node, with a value of whole words it can hold.</summary>
    private void CheckInsert(ReadOnlySpan<ulong> fields, byte type, ReadOnlySpan<byte> value)
    {
        var schema = Header.Schema;
        if (fields.Length != schema.FieldCount) throw new ArgumentException($"A key of {schema} has {schema.FieldCount} fields; {fields.Length} were given.", nameof(fields));
        if (value.Length % 8 != 0 || value.Length > schema.MaxValueU64s * 8)
            throw new ArgumentException($"A value is whole words, at most {schema.MaxValueU64s} ({schema.MaxValueU64s * 8} bytes); {value.Length} bytes were given.", nameof(value));
        if (!Header.Covers(fields[..schema.KeyFieldCount]))
            throw new ArgumentOutOfRangeException(nameof(fields), KeyFields.Text(schema, fields[..schema.KeyFieldCount]), $"The node covers {Header.RangeText}.");
        if (type == (byte)BkeyType.Deleted && value.Length != 0) throw new ArgumentException("A deletion carries no value.", nameof(value));
    }

    /// <summary>
    /// The insert or deletion itself, once <see cref="EnsureRoom"/> has answered <paramref name="roomy"/>
    /// (false only for a deletion, which then fails only if it needs a whiteout).
    /// </summary>
    private InsertResult Apply(ReadOnlySpan<ulong> fields, byte type, ReadOnlySpan<byte> value, byte[] encoded, bool roomy, ulong journalSeq, out bool replaced)
    {
        replaced = false;
        var deletion = type == (byte)BkeyType.Deleted;
        var last = _bsets[^1];
        var writable = last.Writable;
        var key = fields[..Header.Schema.KeyFieldCount];
        var existing = FindLive(key);
        if (deletion && existing < 0)
        {
            DebugVerifyInsert(fields, type, value);
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
                if (deletion) AddWhiteout(key); // a version is on disk: the deletion must be written
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
            var where = inLast ? existing : BsetKeys.ScanForward(Format, _buffer, writable.Table.StartFor(key), writable.KeysEnd, key, [], exact: false);
            var clobber = inLast ? BsetKeys.Length(_buffer, existing) : 0;
            if (!writable.TryInsert(where, encoded, clobber)) throw new InvalidOperationException("The room checked for the key was not there."); // guarded by EnsureRoom
            LiveBytes += encoded.Length;
        }
        last.JournalSeq = Math.Max(last.JournalSeq, journalSeq);
        if (existing >= 0 && !inLast) DropDeadKeysLazily(existing);
        DebugVerifyInsert(fields, type, value);
        return InsertResult.Done;
    }

    /// <summary>Deletes the live key at <paramref name="position"/>, if any.</summary>
    public InsertResult Delete(Bpos position, ulong journalSeq = 0) => Delete(position, journalSeq, out _);

    /// <summary>As <see cref="Delete(Bpos, ulong)"/>; <paramref name="existed"/> tells whether a live key was deleted.</summary>
    public InsertResult Delete(Bpos position, ulong journalSeq, out bool existed)
    {
        Span<ulong> key = stackalloc ulong[BkeyFields.PositionCount];
        KeyFields.FromPosition(position, key);
        return Delete(key, journalSeq, out existed);
    }

    /// <summary>Deletes the live key at <paramref name="key"/> (key fields), if any; <paramref name="existed"/> tells whether there was one.</summary>
    public InsertResult Delete(ReadOnlySpan<ulong> key, ulong journalSeq, out bool existed)
    {
        Span<ulong> fields = stackalloc ulong[Header.Schema.FieldCount];
        key.CopyTo(fields);
        return Insert(fields, (byte)BkeyType.Deleted, [], journalSeq, out existed);
    }

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


    private void AddWhiteout(ReadOnlySpan<ulong> key)
    {
        _whiteouts.Add(key.ToArray());
        WhiteoutBytes += WhiteoutKey(key).Length;
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
    private byte[] Encode(ReadOnlySpan<ulong> fields, byte type, ReadOnlySpan<byte> value)
    {
        var packed = Format.CanPackFields(fields);
        var layout = packed ? Format : Header.Schema.UnpackedFormat;
        var encoded = new byte[layout.KeyBytes + value.Length];
        layout.TryPackFields(fields, type, needsWhiteout: false, value.Length / 8, encoded); // needs_whiteout is node bookkeeping, decided later
        if (!packed) encoded[KeyHeader.FormatByteOffset] = Bkey.FormatCurrent;
        value.CopyTo(encoded.AsSpan(layout.KeyBytes));
        return encoded;
    }
}
