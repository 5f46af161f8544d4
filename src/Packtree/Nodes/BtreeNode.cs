using System.Text;
using Packtree.Codegen;
using Packtree.Keys;

namespace Packtree.Nodes;

/// <summary>
/// An in-memory btree node, bcachefs style: one node-sized buffer holding up to three bsets, each a
/// sorted run of keys packed in the node's format (or unpacked where a key does not fit); a read-only
/// aux tree on bsets that no longer change, a read-write aux table on the last one, which alone takes
/// inserts; whiteouts that must reach disk kept aside until the next write.
/// </summary>
/// <remarks>
/// Invariant (as in bcachefs): at most one live key per position across all bsets; an overwritten key
/// is marked deleted in place, so iteration needs no newest-wins tie-break. The partial class is split
/// by operation: iteration, insertion, writing, rewriting.
/// </remarks>
internal sealed partial class BtreeNode
{
    /// <summary>At most this many bsets in memory (bcachefs's <c>MAX_BSETS</c>).</summary>
    public const int MaxBsets = 3;

    /// <summary>A new bset is started once the last one holds this many bytes (bcachefs's write-set buffer).</summary>
    public const int WriteSetBytes = 4096;

    private readonly NodeCodec _codec;
    private readonly List<BsetState> _bsets = [];
    private readonly List<ulong[]> _whiteouts = []; // key fields of keys whose deletion must reach disk
    private byte[] _buffer;

    private BtreeNode(NodeCodec codec, NodeHeader header, ulong seq, byte[] buffer, int writtenSectors, KeyCodecOptions? options)
    {
        _codec = codec;
        _codecOptions = options ?? KeyCodecOptions.Default;
        Header = header;
        Seq = seq;
        _buffer = buffer;
        WrittenSectors = writtenSectors;
    }

    private readonly KeyCodecOptions _codecOptions;
    private NodeHeader _header = null!;

    /// <summary>Format, key range, btree and level.</summary>
    public NodeHeader Header
    {
        get => _header;
        private set
        {
            if (!ReferenceEquals(_header?.Format, value.Format)) Keys = KeyCodecFactory.Create(value.Format, _codecOptions);
            _header = value;
        }
    }

    /// <summary>The code that reads this node's keys (generic, byte-aligned, compiled or tiered, per the options).</summary>
    public KeyCodec Keys { get; private set; } = null!;

    /// <summary>The node's key format.</summary>
    public BkeyFormat Format => Header.Format;

    /// <summary>Changes whenever the node's bytes may have moved (insert, delete, write, rewrite, release): byte offsets taken at one generation are valid only in it.</summary>
    public long Generation { get; private set; }

    /// <summary>The node's identity on disk (every write carries it).</summary>
    public ulong Seq { get; private set; }

    /// <summary>Sectors of the node already on disk; 0 for a node never written (or just rewritten).</summary>
    public int WrittenSectors { get; private set; }

    /// <summary>Whether the node holds updates not yet written.</summary>
    public bool IsDirty => _bsets.Any(b => !b.Written && b.KeysEnd > b.KeysStart) || _whiteouts.Count > 0 || WrittenSectors == 0;

    /// <summary>Number of bsets in memory (1 to 3).</summary>
    public int BsetCount => _bsets.Count;

    /// <summary>Bytes of the live keys and their values (what a rewrite would keep, in the current packing).</summary>
    public int LiveBytes { get; private set; }

    /// <summary>Bytes of keys and values in all bsets, deleted keys included.</summary>
    public int UsedBytes => _bsets.Sum(b => b.KeysEnd - b.KeysStart);

    /// <summary>The node buffer, read-only (for measurements and dumps).</summary>
    public ReadOnlySpan<byte> RawBuffer => _buffer;

    /// <summary>Bytes of aux search structures: 4 per read-only tree node, 24 per read-write table entry.</summary>
    public int AuxBytes => _bsets.Sum(b => b.ReadOnly is { } tree ? 4 * tree.Size : 24 * b.Writable!.Table.Count);

    /// <summary>Read-only aux-tree nodes, and how many of them cannot decide by mantissa (they compare real keys).</summary>
    public (int Nodes, int Failed) AuxTreeFloats =>
        (_bsets.Sum(b => b.ReadOnly is { } t ? Math.Max(t.Size - 1, 0) : 0), _bsets.Sum(b => b.ReadOnly?.FailedCount ?? 0));

    /// <summary>Byte offsets of every key of every bset in buffer order (deleted keys included).</summary>
    public IEnumerable<int> KeyOffsets()
    {
        foreach (var bset in _bsets)
        {
            for (var at = bset.KeysStart; at < bset.KeysEnd; at += _buffer[at] * 8) yield return at;
        }
    }

    /// <summary>A new, empty node: one unwritten bset.</summary>
    public static BtreeNode Create(NodeCodec codec, NodeHeader header, ulong seq, KeyCodecOptions? options = null)
    {
        if (header.Magic != codec.Magic) throw new ArgumentException($"The header's magic {header.Magic:x16} is not the codec's {codec.Magic:x16}.", nameof(header));
        var node = new BtreeNode(codec, header, seq, NodeBuffers.Rent(codec.Geometry.NodeBytes), 0, options);
        node.StartWritableBset(header.Bytes);
        return node;
    }

    /// <summary>Reads a node from its on-disk bytes: the merged keys become one written bset, each marked needs_whiteout.</summary>
    /// <exception cref="CorruptNodeException">The bytes break a rule.</exception>
    public static BtreeNode Read(NodeCodec codec, ReadOnlySpan<byte> bytes, ulong seq, int sectorsWritten, string name, KeyCodecOptions? options = null,
        NodeExpectation? expected = null, JournalSeqBlacklist? blacklist = null, NodeKeyRules? rules = null, long? fileOffset = null)
    {
        var image = codec.Read(bytes, seq, sectorsWritten, name, expected, blacklist, rules, fileOffset);
        var buffer = NodeBuffers.Rent(codec.Geometry.NodeBytes);
        image.MergedKeys.CopyTo(buffer, image.Header.Bytes);
        var node = new BtreeNode(codec, image.Header, seq, buffer, image.SectorsRead, options);
        var end = image.Header.Bytes + image.MergedKeys.Length;
        SetNeedsWhiteout(buffer, image.Header.Bytes, end);
        node._bsets.Add(new BsetState(image.Header.Bytes, end, written: true, node.BuildTree(image.Header.Bytes, end), image.JournalSeq));
        node.LiveBytes = end - image.Header.Bytes; // the merge kept live keys only
        node.DebugVerify("a read");
        return node;
    }

    /// <summary>The bcachefs key (unpacked) and its value at byte <paramref name="at"/> of the buffer (positions only).</summary>
    internal (Bkey Key, ReadOnlyMemory<byte> Value) BkeyAt(int at)
    {
        var length = BsetKeys.Length(_buffer, at);
        var packed = BsetKeys.IsPacked(_buffer, at);
        Bkey key;
        if (packed) Keys.Unpack(_buffer.AsSpan(at, length), out key);
        else key = Bkey.Read(_buffer.AsSpan(at));
        var keyBytes = packed ? Format.KeyBytes : Bkey.ByteCount;
        return (key, _buffer.AsMemory(at + keyBytes, length - keyBytes));
    }

    /// <summary>The key fields of the key at byte <paramref name="at"/>.</summary>
    public void KeyAt(int at, Span<ulong> key) => BsetKeys.ReadKey(Format, _buffer, at, key);

    /// <summary>The key fields of the key at byte <paramref name="at"/>, as a new array.</summary>
    public ulong[] KeyAt(int at)
    {
        var key = new ulong[Header.Schema.KeyFieldCount];
        KeyAt(at, key);
        return key;
    }

    /// <summary>Keys and sizes per bset, then every live key: the node as a debug dump shows it.</summary>
    public override string ToString()
    {
        var text = new StringBuilder().AppendLine(Header.ToString());
        text.AppendLine($"  seq {Seq:x16}, {WrittenSectors} sectors written, {_whiteouts.Count} unwritten whiteouts");
        for (var i = 0; i < _bsets.Count; i++)
        {
            var bset = _bsets[i];
            text.AppendLine($"  bset {i}: bytes {bset.KeysStart}..{bset.KeysEnd}, {(bset.Written ? "written" : "unwritten")}, " +
                (bset.ReadOnly is { } tree ? $"ro tree of {tree.Size} ({tree.FailedCount} failed)" : $"rw table of {bset.Writable!.Table.Count}"));
        }
        if (Header.Schema.IsPositions)
        {
            foreach (var (key, _) in LiveKeys()) text.AppendLine($"    {key}");
            return text.ToString();
        }
        var iterator = SeekAtOrAfter(KeyFields.Min(Header.Schema));
        while (iterator.Peek() is { } at)
        {
            text.AppendLine($"    {KeyFields.Text(Header.Schema, KeyAt(at))} type {TypeAt(at)}, {ValueAt(at).Length} value bytes");
            iterator.Advance();
        }
        return text.ToString();
    }

    /// <summary>
    /// The node is gone for good (freed by the tree's writer, with readers locked out): its buffer goes
    /// back for reuse, and any later use of the node fails at once instead of reading another node's bytes.
    /// </summary>
    public void Release()
    {
        Generation++;
        var buffer = _buffer;
        _buffer = [];
        _bsets.Clear();
        NodeBuffers.Return(buffer);
    }

    private ReadOnlyAuxTree BuildTree(int keysStart, int keysEnd) =>
        ReadOnlyAuxTree.Build(Format, _buffer, keysStart, keysEnd, Header.MinKey, Header.MaxKey, capacity: _codec.Geometry.NodeBytes / ReadOnlyAuxTree.Cacheline * 2);

    /// <summary>Starts the last, writable bset with its keys at <paramref name="keysStart"/> (and already up to <paramref name="keysEnd"/>).</summary>
    private void StartWritableBset(int keysStart, int? keysEnd = null)
    {
        var end = keysEnd ?? keysStart;
        var limit = _buffer.Length - 8; // the last word stays free, as in bcachefs
        var table = ReadWriteAuxTable.Build(Format, _buffer, keysStart, end);
        _bsets.Add(new BsetState(new WritableBset(_buffer, keysStart, end, limit, table), 0));
    }

    private static void SetNeedsWhiteout(Span<byte> buffer, int start, int end)
    {
        for (var at = start; at < end; at += buffer[at] * 8) buffer[at + KeyHeader.FormatByteOffset] |= KeyHeader.NeedsWhiteoutBit;
    }
}
