using Packtree.Keys;

namespace Packtree.Bcachefs;

/// <summary>
/// What the journal says (btree-facts §7.5): the replay window [last_seq, replay_end] given by the newest flush
/// jset, the newest root per btree in it, the blacklisted seqs, and the leaf keys to overlay on the btrees.
/// </summary>
internal sealed class JournalState
{
    /// <summary>Seq of the newest flush jset, or 0 when the journal holds none.</summary>
    public ulong ReplayEnd { get; private set; }

    /// <summary>The oldest seq still needed, from that jset.</summary>
    public ulong LastSeq { get; private set; }

    /// <summary>Jsets read, valid ones only.</summary>
    public IReadOnlyList<Jset> Jsets { get; private set; } = [];

    /// <summary>The newest root per btree id in the window.</summary>
    public Dictionary<int, RootEntry> Roots { get; } = [];

    /// <summary>Blacklisted ranges [start, end) from the window's blacklist entries.</summary>
    public List<(ulong Start, ulong End)> Blacklist { get; } = [];

    /// <summary>
    /// Per btree id and level, the newest journal key per position (deleted ones included), sorted: leaf keys at
    /// level 0, child pointers of interior nodes above.
    /// </summary>
    public Dictionary<(int Btree, int Level), BcachefsKey[]> Overlay { get; } = [];

    /// <summary>Problems with the journal's entries.</summary>
    public List<BcachefsProblem> Problems { get; } = [];

    /// <summary>Works out the window, roots, blacklist and overlay from the jsets read.</summary>
    public static JournalState Build(IEnumerable<Jset> read, IReadOnlyList<(ulong Start, ulong End)> superblockBlacklist)
    {
        var state = new JournalState();
        var jsets = read.GroupBy(j => j.Seq).Select(g => g.First()).OrderBy(j => j.Seq).ToList();
        state.Jsets = jsets;
        var newestFlush = jsets.LastOrDefault(j => !j.NoFlush);
        if (newestFlush is null) return state;
        state.ReplayEnd = newestFlush.Seq;
        state.LastSeq = newestFlush.LastSeq;
        if (state.LastSeq > state.ReplayEnd)
        {
            state.Problems.Add(new BcachefsProblem("journal", null, null, newestFlush.ByteOffset + 48, $"jset seq {newestFlush.Seq} has last_seq {newestFlush.LastSeq}, above its own seq"));
            state.LastSeq = state.ReplayEnd;
        }
        var window = jsets.Where(j => j.Seq >= state.LastSeq && j.Seq <= state.ReplayEnd).ToList();
        var parsed = window.Select(j => (Jset: j, Entries: ParseEntries(j, state.Problems))).ToList();
        foreach (var (jset, entries) in parsed)
            foreach (var entry in entries)
                state.AddBlacklist(jset, entry);
        var blacklist = new Nodes.JournalSeqBlacklist([.. superblockBlacklist, .. state.Blacklist]);
        state.ReportGaps(window, blacklist);
        var overlay = new List<((int, int) Node, BcachefsKey Key, ulong Seq, int Order)>();
        foreach (var (jset, entries) in parsed)
        {
            if (blacklist.Contains(jset.Seq)) continue;
            foreach (var entry in entries)
            {
                if (entry.Type == JsetEntry.BtreeRoot)
                {
                    var root = RootEntry.TryParse(entry, jset.EntriesOffset + entry.Offset + 8, out var problem);
                    if (root is null) state.Problems.Add(new BcachefsProblem("journal", BcachefsNames.Btree(entry.BtreeId), entry.Level, jset.EntriesOffset + entry.Offset, $"jset seq {jset.Seq}: btree_root: {problem}"));
                    else state.Roots[root.BtreeId] = root;
                }
                else if (entry.Type == JsetEntry.BtreeKeys)
                {
                    state.AddKeys(jset, entry, overlay);
                }
            }
        }
        foreach (var group in overlay.GroupBy(o => o.Node))
        {
            // Newest per position: sort by position, then seq and order in the jset; keep the last of each run.
            var sorted = group.OrderBy(o => o.Key.Position).ThenBy(o => o.Seq).ThenBy(o => o.Order).ToList();
            var keys = new List<BcachefsKey>();
            for (var i = 0; i < sorted.Count; i++)
                if (i + 1 == sorted.Count || sorted[i + 1].Key.Position != sorted[i].Key.Position) keys.Add(sorted[i].Key);
            state.Overlay[group.Key] = [.. keys];
        }
        return state;
    }

    /// <summary>
    /// Within the replay window every seq has its jset (one per write, consecutive) unless blacklisted; a missing one
    /// was lost, for instance to a damaged magic that ended its bucket early. Older jsets may be long overwritten.
    /// </summary>
    private void ReportGaps(List<Jset> window, Nodes.JournalSeqBlacklist blacklist)
    {
        const ulong MaxWindow = 1 << 20; // far more writes than any journal holds
        var where = window.Count > 0 ? window[0].ByteOffset : -1;
        if (ReplayEnd - LastSeq >= MaxWindow)
        {
            Problems.Add(new BcachefsProblem("journal", null, null, where, $"the replay window {LastSeq}..{ReplayEnd} spans more seqs than a journal can hold"));
            return;
        }
        var present = window.Select(j => j.Seq).ToHashSet();
        var missing = new List<ulong>();
        for (var seq = LastSeq; seq <= ReplayEnd; seq++)
            if (!present.Contains(seq) && !blacklist.Contains(seq)) missing.Add(seq);
        if (missing.Count > 0)
            Problems.Add(new BcachefsProblem("journal", null, null, where,
                $"{missing.Count} journal seq(s) of the replay window {LastSeq}..{ReplayEnd} are missing, from {missing[0]} to {missing[^1]}: a jset is damaged or lost"));
    }

    private static List<JsetEntry> ParseEntries(Jset jset, List<BcachefsProblem> problems)
    {
        var entries = JsetEntry.Parse(jset.Entries, out var problem);
        if (problem is { } p) problems.Add(new BcachefsProblem("journal", null, null, jset.EntriesOffset + p.Byte, $"jset seq {jset.Seq}: {p.Text}"));
        return entries;
    }

    private void AddBlacklist(Jset jset, JsetEntry entry)
    {
        var payload = entry.Payload.Span;
        var where = jset.EntriesOffset + entry.Offset;
        if (entry.Type == JsetEntry.Blacklist)
        {
            if (payload.Length < 8) { Problems.Add(new BcachefsProblem("journal", null, null, where, $"jset seq {jset.Seq}: a blacklist entry without its seq")); return; }
            var seq = System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(payload);
            if (seq != ulong.MaxValue) Blacklist.Add((seq, seq + 1));
        }
        else if (entry.Type == JsetEntry.BlacklistV2)
        {
            if (payload.Length < 16) { Problems.Add(new BcachefsProblem("journal", null, null, where, $"jset seq {jset.Seq}: a blacklist_v2 entry without its range")); return; }
            var start = System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(payload);
            var end = System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(payload[8..]);
            if (end < start || end == ulong.MaxValue) { Problems.Add(new BcachefsProblem("journal", null, null, where, $"jset seq {jset.Seq}: blacklist_v2 range [{start}, {end}] is empty or unbounded")); return; }
            Blacklist.Add((start, end + 1));
        }
    }

    /// <summary>
    /// The unpacked keys of a btree_keys entry. Accounting leaf keys are deltas to add, not values that replace, and
    /// are left out; pointers for interior nodes are checked here so that a bad one is reported where it lies.
    /// </summary>
    private void AddKeys(Jset jset, JsetEntry entry, List<((int, int) Node, BcachefsKey Key, ulong Seq, int Order)> overlay)
    {
        if (entry.BtreeId >= BcachefsNames.Btrees.Length)
        {
            Problems.Add(new BcachefsProblem("journal", null, null, jset.EntriesOffset + entry.Offset, $"jset seq {jset.Seq}: keys for btree {entry.BtreeId}, which 1.36 does not have"));
            return;
        }
        if (entry.Level > 3)
        {
            Problems.Add(new BcachefsProblem("journal", BcachefsNames.Btree(entry.BtreeId), entry.Level, jset.EntriesOffset + entry.Offset, $"jset seq {jset.Seq}: keys for level {entry.Level}; btrees have at most 4 levels"));
            return;
        }
        if (entry.BtreeId == 20 && entry.Level == 0) return;
        var payload = entry.Payload;
        for (var at = 0; at < payload.Length;)
        {
            var span = payload.Span[at..];
            var where = jset.EntriesOffset + entry.Offset + 8 + at;
            var length = span[0] * 8;
            if (length < Bkey.ByteCount || length > span.Length || span[1] != Bkey.FormatCurrent)
            {
                Problems.Add(new BcachefsProblem("journal", BcachefsNames.Btree(entry.BtreeId), entry.Level, where, $"jset seq {jset.Seq}: a journal key of u64s {span[0]} and format {span[1] & 0x7F} does not fit its entry or is not unpacked"));
                return;
            }
            var key = Bkey.Read(span);
            var value = payload.Slice(at + Bkey.ByteCount, length - Bkey.ByteCount);
            at += length;
            if (entry.Level > 0 && key.Type != 0 && BtreePointer.TryParse(key.Position, key.Type, value.Span, out var problem) is null)
            {
                Problems.Add(new BcachefsProblem("journal", BcachefsNames.Btree(entry.BtreeId), entry.Level, where, $"jset seq {jset.Seq}: an interior key at {key.Position}: {problem}"));
                continue;
            }
            overlay.Add(((entry.BtreeId, entry.Level), new BcachefsKey(key.Position, key.Size, key.Version.Hi, key.Version.Lo, key.Type, value), jset.Seq, overlay.Count));
        }
    }
}
