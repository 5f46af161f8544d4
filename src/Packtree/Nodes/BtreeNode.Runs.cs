using Packtree.Keys;

namespace Packtree.Nodes;

// Reading keys forward in runs: once the node's remaining keys all come from one bset (always, in a node read from
// disk or just rewritten), the node's codec unpacks them in one call, so a scan pays for its key code per run rather
// than per key. Where bsets interleave, keys are taken one at a time: bounding each stretch by the next bset's key
// (a find, then an unpack) measured slower than stepping, for the stretches of a few dozen keys that random inserts leave.
internal sealed partial class BtreeNode
{
    /// <summary>
    /// Reads live keys forward from <paramref name="iterator"/>'s position, in iterator order, until the node ends or the
    /// spans are full: key fields into <paramref name="keys"/> (<see cref="KeySchema.KeyFieldCount"/> words each), byte
    /// offsets into <paramref name="offsets"/>. The iterator ends just past the last key read; returns how many were read.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)] // a scan's first runs must not wait for tiering
    public int ReadForward(NodeIterator iterator, Span<ulong> keys, Span<int> offsets)
    {
        var stride = Header.Schema.KeyFieldCount;
        var capacity = Math.Min(offsets.Length, keys.Length / stride);
        var count = 0;
        while (count < capacity && iterator.PeekAll() is { } at)
        {
            var end = iterator.StretchEnd(at);
            if (end == at)
            {
                // Keys of several bsets interleave here: one step by iterator order.
                if (!BsetKeys.IsDeleted(_buffer, at))
                {
                    KeyAt(at, keys.Slice(count * stride, stride));
                    offsets[count++] = at;
                }
                iterator.Advance();
                continue;
            }
            var read = Keys.UnpackKeys(_buffer.AsSpan(at, end - at), keys[(count * stride)..(capacity * stride)]);
            // Walk the keys read for their offsets, dropping deleted keys (their fields are overwritten by later ones).
            var live = count;
            for (var i = 0; i < read; i++)
            {
                if (!BsetKeys.IsDeleted(_buffer, at))
                {
                    if (live != count + i) keys.Slice((count + i) * stride, stride).CopyTo(keys.Slice(live * stride, stride));
                    offsets[live++] = at;
                }
                at += BsetKeys.Length(_buffer, at);
            }
            count = live;
            iterator.MoveCurrentTo(at);
        }
        return count;
    }

    /// <summary>
    /// Reads live keys backward from <paramref name="iterator"/>'s current key (it included), in descending order, until
    /// the node's start or the spans are full, as <see cref="ReadForward"/> does forward; the iterator ends on the key
    /// before the last one read (on none at the start). Only in a node of one bset (after a write or a rewrite): a window
    /// of keys ending at the current one is unpacked forward in one call and taken from its end. Returns -1, nothing
    /// read, in a node of several bsets, where a step back searches each bset.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)] // a scan's first runs must not wait for tiering
    public int ReadBackward(NodeIterator iterator, Span<ulong> keys, Span<int> offsets)
    {
        if (_bsets.Count != 1 || iterator.PeekAll() is not { } current) return -1;
        var bset = _bsets[0];
        var stride = Header.Schema.KeyFieldCount;
        var capacity = Math.Min(offsets.Length, keys.Length / stride);
        if (capacity == 0) return 0;
        var end = current + BsetKeys.Length(_buffer, current);
        // A window of about capacity keys of the current one's length, from a key the aux tree knows to start one.
        var start = bset.ReadOnly is { } tree ? tree.KeyBeforeCachelineOf(Math.Max(bset.KeysStart, end - capacity * (end - current))) : bset.KeysStart;
        var inWindow = 0;
        for (var at = start; at < end; at += BsetKeys.Length(_buffer, at)) inWindow++;
        for (; inWindow > capacity; inWindow--) start += BsetKeys.Length(_buffer, start); // too many: the window's first keys wait
        var read = Keys.UnpackKeys(_buffer.AsSpan(start, end - start), keys[..(inWindow * stride)]);
        // Offsets in ascending order beside the keys, deleted keys dropped; then both reversed.
        var live = 0;
        var offset = start;
        for (var i = 0; i < read; i++)
        {
            if (!BsetKeys.IsDeleted(_buffer, offset))
            {
                if (live != i) keys.Slice(i * stride, stride).CopyTo(keys.Slice(live * stride, stride));
                offsets[live++] = offset;
            }
            offset += BsetKeys.Length(_buffer, offset);
        }
        offsets[..live].Reverse();
        for (int low = 0, high = live - 1; low < high; low++, high--)
        {
            for (var f = 0; f < stride; f++) (keys[low * stride + f], keys[high * stride + f]) = (keys[high * stride + f], keys[low * stride + f]);
        }
        var previous = start == bset.KeysStart ? -1 : LastLiveBefore(bset, start);
        if (previous < 0) iterator.Clear();
        else iterator.MoveOnlyPairTo(previous);
        return live;
    }
}
