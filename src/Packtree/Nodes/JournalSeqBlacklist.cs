namespace Packtree.Nodes;

/// <summary>
/// Journal sequence numbers whose entries never reached disk before a crash (docs/DESIGN.md §3.6): recovery records
/// them so that a node write holding such updates is skipped on read, which keeps the global order of
/// updates. Half-open ranges [start, end), as bcachefs's superblock field keeps them.
/// </summary>
internal sealed class JournalSeqBlacklist
{
    private readonly List<(ulong Start, ulong End)> _ranges = [];

    /// <summary>An empty blacklist: no sequence number is blacklisted.</summary>
    public static JournalSeqBlacklist Empty { get; } = new();

    /// <summary>The ranges, sorted and merged.</summary>
    public IReadOnlyList<(ulong Start, ulong End)> Ranges => _ranges;

    /// <summary>A blacklist of the given half-open ranges; they may overlap and come in any order.</summary>
    /// <exception cref="ArgumentException">A range whose end is not above its start.</exception>
    public JournalSeqBlacklist(IEnumerable<(ulong Start, ulong End)>? ranges = null)
    {
        if (ranges is null) return;
        foreach (var (start, end) in ranges.OrderBy(r => r.Start))
        {
            if (end <= start) throw new ArgumentException($"The blacklisted range [{start}, {end}) is empty: its end must be above its start.", nameof(ranges));
            if (_ranges.Count > 0 && start <= _ranges[^1].End) _ranges[^1] = (_ranges[^1].Start, Math.Max(end, _ranges[^1].End));
            else _ranges.Add((start, end));
        }
    }

    /// <summary>Whether <paramref name="journalSeq"/> lies in a blacklisted range.</summary>
    public bool Contains(ulong journalSeq)
    {
        int low = 0, high = _ranges.Count - 1;
        while (low <= high)
        {
            var mid = (low + high) >>> 1;
            if (journalSeq < _ranges[mid].Start) high = mid - 1;
            else if (journalSeq >= _ranges[mid].End) low = mid + 1;
            else return true;
        }
        return false;
    }
}
