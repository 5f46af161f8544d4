using Packtree.Storage;
using Packtree.Trees;

namespace Packtree;

// Space of values kept out of line comes back: when the data buckets hold much more than the live data, the live
// pieces of the sparsest buckets are copied out (as bcachefs's copying garbage collector does) and the emptied
// buckets freed; a store file then checkpoints often enough for freed buckets to be reused. Moves are not commits:
// the store's commit numbers stay its users'.
public sealed partial class Store
{
    /// <summary>Data buckets may take this many times the live data (plus a few buckets) before pieces are moved...</summary>
    private const double SparseRatio = 1.25;

    /// <summary>...and a round of moves brings them down to this.</summary>
    private const double CompactedRatio = 1.1;

    private int _compacting;

    /// <summary>
    /// After a commit that may have dropped values kept out of line: when the buckets holding data are sparse, moves the
    /// live pieces of the sparsest ones to the open bucket, until they are down to 1.1 times the live data (at most 256
    /// buckets a round). One thread at a time;
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
                moves = Large.CopyOut(Large.Data.SparseBuckets(CompactedRatio, 256));
            }
            finally
            {
                ExitRead();
            }
            if (moves.Count == 0) return;
            MoveLocked(moves);
        }
        finally
        {
            Volatile.Write(ref _compacting, 0);
        }
    }

    /// <summary>
    /// Points the values tree at the copies, under the write lock, for the pieces whose extent is still what was copied
    /// (a value dropped meanwhile keeps no copy). Not journaled, so that a store's commits stay its users' own: until
    /// the next checkpoint writes the values tree, the emptied buckets still hold the pieces (a freed bucket waits two
    /// checkpoints), so a crash before it leaves the pieces where they were, as the journal says.
    /// </summary>
    private void MoveLocked(List<ExtentMove> moves)
    {
        try
        {
            EnterWrite();
        }
        catch
        {
            Large.Abandon(moves);
            throw;
        }
        try
        {
            foreach (var move in moves) Large.Move(_commitSeq, move);
        }
        finally
        {
            ExitWrite();
        }
    }
}
