using Packtree.Keys;
using Packtree.Storage;
using Packtree.Trees;

namespace Packtree;

// The one commit path: every change (a put, a delete, a batch, a tree's creation) is numbered, journaled
// (on disk) before it is applied, applied under the write lock, and then made durable if asked.
public sealed partial class Store
{
    /// <summary>Applies every update of <paramref name="batch"/> atomically: a reader sees all of them or none, and after a crash all or none survive.</summary>
    /// <param name="batch">The updates.</param>
    /// <param name="durability">When to return (on disk); the store's <see cref="StoreOptions.Durability"/> by default.</param>
    /// <exception cref="ArgumentException">The batch names a tree of another store.</exception>
    public void Write(WriteBatch batch, Durability? durability = null)
    {
        ArgumentNullException.ThrowIfNull(batch);
        batch.CheckTrees(this);
        if (batch.Count == 0) return;
        ThrowIfCannotWrite();
        var large = batch.WriteLargeValues(this);
        var commit = new BatchCommit(batch, large);
        if (large is null) Commit(ref commit, durability);
        else CommitWritten(ref commit, () => { foreach (var value in large) if (value is not null) Large.Abandon(value); }, durability);
    }

    /// <summary>Puts one value as one commit.</summary>
    internal void Put(Tree tree, ReadOnlySpan<ulong> key, ReadOnlySpan<byte> value)
    {
        var commit = new PutCommit(tree, key, value);
        Commit(ref commit, null);
    }

    /// <summary>
    /// Puts one value kept out of line as one commit: its bytes are written to data buckets first, outside the write
    /// lock, then its extents and the reference are journaled and applied together.
    /// </summary>
    internal void PutLarge(Tree tree, ReadOnlySpan<ulong> key, ReadOnlySpan<byte> value)
    {
        ThrowIfCannotWrite();
        PutWritten(tree, key, Large.Write(value, tree.Id, tree.Settings.Compression));
    }

    /// <summary>Commits a value kept out of line whose data is written (given up if the commit does not happen).</summary>
    internal void PutWritten(Tree tree, ReadOnlySpan<ulong> key, PendingValue value)
    {
        var commit = new LargePutCommit(tree, key.ToArray(), value);
        CommitWritten(ref commit, () => Large.Abandon(value));
    }

    /// <summary>Deletes one key as one commit.</summary>
    internal bool Delete(Tree tree, ReadOnlySpan<ulong> key)
    {
        var commit = new DeleteCommit(tree, key);
        Commit(ref commit, null);
        return commit.Existed;
    }

    /// <summary>A commit of values whose data is written: if it does not happen, their data is given up.</summary>
    private void CommitWritten<T>(scoped ref T commit, Action abandon, Durability? durability = null) where T : struct, IWrittenCommit
    {
        try
        {
            Commit(ref commit, durability);
        }
        catch when (!commit.Applied)
        {
            abandon();
            throw;
        }
    }

    /// <summary>A commit from start to end: the write lock, then (lock released) durability.</summary>
    private void Commit<T>(scoped ref T commit, Durability? durability) where T : ICommit, allows ref struct
    {
        var when = durability ?? Options.Durability;
        EnterCommit();
        ulong seq;
        try
        {
            seq = CommitLocked(ref commit, when == Durability.Background);
        }
        finally
        {
            ExitCommit();
        }
        StoreMetrics.Commits.Add(1);
        Volatile.Write(ref _lastCommitTicks, Environment.TickCount64);
        if (when == Durability.Flush) _persistence.WaitDurable(seq);
        if (when != Durability.Flush || BufferedBytes > 0) _persistence.FlushWithin(); // the flush timer makes it durable, and applies buffers left idle
        CompactValuesIfSparse(); // the commit may have dropped values kept out of line
    }

    /// <summary>
    /// Numbers, journals and applies a commit (write lock held). Room is made first, so a commit too large
    /// for the journal is refused before anything changes; a failed journal write means the commit never
    /// happened, and its number is reused.
    /// </summary>
    private ulong CommitLocked<T>(scoped ref T commit, bool deferWrite = false) where T : ICommit, allows ref struct
    {
        var seq = _commitSeq + 1;
        if (_persistence.Journal is { } journal)
        {
            _persistence.MakeRoom(commit.EntryBytes, _treesById.Values, _commitSeq);
            journal.DeferWrite = deferWrite;
            commit.AppendTo(journal, seq);
        }
        _commitSeq = seq;
        commit.Apply(seq);
        _persistence.CommitApplied(_treesById.Values, _commitSeq);
        return seq;
    }

    /// <summary>Takes the write lock for a commit, telling the persistence first that a commit is on its way (group commit).</summary>
    private void EnterCommit()
    {
        _persistence.CommitArriving();
        try
        {
            EnterWrite();
        }
        catch
        {
            _persistence.CommitArrived();
            throw;
        }
    }

    private void ExitCommit()
    {
        ExitWrite();
        _persistence.CommitArrived();
    }

    /// <summary>What one commit changes: the size and bytes of its journal entry, and how it is applied.</summary>
    private interface ICommit
    {
        long EntryBytes { get; }

        void AppendTo(Journal journal, ulong seq);

        void Apply(ulong seq);
    }

    /// <summary>A commit of values whose data is written first: whether it was applied (its data is then the store's, whatever fails after).</summary>
    private interface IWrittenCommit : ICommit
    {
        bool Applied { get; }
    }

    /// <summary>Bytes of a one-record entry for a key of <paramref name="tree"/> and a value of <paramref name="valueBytes"/>: a key other than a position is kept as words before the value.</summary>
    private static long OneRecordBytes(Tree tree, ReadOnlySpan<ulong> key, int valueBytes) =>
        JournalEntry.Bytes(valueBytes + (tree.Btree.Schema.IsPositions ? 0 : 8 * key.Length));

    private readonly ref struct PutCommit(Tree tree, ReadOnlySpan<ulong> key, ReadOnlySpan<byte> value) : ICommit
    {
        private readonly ReadOnlySpan<ulong> _key = key;
        private readonly ReadOnlySpan<byte> _value = value;

        public long EntryBytes => OneRecordBytes(tree, _key, _value.Length);

        public void AppendTo(Journal journal, ulong seq) => journal.Append(seq, JournalOp.Put, tree.Id, tree.Btree.Schema, _key, _value);

        public void Apply(ulong seq)
        {
            tree.Apply(seq, _key, _value, delete: false);
            StoreMetrics.Puts.Add(1);
        }
    }

    private ref struct DeleteCommit(Tree tree, ReadOnlySpan<ulong> key) : ICommit
    {
        private readonly ReadOnlySpan<ulong> _key = key;

        public bool Existed { get; private set; }

        public readonly long EntryBytes => OneRecordBytes(tree, _key, 0);

        public readonly void AppendTo(Journal journal, ulong seq) => journal.Append(seq, JournalOp.Delete, tree.Id, tree.Btree.Schema, _key, []);

        public void Apply(ulong seq)
        {
            Existed = tree.Apply(seq, _key, [], delete: true);
            StoreMetrics.Deletes.Add(1);
        }
    }

    /// <summary>A value kept out of line: its extents' records, then the reference's.</summary>
    private struct LargePutCommit(Tree tree, ulong[] key, PendingValue value) : IWrittenCommit
    {
        private List<JournalRecord>? _records;

        public bool Applied { get; private set; }

        private List<JournalRecord> Records => _records ??= [.. LargeValues.Records(value, tree.Id, key, !tree.Btree.Schema.IsPositions)];

        public long EntryBytes => JournalEntry.Bytes(Records);

        public void AppendTo(Journal journal, ulong seq) => journal.Append(seq, Records);

        public void Apply(ulong seq)
        {
            Applied = true; // from here on the extents are claimed, even if applying fails part way
            tree.Store.ApplyLarge(seq, tree, key, value);
            StoreMetrics.Puts.Add(1);
        }
    }

    /// <summary>Applies a value kept out of line: its extents, then the reference in its tree (write lock held).</summary>
    internal void ApplyLarge(ulong seq, Tree tree, ReadOnlySpan<ulong> key, PendingValue value)
    {
        Span<ulong> at = stackalloc ulong[Keys.BkeyFields.PositionCount];
        foreach (var (offset, extent) in value.Extents)
        {
            Keys.KeyFields.FromPosition(new Bpos(value.Reference.Id, (ulong)offset, 0), at);
            Large.Apply(seq, at, extent.ToBytes(), written: true);
        }
        tree.Apply(seq, key, value.Reference.ToBytes(), delete: false, reference: true);
    }

    /// <summary>A batch; its journal records are built only when there is a journal.</summary>
    private struct BatchCommit(WriteBatch batch, PendingValue?[]? large) : IWrittenCommit
    {
        private List<JournalRecord>? _records;

        public bool Applied { get; private set; }

        public long EntryBytes => JournalEntry.Bytes(_records ??= batch.JournalRecords(large));

        public void AppendTo(Journal journal, ulong seq) => journal.Append(seq, _records ??= batch.JournalRecords(large));

        public void Apply(ulong seq)
        {
            Applied = true;
            batch.Apply(seq, large);
        }
    }

    /// <summary>A tree's creation: journaled with its name, applied by adding it to the catalogue.</summary>
    private readonly struct CreateTreeCommit(Store store, Tree tree, byte[] name) : ICommit
    {
        private JournalRecord Record => new(JournalOp.CreateTree, tree.Id, [], false, name, tree.Btree.Schema, Settings: tree.Settings);

        public long EntryBytes => JournalEntry.Bytes([Record]);

        public void AppendTo(Journal journal, ulong seq) => journal.Append(seq, [Record]);

        public void Apply(ulong seq) => store.AddTree(tree);
    }
}
