using Packtree.Keys;
using Packtree.Nodes;

namespace Packtree.Trees;

// Where the tree's nodes are: what a store needs at open to know which buckets are in use.
internal sealed partial class Btree
{
    /// <summary>The address of every node of the tree that has one, read from the interior nodes' pointers (leaves are not read).</summary>
    public List<ulong> NodeAddresses()
    {
        _store.BeginOperation();
        var addresses = new List<ulong>();
        if (_root.Address != 0) addresses.Add(_root.Address);
        Collect(_root, addresses);
        return addresses;
    }

    private void Collect(BtreeNode node, List<ulong> addresses)
    {
        if (node.Header.Level == 0) return;
        for (var at = node.FindAtOrAfter(_min); at >= 0;)
        {
            var pointer = BtreePointer.Read(node.ValueAt(at), Schema);
            var key = node.KeyAt(at);
            if (pointer.Sector != 0) addresses.Add(pointer.Sector);
            if (node.Header.Level > 1) Collect(Child(node, at), addresses);
            if (!KeyFields.TrySuccessor(Schema, key)) break;
            at = node.FindAtOrAfter(key);
        }
    }
}
