using System.Diagnostics;
using Packtree.Keys;

namespace Packtree.Nodes;

// The node's invariants, checked by Debug builds after every change (insert, sort, rewrite, split,
// merge, write, read), so that the test suite runs with them: a check that fires is a bug.
internal sealed partial class BtreeNode
{
    /// <summary>
    /// A full check after this many inserts into one node (Debug builds): every insert gets the cheap
    /// check of its own key, and every change that moves the whole node (sort, rewrite, split, merge,
    /// write, read) the full one, which costs about as much as the change itself.
    /// </summary>
    internal const int InsertsPerFullCheck = 64;

    private int _insertsSinceFullCheck;

    /// <summary>
    /// What is wrong with the node, or null when every invariant holds: bsets in order in the buffer,
    /// written ones first, only the last one writable; each bset's keys as the node reader requires them
    /// (whole, format 0 or 1 with a header valid for the node's format, inside the node's range, in order);
    /// at most one live key per position across the bsets, in iterator order; the live, dead and whiteout
    /// byte counts right; no needs_whiteout and no pending whiteout in a node with nothing on disk; each
    /// bset's aux structure consistent with its keys.
    /// </summary>
    internal string? InvariantProblem()
    {
        if (_buffer.Length == 0) return _bsets.Count == 0 ? null : "a released node holds bsets";
        if (_bsets.Count is < 1 or > MaxBsets) return $"{_bsets.Count} bsets (1 to {MaxBsets})";
        var whiteoutBytes = 0;
        foreach (var whiteout in _whiteouts) whiteoutBytes += WhiteoutKey(whiteout).Length;
        if (whiteoutBytes != WhiteoutBytes) return $"the {_whiteouts.Count} pending whiteouts take {whiteoutBytes} bytes, the node counts {WhiteoutBytes}";
        if (WrittenSectors == 0 && _whiteouts.Count > 0) return $"{_whiteouts.Count} pending whiteouts in a node with nothing on disk";

        var previousEnd = Header.Bytes;
        var live = 0;
        for (var i = 0; i < _bsets.Count; i++)
        {
            var bset = _bsets[i];
            var where = $"bset {i} ({bset.KeysStart}..{bset.KeysEnd})";
            if (bset.KeysStart < previousEnd || bset.KeysStart % 8 != 0) return $"{where} starts before the previous bset ends at {previousEnd}, or off a word";
            if (bset.KeysEnd < bset.KeysStart || bset.KeysEnd > _buffer.Length - 8 - WhiteoutBytes)
                return $"{where} ends outside the node's room for keys (up to {_buffer.Length - 8 - WhiteoutBytes})";
            if (i > 0 && bset.Written && !_bsets[i - 1].Written) return $"{where} is written and follows an unwritten bset";
            if ((bset.ReadOnly is null) == (bset.Writable is null)) return $"{where} has {(bset.ReadOnly is null ? "no" : "two")} aux structures";
            if (bset.Writable is { } writable && (i != _bsets.Count - 1 || bset.Written || writable.KeysStart != bset.KeysStart || writable.Limit != _buffer.Length - 8))
                return $"{where} is writable but not the last, unwritten bset with the node's limit";
            try
            {
                NodeCodec.ValidateKeys(Header, _buffer.AsSpan(bset.KeysStart, bset.KeysEnd - bset.KeysStart), "in memory", i, bset.KeysStart, rules: null);
            }
            catch (CorruptNodeException e)
            {
                return e.Message;
            }
            var dead = 0;
            for (var at = bset.KeysStart; at < bset.KeysEnd; at += BsetKeys.Length(_buffer, at))
            {
                if (BsetKeys.IsDeleted(_buffer, at)) dead += BsetKeys.Length(_buffer, at);
                else live += BsetKeys.Length(_buffer, at);
                if (WrittenSectors == 0 && KeyHeader.NeedsWhiteout(_buffer[at + KeyHeader.FormatByteOffset]))
                    return $"the key at byte {at} needs a whiteout, but the node has nothing on disk";
            }
            if (dead != bset.DeadBytes) return $"{where} holds {dead} bytes of deleted keys, it counts {bset.DeadBytes}";
            if (bset.Writable is { } table)
            {
                try
                {
                    table.Table.Verify(_buffer, bset.KeysEnd);
                }
                catch (InvalidOperationException e)
                {
                    return $"{where}: read-write aux table: {e.Message}";
                }
            }
            if (bset.ReadOnly?.Problem(_buffer, Format, bset.KeysStart, bset.KeysEnd) is { } treeProblem) return $"{where}: read-only aux tree: {treeProblem}";
            previousEnd = bset.KeysEnd;
        }
        if (live != LiveBytes) return $"the live keys take {live} bytes, the node counts {LiveBytes}";

        // Across bsets: one live key per position, and the iterator yields them in order.
        if (_bsets.Count > 1)
        {
            var iterator = SeekAtOrAfter(KeyFields.Min(Header.Schema));
            ulong[]? previous = null;
            var seen = 0;
            while (iterator.Peek() is { } at)
            {
                var key = KeyAt(at);
                if (previous is not null && KeyFields.Compare(key, previous) <= 0)
                    return $"the iterator yields the live key at {KeyFields.Text(Header.Schema, key)} (byte {at}) after {KeyFields.Text(Header.Schema, previous)}";
                previous = key;
                seen += BsetKeys.Length(_buffer, at);
                iterator.Advance();
            }
            if (seen != live) return $"the iterator yields {seen} bytes of live keys, the bsets hold {live}";
        }
        return null;
    }

    /// <summary>Debug builds: throws when an invariant is broken after <paramref name="change"/>.</summary>
    [Conditional("DEBUG")]
    private void DebugVerify(string change)
    {
        _insertsSinceFullCheck = 0;
        if (InvariantProblem() is { } problem) throw BrokenInvariant(change, problem);
    }

    /// <summary>
    /// Debug builds, after an insert or delete of the key <paramref name="fields"/>: the node finds the key it was
    /// given (or none after a deletion), and every <see cref="InsertsPerFullCheck"/>th time all the invariants hold.
    /// </summary>
    [Conditional("DEBUG")]
    private void DebugVerifyInsert(ReadOnlySpan<ulong> fields, byte type, ReadOnlySpan<byte> value)
    {
        var key = fields[..Header.Schema.KeyFieldCount];
        var text = KeyFields.Text(Header.Schema, key);
        var at = FindLive(key);
        var deletion = type == (byte)BkeyType.Deleted;
        if (deletion && at >= 0) throw BrokenInvariant("a deletion", $"a live key is still found at {text} (byte {at})");
        if (!deletion)
        {
            if (at < 0) throw BrokenInvariant("an insert", $"the key inserted at {text} is not found");
            var found = new ulong[fields.Length];
            BsetKeys.LayoutOf(Format, _buffer, at).UnpackFields(_buffer.AsSpan(at), found);
            if (!found.AsSpan().SequenceEqual(fields) || TypeAt(at) != type || !ValueAt(at).SequenceEqual(value))
                throw BrokenInvariant("an insert", $"the key found at {text} (byte {at}) is [{string.Join(", ", found)}] of type {TypeAt(at)} with {ValueAt(at).Length} value bytes; [{string.Join(", ", fields.ToArray())}] of type {type} with {value.Length} were inserted");
        }
        if (++_insertsSinceFullCheck >= InsertsPerFullCheck) DebugVerify(deletion ? "a deletion" : "an insert");
    }

    private InvalidOperationException BrokenInvariant(string change, string problem) =>
        new($"Node invariant broken after {change}: {problem} (node {Header.ToString().ReplaceLineEndings(" ")}, seq {Seq:x16}, {_bsets.Count} bsets).");
}
