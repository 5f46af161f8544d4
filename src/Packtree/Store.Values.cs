using Packtree.Keys;
using Packtree.Storage;
using Packtree.Trees;

namespace Packtree;

// Space of values kept out of line comes back: when the data buckets hold much more than the live data, the live
// pieces of the sparsest buckets are copied out (as bcachefs's copying garbage collector does) and the emptied
// buckets freed; a store file then checkpoints often enough for freed buckets to be reused.
public sealed partial class Store
{
    /// <summary>Data buckets may take this many times the live data (plus a few buckets) before pieces are moved.</summary>
    private const double SparseRatio = 1.25;

    private int _compacting;

    /// <summary>Runs <see cref="CompactValuesIfSparse"/> at the end of a scope (a batch's commit, which may drop values).</summary>
    private readonly struct CompactAfter(Store store) : IDisposable
    {
        public void Dispose() => store.CompactValuesIfSparse();
    }

    /// <summary>
    /// After a commit that may have dropped values kept out of line: when the buckets holding data are sparse, moves the
    /// live pieces of the sparsest ones (at most 64 buckets a round) to the open bucket in one commit. One thread at a time;
    /// a failure leaves the pieces where they were.
    /// </summary>
    internal void CompactValuesIfSparse()
    {
        if (IsReadOnly || _disposed || !Large.Data.IsFragmented(SparseRatio)) return;
        if (Interlocked.Exchange(ref _compacting, 1) == 1) return;
        try
        {
            List<ExtentMove> moves;
            EnterRead();
            try
            {
                moves = Large.CopyOut(Large.Data.SparseBuckets(64));
            }
            finally
            {
                ExitRead();
            }
            if (moves.Count == 0) return;
            var commit = new MoveCommit(this, moves);
            try
            {
                Commit(ref commit, null);
            }
            catch when (!commit.Applied)
            {
                Large.Abandon(commit.Kept);
                throw;
            }
        }
        finally
        {
            Volatile.Write(ref _compacting, 0);
        }
    }

    /// <summary>
    /// Pieces moved out of sparse buckets: only those whose extent is still what was copied (checked under the write
    /// lock, when the entry is built: a value dropped meanwhile keeps no copy), journaled as puts in the values tree.
    /// </summary>
    private struct MoveCommit(Store store, List<ExtentMove> moves) : IWrittenCommit
    {
        private List<ExtentMove>? _kept;
        private List<JournalRecord>? _records;

        public bool Applied { get; private set; }

        /// <summary>The moves still valid (the others' copies are given up).</summary>
        public List<ExtentMove> Kept => _kept ??= Keep();

        private readonly List<ExtentMove> Keep()
        {
            var large = store.Large;
            Span<ulong> key = stackalloc ulong[BkeyFields.PositionCount];
            var kept = new List<ExtentMove>(moves.Count);
            foreach (var move in moves)
            {
                KeyFields.FromPosition(move.Key, key);
                if (large.CurrentExtent(key) == move.From) kept.Add(move);
                else large.Abandon([move]);
            }
            return kept;
        }

        private List<JournalRecord> Records => _records ??= [.. Kept.Select(m => new JournalRecord(JournalOp.Put, LargeValues.TreeId, m.Key, m.To.ToBytes()))];

        public long EntryBytes => JournalEntry.Bytes(Records);

        public void AppendTo(Journal journal, ulong seq) => journal.Append(seq, Records);

        public void Apply(ulong seq)
        {
            Applied = true;
            Span<ulong> key = stackalloc ulong[BkeyFields.PositionCount];
            foreach (var move in Kept)
            {
                KeyFields.FromPosition(move.Key, key);
                store.Large.Apply(seq, key, move.To.ToBytes(), written: true);
            }
        }
    }
}
