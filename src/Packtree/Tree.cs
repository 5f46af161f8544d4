using Packtree.Keys;
using Packtree.Trees;

namespace Packtree;

/// <summary>
/// One named tree of a store: an ordered map from keys of its <see cref="KeyKind"/> — bcachefs positions
/// (<see cref="Bpos"/>) or byte strings — to byte values of 0 to <see cref="MaxValueBytes"/> bytes. Every method is
/// safe to call from many threads at once (see <see cref="Store"/> for the locking scheme). The methods taking a
/// <see cref="Bpos"/> are for position trees and those taking key bytes for byte-key trees; a key of the other kind
/// is refused naming the tree.
/// </summary>
public sealed partial class Tree
{
    internal Tree(Store store, string name, Btree btree, Storage.TreeSettings settings = default)
    {
        Store = store;
        Name = name;
        Btree = btree;
        KeyKind = KeyKind.Of(btree.Schema);
        Settings = settings;
        if (store.Options.WriteBufferBytes > 0) Buffer = new WriteBuffer();
        Options = new TreeOptions { MaxInlineValueBytes = settings.MaxInlineValueBytes, Compression = (ValueCompression)settings.Compression };
    }

    /// <summary>How the tree keeps its values (given at its creation).</summary>
    public TreeOptions Options { get; }

    /// <summary>The options as the store file keeps them.</summary>
    internal Storage.TreeSettings Settings { get; }

    /// <summary>The tree's name in its store.</summary>
    public string Name { get; }

    /// <summary>The store the tree belongs to.</summary>
    public Store Store { get; }

    /// <summary>The tree's btree id (written in each of its nodes).</summary>
    public uint Id => Btree.Id;

    /// <summary>What the tree's keys are: positions or byte strings (and their longest length), fixed at creation.</summary>
    public KeyKind KeyKind { get; }

    /// <summary>The largest value the tree takes: the store's <see cref="StoreOptions.MaxValueBytes"/> (1 GiB by default).</summary>
    public int MaxValueBytes => Store.Options.MaxValueBytes;

    /// <summary>
    /// The largest value kept in the tree's leaves, beside its key: 2,000 bytes (bcachefs's 250 value words) for position
    /// keys with nodes of 16 KiB or more, less beside long byte keys. Longer values are kept out of line, in data
    /// buckets, the leaf holding a reference to them.
    /// </summary>
    public int MaxInlineValueBytes => Settings.MaxInlineValueBytes ?? Btree.MaxValueBytes;

    internal Btree Btree { get; }

    /// <summary>
    /// Applies one update of commit <paramref name="seq"/>, the write lock held: a put, or with
    /// <paramref name="delete"/> a deletion; for a deletion, true when a value was there. Commits, batches and replay all
    /// change a tree here, so each change carries its commit's number into the nodes it touches. A tree with a write
    /// buffer takes the update there (docs/DESIGN.md §6.6): it reaches the btree in the buffer's next sorted batch.
    /// </summary>
    /// <remarks>
    /// With <paramref name="reference"/>, the value is a <see cref="ValueReference"/> whose extents the same commit
    /// applied. A value kept out of line that is replaced or deleted has its extents dropped here, so that replay,
    /// which comes here too, drops them alike.
    /// </remarks>
    internal bool Apply(ulong seq, ReadOnlySpan<ulong> key, ReadOnlySpan<byte> value, bool delete, bool reference = false)
    {
        var large = Store.Large;
        var owns = large.MayOwn(Id);
        if (Buffer is { } buffer)
        {
            if (!reference && !owns) return AddToBuffer(buffer, seq, key, value, delete);
            ApplyBuffer(); // a value kept out of line goes straight to the btree: what the buffer holds goes first
        }
        return ApplyToBtree(seq, key, value, delete, reference, owns);
    }

    /// <summary>Applies one update to the btree itself (write lock held); true when a value was there.</summary>
    private bool ApplyToBtree(ulong seq, ReadOnlySpan<ulong> key, ReadOnlySpan<byte> value, bool delete, bool reference, bool owns)
    {
        Btree.JournalSeq = seq;
        var large = Store.Large;
        if (owns && Btree.TryFind(key, out var leaf, out var at) && leaf.TypeAt(at) == TreeValues.ReferenceType)
        {
            var old = ValueReference.Read(Btree.ValueOf(leaf, at));
            large.Drop(seq, old);
            Btree.JournalSeq = seq;
        }
        if (delete) return Btree.Delete(key);
        return reference ? Btree.PutReference(key, value) : Btree.Put(key, value);
    }

    /// <summary>Number of keys.</summary>
    public long Count
    {
        get
        {
            Store.EnterRead();
            try
            {
                return Btree.Count + BufferedCountChange();
            }
            finally
            {
                Store.ExitRead();
            }
        }
    }

    /// <summary>Stores <paramref name="value"/> at <paramref name="key"/>, replacing any value there; one commit.</summary>
    /// <exception cref="ValueTooLargeException">The value is larger than <see cref="MaxValueBytes"/>.</exception>
    /// <exception cref="ArgumentException">The tree's keys are not positions.</exception>
    public void Put(Bpos key, ReadOnlySpan<byte> value)
    {
        CheckValue(value.Length);
        Span<ulong> fields = stackalloc ulong[BkeyFields.PositionCount];
        PositionKey(key, fields);
        PutByFields(fields, value);
    }

    /// <summary>Deletes the value at <paramref name="key"/>; false when there was none. One commit.</summary>
    /// <exception cref="ArgumentException">The tree's keys are not positions.</exception>
    public bool Delete(Bpos key)
    {
        Span<ulong> fields = stackalloc ulong[BkeyFields.PositionCount];
        PositionKey(key, fields);
        return Store.Delete(this, fields);
    }

    /// <summary>
    /// Copies the value at <paramref name="key"/> into <paramref name="destination"/> without allocating;
    /// <paramref name="length"/> is its size. A destination of <see cref="MaxValueBytes"/> always suffices.
    /// </summary>
    /// <returns>False when the tree has no value at the key.</returns>
    /// <exception cref="ArgumentException">The value is longer than <paramref name="destination"/> (nothing is copied; the message gives both sizes), or the tree's keys are not positions.</exception>
    public bool TryGet(Bpos key, Span<byte> destination, out int length)
    {
        Span<ulong> fields = stackalloc ulong[BkeyFields.PositionCount];
        PositionKey(key, fields);
        return TryGetByFields(fields, destination, out length);
    }

    /// <summary>The value at <paramref name="key"/> as a new array, or null when there is none.</summary>
    /// <exception cref="ArgumentException">The tree's keys are not positions.</exception>
    public byte[]? Get(Bpos key)
    {
        Span<ulong> fields = stackalloc ulong[BkeyFields.PositionCount];
        PositionKey(key, fields);
        return GetByFields(fields);
    }

    /// <summary>Whether the tree has a value at <paramref name="key"/>.</summary>
    /// <exception cref="ArgumentException">The tree's keys are not positions.</exception>
    public bool Contains(Bpos key)
    {
        Span<ulong> fields = stackalloc ulong[BkeyFields.PositionCount];
        PositionKey(key, fields);
        return ContainsByFields(fields);
    }

    /// <summary>A cursor over the tree, not yet positioned; reuse it for many seeks and scans.</summary>
    public Cursor CreateCursor() => new(this);

    /// <summary>
    /// The keys in <paramref name="range"/> in order (descending when <paramref name="reverse"/>), with
    /// their values; <c>foreach</c> over it allocates nothing per key. Each entry is valid until the next.
    /// </summary>
    /// <exception cref="ArgumentException">The range is of positions and the tree's keys are not.</exception>
    public ScanEnumerable Scan(KeyRange range, bool reverse = false) => new(CreateCursor(), ScanRange.Of(range).For(this), reverse);

    /// <summary>Every key in order (or reversed), whatever the tree's keys are.</summary>
    public ScanEnumerable Scan(bool reverse = false) => new(CreateCursor(), ScanRange.All, reverse);

    /// <summary>Checks every invariant of the tree's structure (docs/DESIGN.md §6.4) and returns its shape.</summary>
    /// <exception cref="InvalidOperationException">An invariant is broken; the message says where.</exception>
    /// <exception cref="CorruptStoreException">The tree's key count, read from the store file at the last checkpoint, disagrees with its leaves, or a node read is damaged: the file is damaged.</exception>
    internal TreeShape Verify() => Verify(null);

    /// <summary>As <see cref="Verify()"/>, also counting the nodes of each key format into <paramref name="formats"/>.</summary>
    /// <remarks>The store's write buffers are applied first: the shape is of the whole tree.</remarks>
    internal TreeShape Verify(IDictionary<string, int>? formats)
    {
        Store.EnterReadWithBuffersApplied();
        try
        {
            return Btree.Verify(formats);
        }
        finally
        {
            Store.ExitRead();
        }
    }

    internal void CheckValue(int length)
    {
        if (length > MaxValueBytes) throw new ValueTooLargeException(Name, MaxValueBytes, length);
    }

    /// <summary>Whether a value of <paramref name="length"/> bytes is kept out of line.</summary>
    internal bool IsLarge(long length) => length > MaxInlineValueBytes;

    /// <inheritdoc />
    public override string ToString() => $"tree '{Name}' (id {Id})";
}
