using System.Diagnostics.CodeAnalysis;
using Packtree.Keys;
using Packtree.Nodes;
using Packtree.Storage;
using Packtree.Trees;

namespace Packtree;

// The catalogue of named trees: creating one (a commit of its own), finding one, and the rules for names.
public sealed partial class Store
{
    /// <summary>The names of the store's trees, in creation order.</summary>
    public IReadOnlyList<string> TreeNames
    {
        get
        {
            EnterRead();
            try
            {
                return [.. _trees.Values.OrderBy(t => t.Id).Select(t => t.Name)];
            }
            finally
            {
                ExitRead();
            }
        }
    }

    /// <summary>
    /// The tree called <paramref name="name"/>, created empty if there is none. On disk the creation is
    /// a commit of its own, durable when this returns; an empty tree takes no node on disk.
    /// </summary>
    /// <exception cref="ArgumentException">The name is empty, over 255 UTF-8 bytes, holds control characters, or is not valid UTF-16 (an unpaired surrogate).</exception>
    /// <exception cref="InvalidOperationException">The store holds as many trees as it can (the superblock's tree list is full, or the ids are used up); nothing is created.</exception>
    public Tree GetOrCreateTree(string name) => GetOrCreateTree(name, KeyKind.Positions);

    /// <summary>
    /// The tree called <paramref name="name"/>, created empty with keys of <paramref name="keys"/> if there is none
    /// (a commit of its own, durable when this returns). A tree keeps the kind of keys it was created with.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// The name is empty, over 255 UTF-8 bytes, holds control characters, or is not valid UTF-16; or a tree of that
    /// name exists with another kind of keys; or the store's nodes are too small for such keys.
    /// </exception>
    /// <exception cref="InvalidOperationException">The store holds as many trees as it can (the superblock's tree list is full, or the ids are used up); nothing is created.</exception>
    public Tree GetOrCreateTree(string name, KeyKind keys) => GetOrCreate(name, keys, null);

    /// <summary>
    /// The tree called <paramref name="name"/>, created empty with keys of <paramref name="keys"/> and values kept as
    /// <paramref name="options"/> say if there is none (a commit of its own, durable when this returns). A tree keeps
    /// the kind of keys and the options it was created with.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// The name is not valid; or a tree of that name exists with another kind of keys or other options; or an option is
    /// out of range (the leaf limit above what the tree's leaves take, a compression that names no method).
    /// </exception>
    /// <exception cref="InvalidOperationException">The store holds as many trees as it can; nothing is created.</exception>
    public Tree GetOrCreateTree(string name, KeyKind keys, TreeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return GetOrCreate(name, keys, options);
    }

    private Tree GetOrCreate(string name, KeyKind keys, TreeOptions? options)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(keys);
        if (Superblock.NameProblem(name) is { } problem) throw new ArgumentException($"'{name}' cannot name a tree: {problem}.", nameof(name));
        var settings = options is null ? default : SettingsOf(name, keys, options);
        if (TryGetTree(name, out var existing)) return SameOptions(SameKind(existing, keys), options, settings);
        ulong seq;
        Tree tree;
        EnterCommit();
        try
        {
            if (_trees.TryGetValue(name, out existing)) return SameOptions(SameKind(existing, keys), options, settings);
            var id = NextTreeId();
            CheckTreeFits(name, id, keys.Schema);
            tree = new Tree(this, name, new Btree(_persistence.NodesForNewTree(), id, keys.Schema), settings);
            var commit = new CreateTreeCommit(this, tree, Superblock.StrictUtf8.GetBytes(name));
            seq = CommitLocked(ref commit);
        }
        finally
        {
            ExitCommit();
        }
        _persistence.WaitDurable(seq); // a tree's creation is always durable before it is used
        return tree;
    }

    /// <summary>
    /// The tree called <paramref name="name"/> with typed keys of <paramref name="shape"/>, created empty if there is
    /// none (as <see cref="GetOrCreateTree(string, KeyKind)"/>).
    /// </summary>
    /// <exception cref="ArgumentException">The name is not valid, or a tree of that name has another kind of keys.</exception>
    public Tree<TKey> GetOrCreateTree<TKey>(string name, KeyShape<TKey> shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        return new Tree<TKey>(GetOrCreateTree(name, shape.KeyKind), shape);
    }

    /// <summary>
    /// The tree called <paramref name="name"/> with typed keys of <paramref name="shape"/> and values kept as
    /// <paramref name="options"/> say, created empty if there is none (as <see cref="GetOrCreateTree(string, KeyKind, TreeOptions)"/>).
    /// </summary>
    /// <exception cref="ArgumentException">The name or an option is not valid, or a tree of that name has another kind of keys or other options.</exception>
    public Tree<TKey> GetOrCreateTree<TKey>(string name, KeyShape<TKey> shape, TreeOptions options)
    {
        ArgumentNullException.ThrowIfNull(shape);
        return new Tree<TKey>(GetOrCreateTree(name, shape.KeyKind, options), shape);
    }

    /// <summary>The settings <paramref name="options"/> ask of a tree of <paramref name="keys"/>, checked.</summary>
    private TreeSettings SettingsOf(string name, KeyKind keys, TreeOptions options)
    {
        if (!Enum.IsDefined(options.Compression))
            throw new ArgumentException($"Tree '{name}': compression {(int)options.Compression} names no method.", nameof(options));
        var leaves = TreeValues.MaxBytesFor(Options.NodeBytes, keys.Schema);
        if (options.MaxInlineValueBytes is { } limit && (limit < 0 || limit > leaves))
            throw new ArgumentException($"Tree '{name}': MaxInlineValueBytes is {limit}; its leaves take values of 0 to {leaves} bytes.", nameof(options));
        return new TreeSettings((byte)options.Compression, options.MaxInlineValueBytes);
    }

    private static Tree SameOptions(Tree tree, TreeOptions? options, TreeSettings settings) => options is null || tree.Settings == settings ? tree
        : throw new ArgumentException($"Tree '{tree.Name}' was created with {tree.Options}, not {options}: a tree keeps the options it was created with.", nameof(options));

    private static Tree SameKind(Tree tree, KeyKind keys) => tree.KeyKind.Equals(keys) ? tree
        : throw new ArgumentException($"Tree '{tree.Name}' holds {tree.KeyKind} keys, not {keys}: a tree keeps the kind of keys it was created with.", nameof(keys));

    /// <summary>Refuses a tree the store cannot record, before anything changes.</summary>
    private void CheckTreeFits(string name, uint id, KeySchema schema)
    {
        if (id >= Superblock.ValuesTreeId)
            throw new InvalidOperationException($"The store has used all {Superblock.ValuesTreeId - 1} tree ids; tree '{name}' cannot be created.");
        if (!_persistence.IsPersistent) return; // only the superblock's tree list is bounded
        var listBytes = _treesById.Values.Sum(t => Superblock.RecordBytes(t.Name, t.Btree.Schema));
        var needed = Superblock.RecordBytes(name, schema);
        if (listBytes + needed > Superblock.TreeListCapacity)
            throw new InvalidOperationException($"The store's tree list is full: its {_trees.Count} trees take {listBytes} of the superblock's {Superblock.TreeListCapacity} bytes, and tree '{name}' needs {needed} more ({Superblock.TreeRecordBytes} plus its name's UTF-8 bytes); nothing was created.");
    }

    private uint NextTreeId() => _treesById.Count == 0 ? 1 : _treesById.Keys.Max() + 1;

    /// <summary>The tree called <paramref name="name"/>, if the store has one.</summary>
    public bool TryGetTree(string name, [NotNullWhen(true)] out Tree? tree)
    {
        ArgumentNullException.ThrowIfNull(name);
        EnterRead();
        try
        {
            return _trees.TryGetValue(name, out tree);
        }
        finally
        {
            ExitRead();
        }
    }

    internal Tree? TreeById(uint id) => _treesById.GetValueOrDefault(id);

    private void AddTree(Tree tree)
    {
        _trees.Add(tree.Name, tree);
        _treesById.Add(tree.Id, tree);
    }
}
