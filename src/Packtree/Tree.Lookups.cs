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
            if (!Btree.TryFind(key, out var leaf, out var at))
            {
                length = 0;
                return false;
            }
            var value = Trees.Btree.ValueOf(leaf, at);
            length = value.Length;
            if (!value.TryCopyTo(destination))
                throw new ArgumentException($"The value at {KeyFields.Text(Btree.Schema, key)} has {value.Length} bytes; the destination has room for {destination.Length}.", nameof(destination));
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
            return Btree.TryFind(key, out var leaf, out var at) ? Trees.Btree.ValueOf(leaf, at).ToArray() : null;
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
            return Btree.LeafFor(key).Contains(key);
        }
        finally
        {
            Store.ExitRead();
        }
    }
}
