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
}
