namespace Packtree.Storage;

/// <summary>
/// Recovery's reading of the journal: the commits after a checkpoint, in order, until the log ends; then
/// a streamed look over the rest of the region for proof that commits past that end were acknowledged.
/// Memory stays independent of the journal's size: entries are checked in pieces and only an entry
/// being applied is held whole.
/// </summary>
internal static class JournalReader
{
    private const int PieceBytes = 1 << 20;

    /// <summary>
    /// Reads the entries after a checkpoint: from <paramref name="tail"/>, commit <paramref name="firstSeq"/>
    /// on, until one is missing or torn (the end of the log). An entry whose checksum holds but whose
    /// contents break a rule, or a damaged entry that later entries prove was durable (they were written
    /// after it was flushed), is corruption, not a torn tail: an error, or with
    /// <paramref name="salvage"/> the end of what is read, with what was lost in the result.
    /// (<paramref name="apply"/> applies a commit and returns false when the commit cannot have been durable: the value
    /// data it names never reached the disk whole, which ends the log there as a torn entry would.)
    /// </summary>
    /// <exception cref="CorruptStoreException">Acknowledged entries are damaged, or an entry breaks a rule (<see cref="StorePart.Journal"/>); the message and <see cref="CorruptStoreException.FileOffset"/> give the file offset.</exception>
    public static JournalReplay Replay(StorageDevice device, long regionOffset, long regionBytes, long tail, ulong firstSeq, Func<ulong, IReadOnlyList<JournalRecord>, bool> apply, bool salvage = false)
    {
        var seq = firstSeq;
        var at = tail;
        var header = new byte[JournalEntry.HeaderBytes];
        var piece = new byte[(int)Math.Min(PieceBytes, Math.Max(regionBytes, JournalEntry.HeaderBytes))];
        var maxEntry = regionBytes / 4;
        var consumed = 0L;
        string? damage = null;
        while (consumed < regionBytes)
        {
            if (regionBytes - at < JournalEntry.HeaderBytes)
            {
                consumed += regionBytes - at;
                at = 0;
                continue;
            }
            device.Read(regionOffset + at, header);
            var h = JournalEntry.ReadHeader(header);
            if (h.Magic != JournalEntry.Magic || h.Length < JournalEntry.HeaderBytes || h.Length % 8 != 0 || h.Length > regionBytes - at || h.Length > Math.Max(maxEntry, JournalEntry.HeaderBytes))
                break; // never written, or torn: the end of the log
            if (ReadChecked(device, regionOffset + at, h, piece) is not { } entry) break;
            if (h.Seq < seq) break; // an entry of an earlier lap around the region: the end of the log
            var where = $"journal entry at byte {regionOffset + at} of the store file";
            if (h.Seq > seq)
            {
                damage = $"{where} holds commit {h.Seq} where commit {seq} belongs";
                break;
            }
            if (h.Reserved != 0 || h.Reserved2 != 0 || h.Count < 0)
            {
                damage = $"{where} (commit {seq}) has reserved fields {h.Reserved}, {h.Reserved2} and count {h.Count}";
                break;
            }
            if (h.Kind == JournalEntry.KindWrap)
            {
                if (h.Length != JournalEntry.HeaderBytes || h.Count != 0)
                {
                    damage = $"{where} is a wrap marker of {h.Length} bytes and {h.Count} records";
                    break;
                }
                consumed += regionBytes - at;
                at = 0;
                continue;
            }
            if (h.Kind != JournalEntry.KindCommit)
            {
                damage = $"{where} (commit {seq}) is of kind {h.Kind}, which names no kind";
                break;
            }
            var records = JournalEntry.TryParseRecords(entry, h.Count, out var problem);
            if (records is null)
            {
                damage = $"{where} (commit {seq}): {problem}";
                break;
            }
            try
            {
                if (!apply(seq, records)) break; // its value data is not whole: it was never acknowledged
            }
            catch (InvalidDataException e)
            {
                damage = $"{where} (commit {seq}): {e.Message}";
                break;
            }
            consumed += h.Length;
            at += h.Length;
            seq++;
        }
        if (damage is not null && !salvage) throw new CorruptStoreException($"The journal is damaged: {damage}.", StorePart.Journal, regionOffset + at, damage);
        var later = FindLaterCommits(device, regionOffset, regionBytes, seq, piece);
        if (later.DurableClaim is { } claim && !salvage)
        {
            throw new CorruptStoreException(
                $"Journal entry of commit {seq} at byte {regionOffset + at} of the store file is missing or damaged, but commit {claim.Seq} at byte {regionOffset + claim.Offset} says commit {claim.DurableSeq} was already durable: acknowledged commits were lost.",
                StorePart.Journal, regionOffset + at, $"commit {claim.Seq} at byte {regionOffset + claim.Offset} says commit {claim.DurableSeq} was durable, and its entry is missing or damaged");
        }
        JournalLoss? loss = null;
        if (damage is not null || later.HighestSeq >= seq)
            loss = new JournalLoss(seq, Math.Max(later.HighestSeq, seq), regionOffset + at, damage ?? "the entry is missing or damaged");
        return new JournalReplay(at, seq - 1, loss);
    }

    /// <summary>
    /// Intact entries of commits from <paramref name="missing"/> on anywhere in the region, found by
    /// reading it in pieces: the highest such commit, and one that says <paramref name="missing"/> was
    /// already durable, if any.
    /// </summary>
    private static (ulong HighestSeq, (ulong Seq, ulong DurableSeq, long Offset)? DurableClaim) FindLaterCommits(StorageDevice device, long regionOffset, long regionBytes, ulong missing, byte[] piece)
    {
        var highest = 0UL;
        (ulong, ulong, long)? claim = null;
        var checksumBuffer = new byte[64 * 1024];
        var step = piece.Length - JournalEntry.HeaderBytes; // pieces overlap by a header, so no header is cut in two
        Span<byte> magic = stackalloc byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(magic, JournalEntry.Magic);
        for (long start = 0; start + JournalEntry.HeaderBytes <= regionBytes; start += step)
        {
            // Holes of a sparse file hold no entries: skip them without reading (a fresh 4 GiB journal is mostly hole).
            var data = device.NextData(regionOffset + start) - regionOffset;
            if (data > start) start = Math.Min(data, regionBytes) & ~7L;
            if (start + JournalEntry.HeaderBytes > regionBytes) break;
            var length = (int)Math.Min(piece.Length, regionBytes - start);
            var span = piece.AsSpan(0, length);
            device.Read(regionOffset + start, span);
            var limit = Math.Min(length - JournalEntry.HeaderBytes, step - 1);
            for (var i = span.IndexOf(magic); i >= 0 && i <= limit; i = Next(span, i, magic))
            {
                if (i % 8 != 0) continue; // entries are 8-byte aligned
                var h = JournalEntry.ReadHeader(span[i..]);
                if (h.Seq < missing || h.Seq <= highest && (claim is not null || h.DurableSeq < missing)) continue;
                var at = start + i;
                if (h.Length < JournalEntry.HeaderBytes || h.Length % 8 != 0 || h.Length > regionBytes - at) continue;
                if (JournalEntry.Checksum(device, regionOffset + at, h.Length, checksumBuffer) != h.Checksum) continue;
                highest = Math.Max(highest, h.Seq);
                if (claim is null && h.Seq > missing && h.DurableSeq >= missing) claim = (h.Seq, h.DurableSeq, at);
            }
        }
        return (highest, claim);
    }

    /// <summary>
    /// The entry <paramref name="h"/> heads, read once, or null when its checksum fails. An entry that fits
    /// <paramref name="piece"/> is read into it (valid until the next read); a larger one is checked in
    /// pieces first and only then read whole, so a damaged length never costs a large allocation.
    /// </summary>
    private static ReadOnlyMemory<byte>? ReadChecked(StorageDevice device, long offset, JournalEntryHeader h, byte[] piece)
    {
        if (h.Length <= piece.Length)
        {
            var entry = piece.AsMemory(0, h.Length);
            device.Read(offset, entry.Span);
            if (JournalEntry.Checksum(entry.Span) != h.Checksum) return null; // (a conditional would turn null into an empty memory)
            return entry;
        }
        if (JournalEntry.Checksum(device, offset, h.Length, piece) != h.Checksum) return null;
        var whole = new byte[h.Length];
        device.Read(offset, whole);
        return new ReadOnlyMemory<byte>(whole);
    }

    /// <summary>The next occurrence of <paramref name="magic"/> after <paramref name="i"/> (vectorized search), or -1.</summary>
    private static int Next(ReadOnlySpan<byte> span, int i, ReadOnlySpan<byte> magic)
    {
        var next = span[(i + 1)..].IndexOf(magic);
        return next < 0 ? -1 : i + 1 + next;
    }
}

/// <summary>Where a replay ended: the head for new entries, the last commit applied, and what was lost (salvage).</summary>
/// <param name="Head">Where the next entry goes.</param>
/// <param name="LastSeq">The last commit applied.</param>
/// <param name="Loss">Commits the journal shows were made but could not be read back; null when none.</param>
internal readonly record struct JournalReplay(long Head, ulong LastSeq, JournalLoss? Loss);

/// <summary>Commits lost to journal damage: <paramref name="FirstSeq"/> to <paramref name="LastSeq"/> (at least; later ones may have left no trace).</summary>
/// <param name="FirstSeq">The first commit that could not be read.</param>
/// <param name="LastSeq">The highest commit an intact later entry shows was made.</param>
/// <param name="Offset">File offset where the first lost commit's entry belongs.</param>
/// <param name="Reason">What was found there.</param>
internal sealed record JournalLoss(ulong FirstSeq, ulong LastSeq, long Offset, string Reason);
