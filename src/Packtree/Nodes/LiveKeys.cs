using Packtree.Keys;

namespace Packtree.Nodes;

/// <summary>
/// The live keys of a node being rewritten, split or merged, in order: where each lies in its node's buffer, its
/// fields (all of them, for the new format's computation, kept in one flat array) and its value's length. A slice
/// shares the arrays.
/// </summary>
internal sealed class LiveKeys
{
    private readonly int _fieldCount;
    private readonly List<int> _offsets;
    private readonly List<int> _valueU64s;
    private readonly List<ulong> _fields;
    private readonly int _start;

    public LiveKeys(int fieldCount)
        : this(fieldCount, [], [], [], 0, 0)
    {
    }

    private LiveKeys(int fieldCount, List<int> offsets, List<int> valueU64s, List<ulong> fields, int start, int count)
    {
        _fieldCount = fieldCount;
        _offsets = offsets;
        _valueU64s = valueU64s;
        _fields = fields;
        _start = start;
        Count = count;
    }

    /// <summary>Keys in this list (or slice).</summary>
    public int Count { get; private set; }

    /// <summary>Adds a key (to a list that is not a slice).</summary>
    public void Add(int offset, ReadOnlySpan<ulong> fields, int valueU64s)
    {
        _offsets.Add(offset);
        _valueU64s.Add(valueU64s);
        foreach (var field in fields) _fields.Add(field);
        Count++;
    }

    /// <summary>Byte offset of key <paramref name="i"/> in its node's buffer.</summary>
    public int Offset(int i) => _offsets[_start + i];

    /// <summary>Every field of key <paramref name="i"/>.</summary>
    public ReadOnlySpan<ulong> Fields(int i) => System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_fields).Slice((_start + i) * _fieldCount, _fieldCount);

    /// <summary>Keys [<paramref name="start"/>, <paramref name="start"/> + <paramref name="count"/>) of this list.</summary>
    public LiveKeys Slice(int start, int count) => new(_fieldCount, _offsets, _valueU64s, _fields, _start + start, count);

    /// <summary>Bytes key <paramref name="i"/> and its value take in <paramref name="format"/>: packed where it fits, else unpacked.</summary>
    public long EncodedBytes(BkeyFormat format, int i) =>
        (format.CanPackFields(Fields(i)) ? format.KeyBytes : format.Schema.UnpackedFormat.KeyBytes) + _valueU64s[_start + i] * 8;

    /// <summary>Bytes all the keys and values take in <paramref name="format"/>.</summary>
    public long EncodedBytes(BkeyFormat format)
    {
        long total = 0;
        for (var i = 0; i < Count; i++) total += EncodedBytes(format, i);
        return total;
    }
}
