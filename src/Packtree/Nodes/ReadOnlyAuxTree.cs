using System.Diagnostics;
using System.Numerics;
using Packtree.Keys;

namespace Packtree.Nodes;

/// <summary>
/// bcachefs's read-only auxiliary search tree over one bset: an Eytzinger tree with one 4-byte
/// <see cref="BkeyFloat"/> per <see cref="Cacheline"/> bytes of keys, holding 16 bits of that cacheline's first key
/// taken just below the highest bit in which the keys that can reach the node may differ. A search
/// walks the floats (a few cache lines), comparing real keys only where a mantissa cannot decide, and
/// lands at most one cacheline before the answer; a short scan finishes.
/// </summary>
internal sealed class ReadOnlyAuxTree
{
    /// <summary>
    /// Bytes of keys per tree node (bcachefs's <c>BSET_CACHELINE</c>: 256 at its HEAD, 128 before 2021).
    /// Packtree uses 128: <c>packtree bench node</c> measured shorter final scans outweighing the extra
    /// tree level (aux memory 4 bytes per 128 bytes of keys, about 3%).
    /// </summary>
    public const int Cacheline = 128;

    private readonly BkeyFormat _format;
    private readonly BkeyFloat[] _floats; // slot 0 unused; nodes 1..Size-1
    private readonly int _base;           // first key's offset rounded down to 64 bytes
    private readonly int _keysStart;
    private readonly int _keysEnd;
    private readonly int _extra;

    private ReadOnlyAuxTree(BkeyFormat format, BkeyFloat[] floats, int size, int @base, int keysStart, int keysEnd)
    {
        _format = format;
        _floats = floats;
        Size = size;
        _base = @base;
        _keysStart = keysStart;
        _keysEnd = keysEnd;
        _extra = Eytzinger.Extra(size - 1);
    }

    /// <summary>Tree slots used: nodes 1..Size-1; 0 when the bset is too small for a tree.</summary>
    public int Size { get; }

    /// <summary>Nodes whose mantissa cannot be used (an unpacked key or bound, or a format without key bits).</summary>
    public int FailedCount { get; private set; }

    /// <summary>The tree's nodes, slot 0 unused.</summary>
    public ReadOnlySpan<BkeyFloat> Floats => _floats.AsSpan(0, Size);

    /// <summary>Builds the tree for one bset of a node.</summary>
    /// <param name="format">The node's key format.</param>
    /// <param name="buffer">The node buffer.</param>
    /// <param name="keysStart">Byte offset of the bset's first key.</param>
    /// <param name="keysEnd">Byte offset just past the bset's last key.</param>
    /// <param name="minKey">The node's smallest key.</param>
    /// <param name="maxKey">The node's largest key.</param>
    /// <param name="capacity">Most tree slots the node's aux memory allows for this bset.</param>
    public static ReadOnlyAuxTree Build(BkeyFormat format, ReadOnlySpan<byte> buffer, int keysStart, int keysEnd, ReadOnlySpan<ulong> minKey, ReadOnlySpan<ulong> maxKey, int capacity = int.MaxValue)
    {
        var @base = keysStart & ~63;
        var size = Math.Min((keysEnd - @base) / Cacheline, capacity);
        var offsets = new byte[Math.Max(size, 0)];
        while (size >= 2 && !ChooseKeys(buffer, @base, keysStart, keysEnd, size, offsets)) size--;
        if (size < 2) return new ReadOnlyAuxTree(format, [], 0, @base, keysStart, keysEnd);

        var floats = new BkeyFloat[size];
        var tree = new ReadOnlyAuxTree(format, floats, size, @base, keysStart, keysEnd);
        tree.ComputeFloats(buffer, offsets, minKey, maxKey);
        return tree;
    }

    /// <summary>
    /// Byte offset of the first key of the bset at or after <paramref name="search"/> in iterator order,
    /// or the end of the bset's keys. <paramref name="packedSearch"/> is the lossy packed form of the
    /// search position and <paramref name="packResult"/> what packing returned.
    /// </summary>
    public int Search(ReadOnlySpan<byte> buffer, ReadOnlySpan<ulong> search, ReadOnlySpan<byte> packedSearch, PackPositionResult packResult)
    {
        var exact = packResult == PackPositionResult.Exact;
        if (packResult == PackPositionResult.Fail) // every representable key is above the search position
            return BsetKeys.ScanForward(_format, buffer, _keysStart, _keysEnd, search, packedSearch, exact: false);
        var start = Size == 0 ? _keysStart : Descend(buffer, search, packedSearch);
        return BsetKeys.ScanForward(_format, buffer, start, _keysEnd, search, packedSearch, exact);
    }

    /// <summary>The key a descent lands on: at or before the first key at or after the search key.</summary>
    private int Descend(ReadOnlySpan<byte> buffer, ReadOnlySpan<ulong> search, ReadOnlySpan<byte> q)
    {
        var keyBitsStart = 64 * _format.KeyU64s - _format.KeyBits;
        var n = 1;
        while (n < Size)
        {
            var f = _floats[n];
            if (!f.IsFailed)
            {
                var a = f.Mantissa;
                var b = SearchMantissa(q, f.Exponent);
                if (a != b || f.Exponent <= keyBitsStart)
                {
                    n = 2 * n + (a < b ? 1 : 0);
                    continue;
                }
            }
            var key = NodeKey(n);
            var order = BsetKeys.IsPacked(buffer, key)
                ? _format.ComparePacked(buffer[key..], q)
                : BsetKeys.CompareToKey(_format, buffer, key, search);
            if (order == 0) return key;
            n = 2 * n + (order < 0 ? 1 : 0);
        }

        var t = n >> 1;
        if ((n & 1) != 0) return NodeKey(t); // the last step went right
        var rank = Eytzinger.ToInorder(t, Size - 1, _extra) - 1;
        if (rank == 0) return _keysStart;
        return CachelineKey(rank, _floats[Eytzinger.Prev(t, Size - 1)].KeyOffset);
    }

    /// <summary>
    /// A key that starts before the cacheline holding <paramref name="offset"/> (or the bset's first key):
    /// where a backward search starts its forward scan.
    /// </summary>
    public int KeyBeforeCachelineOf(int offset)
    {
        if (Size == 0) return _keysStart;
        for (var rank = Math.Min(Size - 1, (offset - _base) / Cacheline); rank >= 1; rank--)
        {
            var key = CachelineKey(rank, _floats[Eytzinger.FromInorder(rank, Size - 1, _extra)].KeyOffset);
            if (key < offset) return key;
        }
        return _keysStart;
    }

    private int NodeKey(int node) => CachelineKey(Eytzinger.ToInorder(node, Size - 1, _extra), _floats[node].KeyOffset);

    /// <summary>
    /// What is wrong with the tree as the aux structure of the bset <paramref name="buffer"/>[<paramref name="keysStart"/>..<paramref name="keysEnd"/>)
    /// in <paramref name="format"/>, or null: it was built for that bset and format, the node of rank c holds
    /// the first key starting in cacheline c or later, each usable float holds that key's bits, and a search
    /// for each key lands where a scan of the bset does. For debug checks: it costs a search per key.
    /// </summary>
    internal string? Problem(ReadOnlySpan<byte> buffer, BkeyFormat format, int keysStart, int keysEnd)
    {
        if (!ReferenceEquals(format, _format)) return "built for another format";
        if (keysStart != _keysStart || keysEnd != _keysEnd) return $"built over bytes {_keysStart}..{_keysEnd}";
        if (Size == 0) return null;
        var n = Size - 1;
        var cursor = keysStart;
        for (var rank = 1; rank <= n; rank++)
        {
            while (cursor < keysEnd && (cursor - _base) / Cacheline < rank) cursor += BsetKeys.Length(buffer, cursor);
            var node = Eytzinger.FromInorder(rank, n, _extra);
            if (NodeKey(node) != cursor) return $"node {node} (cacheline {rank}) holds the key at byte {NodeKey(node)}; the first key from that cacheline on is at byte {cursor}";
            // A usable float holds its key's 16 bits from its exponent on (bits below the key bits set).
            var f = _floats[node];
            if (f.IsFailed) continue;
            var e = f.Exponent - (64 * format.KeyU64s - format.KeyBits);
            var mantissa = Mantissa(buffer.Slice(cursor, format.KeyBytes), f.Exponent);
            if (e < 0) mantissa |= (ushort)((1 << -e) - 1);
            if (f.Mantissa != mantissa) return $"node {node}'s mantissa is {f.Mantissa:x4}, its key's bits from bit {f.Exponent} are {mantissa:x4}";
        }
        // Every key is searched for: the first key at or after its position, deleted keys at it passed
        // over, is the key itself when it is live; after a deleted key, the next key the scan takes.
        Span<byte> packed = stackalloc byte[SearchKeyBytes(format)];
        Span<ulong> search = stackalloc ulong[format.Schema.KeyFieldCount];
        for (var key = keysStart; key < keysEnd; key += BsetKeys.Length(buffer, key))
        {
            BsetKeys.ReadKey(format, buffer, key, search);
            packed.Clear();
            var found = Search(buffer, search, packed, format.PackSearchLossy(search, packed));
            var expected = BsetKeys.IsDeleted(buffer, key) ? BsetKeys.ScanForward(format, buffer, key, keysEnd, search, [], exact: false) : key;
            if (found != expected) return $"a search for {KeyFields.Text(format.Schema, search)} lands at byte {found}, the first key at or after it is at byte {expected}";
        }
        return null;
    }

    private int CachelineKey(int cacheline, int keyOffset) => _base + Cacheline * cacheline + 8 * keyOffset;

    /// <summary>
    /// Node of rank c gets the first key starting in cacheline c or later; false when some cacheline
    /// has no key at or after it (the tree must shrink).
    /// </summary>
    private static bool ChooseKeys(ReadOnlySpan<byte> buffer, int @base, int keysStart, int keysEnd, int size, byte[] offsets)
    {
        var n = size - 1;
        var extra = Eytzinger.Extra(n);
        var cursor = keysStart;
        for (var j = Eytzinger.First(n); j != 0; j = Eytzinger.Next(j, n))
        {
            var cacheline = Eytzinger.ToInorder(j, n, extra);
            while (cursor < keysEnd && (cursor - @base) / Cacheline < cacheline) cursor += BsetKeys.Length(buffer, cursor);
            if (cursor >= keysEnd) return false;
            Debug.Assert(cursor - (@base + Cacheline * cacheline) < 256 * 8, "A key offset from its cacheline fits a byte.");
            offsets[j] = (byte)((cursor - (@base + Cacheline * cacheline)) / 8); // a key is at most 255 words
        }
        return true;
    }

    private void ComputeFloats(ReadOnlySpan<byte> buffer, byte[] offsets, ReadOnlySpan<ulong> minKey, ReadOnlySpan<ulong> maxKey)
    {
        var format = _format;
        var keyBytes = format.KeyBytes;
        Span<byte> min = stackalloc byte[keyBytes];
        Span<byte> max = stackalloc byte[keyBytes];
        var minPacked = format.TryPackSearch(minKey, min);
        var maxPacked = format.TryPackSearch(maxKey, max);
        var n = Size - 1;
        for (var j = 1; j <= n; j++)
        {
            var key = CachelineKey(Eytzinger.ToInorder(j, n, _extra), offsets[j]);
            _floats[j] = new BkeyFloat(BkeyFloat.Failed, offsets[j], 0);

            // Bounds: the nearest ancestors with j in their right and left subtrees, or the node's range.
            var lowIsMin = BitOperations.IsPow2(j);
            var highIsMax = BitOperations.IsPow2(j + 1);
            var low = lowIsMin ? -1 : NodeKeyWith(offsets, j >> (BitOperations.TrailingZeroCount(j) + 1));
            var high = highIsMax ? -1 : NodeKeyWith(offsets, j >> (BitOperations.TrailingZeroCount(~j) + 1));
            var usable = format.KeyBits > 0 && BsetKeys.IsPacked(buffer, key)
                && (lowIsMin ? minPacked : BsetKeys.IsPacked(buffer, low))
                && (highIsMax ? maxPacked : BsetKeys.IsPacked(buffer, high));
            if (!usable)
            {
                FailedCount++;
                continue;
            }
            ReadOnlySpan<byte> l = lowIsMin ? min : buffer.Slice(low, keyBytes);
            ReadOnlySpan<byte> r = highIsMax ? max : buffer.Slice(high, keyBytes);
            var highBit = Math.Max(format.GreatestDifferingBit(l, r), Math.Min(BkeyFloat.MantissaBits, format.KeyBits) - 1);
            var e = highBit - (BkeyFloat.MantissaBits - 1);
            var shift = 64 * format.KeyU64s - format.KeyBits + e;
            if (shift >= BkeyFloat.Failed) // does not fit the byte: treat as failed rather than truncate
            {
                FailedCount++;
                continue;
            }
            var mantissa = Mantissa(buffer.Slice(key, keyBytes), shift);
            if (e < 0) mantissa |= (ushort)((1 << -e) - 1); // non-key bits below: never compare smaller than the real key
            _floats[j] = new BkeyFloat((byte)shift, offsets[j], mantissa);
        }
    }

    private int NodeKeyWith(byte[] offsets, int node) => CachelineKey(Eytzinger.ToInorder(node, Size - 1, _extra), offsets[node]);

    /// <summary>
    /// The search key's mantissa bits: one unaligned 8-byte load where the search buffer has the slack
    /// (callers give <see cref="SearchKeyBytes"/>), else byte by byte.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static ushort SearchMantissa(ReadOnlySpan<byte> q, int shift)
    {
        var first = shift >> 3;
        return q.Length - first >= 8
            ? (ushort)(System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(q[first..]) >> (shift & 7))
            : Mantissa(q, shift);
    }

    /// <summary>Size of a packed search key buffer that lets mantissas be read with one load: the key plus 8 bytes of slack.</summary>
    public static int SearchKeyBytes(BkeyFormat format) => format.KeyBytes + 8;

    /// <summary>16 bits of a packed key starting at bit <paramref name="shift"/>; only bytes inside the key are read.</summary>
    private static ushort Mantissa(ReadOnlySpan<byte> key, int shift)
    {
        var first = shift >> 3;
        var last = (shift + BkeyFloat.MantissaBits - 1) >> 3;
        uint bits = 0;
        for (var i = last; i >= first; i--) bits = (bits << 8) | key[i];
        return (ushort)(bits >> (shift & 7));
    }
}
