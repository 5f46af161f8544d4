using System.Diagnostics;

namespace Packtree.Nodes;

/// <summary>
/// The last, unwritten bset of a node: keys in a region of the node buffer that grows as keys are
/// inserted (bcachefs's <c>bset_insert</c> / <c>bset_delete</c>), with its read-write aux table kept current.
/// </summary>
internal sealed class WritableBset
{
    private readonly byte[] _buffer;

    public WritableBset(byte[] buffer, int keysStart, int keysEnd, int limit, ReadWriteAuxTable table)
    {
        _buffer = buffer;
        KeysStart = keysStart;
        KeysEnd = keysEnd;
        Limit = limit;
        Table = table;
    }

    public int KeysStart { get; }

    public int KeysEnd { get; private set; }

    /// <summary>The bset may grow up to this byte offset.</summary>
    public int Limit { get; }

    public ReadWriteAuxTable Table { get; }

    /// <summary>Replaces <paramref name="clobber"/> bytes at <paramref name="where"/> with <paramref name="key"/>; false when it does not fit.</summary>
    public bool TryInsert(int where, ReadOnlySpan<byte> key, int clobber)
    {
        Debug.Assert(where >= KeysStart && clobber >= 0 && where + clobber <= KeysEnd, "The insert must replace whole bytes inside the bset.");
        Debug.Assert(key.Length > 0 && key[0] * 8 == key.Length, "The key's u64s must give its length, or every walk of the bset goes astray.");
        Debug.Assert(clobber == 0 || _buffer[where] * 8 == clobber, "Only a whole key is replaced.");
        var shift = key.Length - clobber;
        if (KeysEnd + shift > Limit) return false;
        if (shift != 0) _buffer.AsSpan(where + clobber, KeysEnd - where - clobber).CopyTo(_buffer.AsSpan(where + key.Length));
        key.CopyTo(_buffer.AsSpan(where));
        KeysEnd += shift;
        Table.Update(_buffer, where, clobber, key.Length, KeysEnd); // also refreshes a sample pointing at a replaced key
        return true;
    }

    /// <summary>Removes the <paramref name="clobber"/> bytes of the key at <paramref name="where"/>.</summary>
    public void Delete(int where, int clobber)
    {
        Debug.Assert(where >= KeysStart && clobber > 0 && where + clobber <= KeysEnd && _buffer[where] * 8 == clobber, "Only a whole key inside the bset is removed.");
        _buffer.AsSpan(where + clobber, KeysEnd - where - clobber).CopyTo(_buffer.AsSpan(where));
        KeysEnd -= clobber;
        Table.Update(_buffer, where, clobber, 0, KeysEnd);
    }
}
