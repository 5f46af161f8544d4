namespace Packtree.Nodes;

/// <summary>
/// Node-sized buffers for reuse. Compactions, splits, merges and writes replace a node's 256 KiB
/// buffer; left to the garbage collector, those large-object buffers piled up to gigabytes before a
/// full collection (measured in `bench peers`). A buffer comes back only when its node is gone for
/// good — freed or rewritten by the single writer, with readers locked out — and is cleared then.
/// </summary>
internal static class NodeBuffers
{
    private const int MaxPooled = 64;
    private static readonly Dictionary<int, Stack<byte[]>> Pools = [];

    /// <summary>A zeroed buffer of <paramref name="bytes"/>.</summary>
    public static byte[] Rent(int bytes)
    {
        lock (Pools)
        {
            if (Pools.TryGetValue(bytes, out var pool) && pool.Count > 0) return pool.Pop();
        }
        return new byte[bytes];
    }

    /// <summary>Takes back a buffer no node uses any more.</summary>
    public static void Return(byte[] buffer)
    {
        if (buffer.Length == 0) return;
        Array.Clear(buffer);
        lock (Pools)
        {
            if (!Pools.TryGetValue(buffer.Length, out var pool)) Pools[buffer.Length] = pool = new Stack<byte[]>();
            if (pool.Count < MaxPooled) pool.Push(buffer);
        }
    }
}
