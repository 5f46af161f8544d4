using Packtree.Keys;
using Packtree.Trees;

namespace Packtree;

/// <summary>
/// A read-only, seekable stream over a value kept out of line: one piece (at most a bucket) is read at a time, under
/// the store's read lock, and checked against its checksum before any byte of it is returned. The value's pieces are
/// listed when the stream opens; each read first checks that the key still holds this value (a value's pieces never
/// change, but a replaced or deleted value's space is reused).
/// </summary>
internal sealed class LargeValueStream(Tree tree, ulong[] key, ValueReference reference, List<(long Offset, ValueExtent Extent)> extents) : Stream
{
    private byte[]? _piece;
    private int _pieceIndex = -1;
    private long _position;
    private bool _disposed;

    public override bool CanRead => !_disposed;

    public override bool CanSeek => !_disposed;

    public override bool CanWrite => false;

    public override long Length
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return reference.Length;
        }
    }

    public override long Position
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _position;
        }
        set => Seek(value, SeekOrigin.Begin);
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    /// <exception cref="InvalidOperationException">The value was replaced or deleted since the stream was opened.</exception>
    /// <exception cref="CorruptStoreException">A piece of the value is damaged.</exception>
    public override int Read(Span<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (buffer.Length == 0 || _position >= reference.Length) return 0;
        var index = PieceAt(_position);
        var (offset, extent) = extents[index];
        if (index != _pieceIndex) Load(index, offset, extent);
        var within = (int)(_position - offset);
        var count = Math.Min(buffer.Length, extent.ValueBytes - within);
        _piece.AsSpan(within, count).CopyTo(buffer);
        _position += count;
        return count;
    }

    public override long Seek(long offset, SeekOrigin origin)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var target = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            SeekOrigin.End => reference.Length + offset,
            _ => throw new ArgumentOutOfRangeException(nameof(origin)),
        };
        if (target < 0) throw new IOException($"A seek to {target}, before the start of the value.");
        return _position = target;
    }

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException("A stored value is read-only: put a new one.");

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("A stored value is read-only: put a new one.");

    protected override void Dispose(bool disposing)
    {
        _disposed = true;
        _piece = null;
        base.Dispose(disposing);
    }

    /// <summary>The piece holding byte <paramref name="position"/> of the value.</summary>
    private int PieceAt(long position)
    {
        int low = 0, high = extents.Count - 1;
        while (low < high)
        {
            var middle = (low + high + 1) / 2;
            if (extents[middle].Offset <= position) low = middle;
            else high = middle - 1;
        }
        return low;
    }

    private void Load(int index, long offset, ValueExtent extent)
    {
        _piece ??= new byte[extents.Max(e => e.Extent.ValueBytes)];
        _pieceIndex = -1;
        tree.Store.EnterRead();
        try
        {
            if (!tree.Btree.TryFind(key, out var leaf, out var at) || leaf.TypeAt(at) != TreeValues.ReferenceType || ValueReference.Read(Btree.ValueOf(leaf, at)).Id != reference.Id)
                throw new InvalidOperationException($"The value at {KeyFields.Text(tree.Btree.Schema, key)} of {tree} was replaced or deleted after this stream was opened.");
            try
            {
                tree.Store.Large.ReadPiece(reference, offset, extent, _piece);
            }
            catch (CorruptStoreException e)
            {
                throw tree.Damaged(key, e);
            }
        }
        finally
        {
            tree.Store.ExitRead();
        }
        _pieceIndex = index;
    }
}
