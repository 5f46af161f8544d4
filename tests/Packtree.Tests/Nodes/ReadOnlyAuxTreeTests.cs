using Packtree.Keys;
using Packtree.Nodes;

namespace Packtree.Tests.Nodes;

/// <summary>
/// Read-only aux-tree searches against a plain scan: for every key of random bsets and for positions
/// between and around them, the search lands on the first key at or after the position in iterator order.
/// </summary>
public sealed class ReadOnlyAuxTreeTests
{
    private const int KeysStart = NodeHeader.ByteCount;

    [Fact]
    public void SearchesAgreeWithAPlainScan()
    {
        var random = new Random(31);
        var failedFloats = 0;
        var floats = 0;
        for (var trial = 0; trial < 200; trial++)
        {
            var (format, buffer, end, keys, min, max) = RandomBset(random, count: random.Next(1, 1500));
            var tree = ReadOnlyAuxTree.Build(format, buffer, KeysStart, end, KeyFields.FromPosition(min), KeyFields.FromPosition(max), capacity: random.Next(4) == 0 ? random.Next(0, 10) : int.MaxValue);
            floats += Math.Max(tree.Size - 1, 0);
            failedFloats += tree.FailedCount;
            var packed = new byte[format.KeyBytes];
            foreach (var search in Searches(random, keys))
            {
                var result = format.PackPositionLossy(search, packed);
                var expected = BsetKeys.ScanForward(format, buffer, KeysStart, end, KeyFields.FromPosition(search), packed, exact: false);
                var actual = tree.Search(buffer, KeyFields.FromPosition(search), packed, result);
                Assert.True(expected == actual, $"trial {trial}: search {search} ({result}) gave byte {actual}, the scan {expected}; format [{format}], tree size {tree.Size}");
            }
        }
        Assert.True(floats > 1000, $"only {floats} tree nodes were built");
    }

    [Fact]
    public void ExtentsLikeKeysRarelyNeedTheFallback()
    {
        var random = new Random(4);
        var keys = new List<Bkey>();
        var end = 0UL;
        for (var i = 0; i < 4000; i++)
        {
            var size = (uint)random.Next(1, 129);
            end += size;
            keys.Add(new Bkey(new Bpos(4096 + (ulong)(i / 800), end, uint.MaxValue), (byte)BkeyType.Extent, 2, size));
        }
        var builder = new BkeyFormatBuilder();
        foreach (var key in keys) builder.AddKey(key);
        var min = new Bpos(4096, 0, 0);
        var max = new Bpos(4100, ulong.MaxValue, uint.MaxValue);
        var format = builder.AddPosition(min).AddPosition(max).Build();
        var (buffer, bsetEnd) = Lay(new Random(1), format, keys, storeSomeUnpacked: false);
        var tree = ReadOnlyAuxTree.Build(format, buffer, KeysStart, bsetEnd, KeyFields.FromPosition(min), KeyFields.FromPosition(max));
        Assert.True(tree.Size > 100);
        Assert.Equal(0, tree.FailedCount); // every key and bound is packed
    }

    private static IEnumerable<Bpos> Searches(Random random, List<Bkey> keys)
    {
        yield return Bpos.Min;
        yield return Bpos.Max;
        foreach (var key in keys.Where((_, i) => i % 3 == 0 || keys.Count < 100))
        {
            var p = key.Position;
            yield return p;
            if (p != Bpos.Max) yield return p.Successor();
            if (p != Bpos.Min) yield return p.Predecessor();
        }
        for (var i = 0; i < 50; i++)
        {
            var p = keys[random.Next(keys.Count)].Position;
            yield return new Bpos(p.Inode, p.Offset + (ulong)random.Next(-3, 4), (uint)random.Next(0, 5));
        }
    }

    /// <summary>A sorted bset with deleted keys, unpacked keys and values of up to 40 words, laid out at byte 160 of a buffer.</summary>
    private static (BkeyFormat Format, byte[] Buffer, int End, List<Bkey> Keys, Bpos Min, Bpos Max) RandomBset(Random random, int count)
    {
        var inode = (ulong)random.NextInt64(0, 1L << random.Next(1, 63));
        var spread = 1L << random.Next(1, 40);
        var keys = new SortedDictionary<Bpos, Bkey>();
        for (var i = 0; i < count; i++)
        {
            var position = new Bpos(inode + (ulong)random.Next(0, 3), (ulong)random.NextInt64(0, spread), random.Next(3) == 0 ? uint.MaxValue : (uint)random.Next(0, 4));
            var value = random.Next(10) == 0 ? random.Next(0, 41) : random.Next(0, 3);
            keys[position] = new Bkey(position, (byte)(random.Next(8) == 0 ? 0 : random.Next(1, 39)), value, (uint)random.Next(0, 100));
        }
        var list = keys.Values.ToList();
        var builder = new BkeyFormatBuilder();
        foreach (var key in list.Where((_, i) => i % 7 != 3)) builder.AddKey(key);
        var min = new Bpos(inode, 0, 0);
        var max = new Bpos(inode + 2, ulong.MaxValue, uint.MaxValue);
        var format = builder.AddPosition(min).AddPosition(random.Next(2) == 0 ? max : list[^1].Position).Build(roundToBytes: random.Next(2) == 0);
        var (buffer, end) = Lay(random, format, list, storeSomeUnpacked: true);
        return (format, buffer, end, list, min, max);
    }

    private static (byte[] Buffer, int End) Lay(Random random, BkeyFormat format, List<Bkey> keys, bool storeSomeUnpacked)
    {
        var stream = new List<byte>(new byte[KeysStart]);
        foreach (var key in keys)
        {
            var packed = new byte[format.KeyBytes];
            if ((!storeSomeUnpacked || random.Next(10) != 0) && format.TryPack(key, packed)) stream.AddRange(packed);
            else
            {
                var unpacked = new byte[Bkey.ByteCount];
                key.Write(unpacked);
                stream.AddRange(unpacked);
            }
            stream.AddRange(new byte[key.ValueU64s * 8]);
        }
        var end = stream.Count;
        stream.AddRange(new byte[64]);
        return ([.. stream], end);
    }
}
