using Packtree.Nodes;
using Packtree.Trees;

namespace Packtree;

// Values of any size: a put chooses the leaf or data buckets by length; reads find either behind a leaf key.
public sealed partial class Tree
{
    /// <summary>Puts a value whose size was checked: in the leaf, or out of line when longer than the leaf keeps.</summary>
    internal void PutByFields(ReadOnlySpan<ulong> key, ReadOnlySpan<byte> value)
    {
        if (IsLarge(value.Length)) Store.PutLarge(this, key, value);
        else Store.Put(this, key, value);
    }

    /// <summary>The length of the value of the live key at byte <paramref name="at"/> of <paramref name="leaf"/> (read lock held).</summary>
    internal static long ValueLength(BtreeNode leaf, int at)
    {
        var stored = Btree.ValueOf(leaf, at);
        return leaf.TypeAt(at) == TreeValues.ReferenceType ? ValueReference.Read(stored).Length : stored.Length;
    }

    /// <summary>Copies the value of the live key at byte <paramref name="at"/> of <paramref name="leaf"/> into <paramref name="destination"/>, exactly its length (read lock held).</summary>
    /// <exception cref="CorruptStoreException">A value kept out of line is damaged; the message names the key.</exception>
    internal void CopyValue(BtreeNode leaf, int at, ReadOnlySpan<ulong> key, Span<byte> destination)
    {
        var stored = Btree.ValueOf(leaf, at);
        if (leaf.TypeAt(at) != TreeValues.ReferenceType)
        {
            stored.CopyTo(destination);
            return;
        }
        ReadLarge(ValueReference.Read(stored), key, destination);
    }

    /// <summary>
    /// The value of the live key at byte <paramref name="at"/> of <paramref name="leaf"/> for a read in place (read lock
    /// held): a span into the leaf, or for a value kept out of line, a new array of it.
    /// </summary>
    internal ReadOnlySpan<byte> ValueInPlace(BtreeNode leaf, int at, scoped ReadOnlySpan<ulong> key)
    {
        if (leaf.TypeAt(at) != TreeValues.ReferenceType) return Btree.ValueOf(leaf, at);
        var reference = ValueReference.Read(Btree.ValueOf(leaf, at));
        var value = new byte[reference.Length];
        ReadLarge(reference, key, value);
        return value;
    }

    /// <summary>Reads a value kept out of line (read lock held).</summary>
    /// <exception cref="CorruptStoreException">It is damaged; the message names the tree and key.</exception>
    internal void ReadLarge(ValueReference reference, ReadOnlySpan<ulong> key, Span<byte> destination)
    {
        try
        {
            Store.Large.Read(reference, destination);
        }
        catch (CorruptStoreException e)
        {
            throw Damaged(key, e);
        }
    }

    /// <summary>Damage found reading the value at <paramref name="key"/>, its message naming the tree and the key.</summary>
    internal CorruptStoreException Damaged(ReadOnlySpan<ulong> key, CorruptStoreException damage) =>
        new($"The value at {Keys.KeyFields.Text(Btree.Schema, key)} of {this}: {damage.Message}", damage.Part, damage.FileOffset, damage.Rule, damage);
}
