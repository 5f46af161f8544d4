using System.Buffers;
using Packtree.Keys;
using Packtree.Trees;

namespace Packtree;

// Values as streams: a put that reads its value a buffer at a time, and a read-only seekable stream over a stored value.
public sealed partial class Tree
{
    /// <summary>
    /// Stores the bytes <paramref name="value"/> holds from its position to its end at <paramref name="key"/>, replacing any
    /// value there; one commit. The value is never held whole in memory: a buffer at a time goes to data buckets.
    /// </summary>
    /// <exception cref="ValueTooLargeException">The stream holds more than <see cref="MaxValueBytes"/>; nothing is stored.</exception>
    /// <exception cref="ArgumentException">The tree's keys are not positions.</exception>
    public void Put(Bpos key, Stream value)
    {
        Span<ulong> fields = stackalloc ulong[BkeyFields.PositionCount];
        PositionKey(key, fields);
        PutByFields(fields, value);
    }

    /// <summary>As <see cref="Put(Bpos, Stream)"/>, at the byte key <paramref name="key"/>.</summary>
    /// <exception cref="ValueTooLargeException">The stream holds more than <see cref="MaxValueBytes"/>; nothing is stored.</exception>
    /// <exception cref="KeyTooLongException">The key is longer than the tree takes.</exception>
    /// <exception cref="ArgumentException">The tree's keys are not byte strings.</exception>
    public void Put(ReadOnlySpan<byte> key, Stream value)
    {
        Span<ulong> fields = stackalloc ulong[KeyFieldCount];
        BytesKey(key, fields);
        PutByFields(fields, value);
    }

    /// <summary>A read-only, seekable stream over the value at <paramref name="key"/>; read a piece at a time, each checked.</summary>
    /// <exception cref="KeyNotFoundException">The tree has no value at the key.</exception>
    /// <exception cref="ArgumentException">The tree's keys are not positions.</exception>
    public Stream OpenRead(Bpos key)
    {
        Span<ulong> fields = stackalloc ulong[BkeyFields.PositionCount];
        PositionKey(key, fields);
        return OpenReadByFields(fields);
    }

    /// <summary>As <see cref="OpenRead(Bpos)"/>, at the byte key <paramref name="key"/>.</summary>
    /// <exception cref="KeyNotFoundException">The tree has no value at the key.</exception>
    /// <exception cref="KeyTooLongException">The key is longer than the tree takes.</exception>
    /// <exception cref="ArgumentException">The tree's keys are not byte strings.</exception>
    public Stream OpenRead(ReadOnlySpan<byte> key)
    {
        Span<ulong> fields = stackalloc ulong[KeyFieldCount];
        BytesKey(key, fields);
        return OpenReadByFields(fields);
    }

    internal void PutByFields(ReadOnlySpan<ulong> key, Stream value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.CanSeek && value.Length - value.Position is var left && left > MaxValueBytes) throw new ValueTooLargeException(Name, MaxValueBytes, left);
        // A short stream is an ordinary value: read what the leaf could take, and one byte more to know.
        var head = new byte[MaxInlineValueBytes + 1];
        var read = value.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        if (read <= MaxInlineValueBytes)
        {
            PutByFields(key, head.AsSpan(0, read));
            return;
        }
        Store.ThrowIfCannotWrite();
        var writer = Store.Large.NewWriter(Id, Settings.Compression);
        var buffer = ArrayPool<byte>.Shared.Rent(Store.Large.Data.BucketBytes);
        try
        {
            writer.Append(head.AsSpan(0, read));
            while ((read = value.Read(buffer)) > 0)
            {
                if (writer.Length + read > MaxValueBytes) throw new ValueTooLargeException(Name, MaxValueBytes, writer.Length + read, readSoFar: true);
                writer.Append(buffer.AsSpan(0, read));
            }
        }
        catch
        {
            writer.Abandon();
            throw;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        Store.PutWritten(this, key, writer.Finish());
    }

    internal Stream OpenReadByFields(ReadOnlySpan<ulong> key)
    {
        Store.EnterRead();
        try
        {
            if (TryFindBuffered(key, out var buffered))
                return buffered is not null ? new MemoryStream(buffered, writable: false) : throw NotFound(key);
            if (!Btree.TryFind(key, out var leaf, out var at)) throw NotFound(key);
            var stored = Btree.ValueOf(leaf, at);
            if (leaf.TypeAt(at) != TreeValues.ReferenceType) return new MemoryStream(stored.ToArray(), writable: false);
            var reference = ValueReference.Read(stored);
            return new LargeValueStream(this, key.ToArray(), reference, Store.Large.ExtentsOf(reference));
        }
        finally
        {
            Store.ExitRead();
        }
    }

    private KeyNotFoundException NotFound(ReadOnlySpan<ulong> key) => new($"{this} has no value at {KeyFields.Text(Btree.Schema, key)}.");
}
