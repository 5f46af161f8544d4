using Packtree.Keys;

namespace Packtree;

// Lookups by key fields, whatever the tree's keys: the public methods of each key kind encode their key and come here.
public sealed partial class Tree
{
    internal bool TryGetByFields(ReadOnlySpan<ulong> key, Span<byte> destination, out int length)
    {
        StoreMetrics.Lookups.Add(1);
        Store.EnterRead();
        try
        {
            if (TryFindBuffered(key, out var buffered))
            {
                length = buffered?.Length ?? 0;
                if (buffered is null) return false;
                if (length > destination.Length) throw TooSmall(key, length, destination.Length);
                buffered.CopyTo(destination);
                return true;
            }
            if (!Btree.TryFind(key, out var leaf, out var at))
            {
                length = 0;
                return false;
            }
            var valueLength = ValueLength(leaf, at);
            if (valueLength > destination.Length)
                throw TooSmall(key, valueLength, destination.Length);
            length = (int)valueLength;
            CopyValue(leaf, at, key, destination[..length]);
            return true;
        }
        finally
        {
            Store.ExitRead();
        }
    }

    internal byte[]? GetByFields(ReadOnlySpan<ulong> key)
    {
        StoreMetrics.Lookups.Add(1);
        Store.EnterRead();
        try
        {
            if (TryFindBuffered(key, out var buffered)) return buffered?.ToArray();
            if (!Btree.TryFind(key, out var leaf, out var at)) return null;
            var value = new byte[ValueLength(leaf, at)];
            CopyValue(leaf, at, key, value);
            return value;
        }
        finally
        {
            Store.ExitRead();
        }
    }

    internal bool ContainsByFields(ReadOnlySpan<ulong> key)
    {
        StoreMetrics.Lookups.Add(1);
        Store.EnterRead();
        try
        {
            return TryFindBuffered(key, out var buffered) ? buffered is not null : Btree.LeafFor(key).Contains(key);
        }
        finally
        {
            Store.ExitRead();
        }
    }

    private ArgumentException TooSmall(ReadOnlySpan<ulong> key, long length, int room) =>
        new($"The value at {KeyFields.Text(Btree.Schema, key)} has {length} bytes; the destination has room for {room}.", "destination");
}
