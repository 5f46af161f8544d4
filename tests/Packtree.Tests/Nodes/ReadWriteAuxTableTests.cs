using Packtree.Keys;
using Packtree.Nodes;

namespace Packtree.Tests.Nodes;

/// <summary>
/// The read-write aux table under random inserts, overwrites and deletes in the last bset, against a
/// sorted dictionary: the samples stay valid, searches from them agree with a scan from the start,
/// and the bset holds exactly the model's keys.
/// </summary>
public sealed class ReadWriteAuxTableTests
{
    [Fact]
    public void IncrementalUpdatesKeepTheTableValidAndSearchesRight()
    {
        var random = new Random(99);
        for (var trial = 0; trial < 40; trial++)
        {
            var format = new BkeyFormatBuilder().AddPosition(new Bpos(10, 0, 0)).AddPosition(new Bpos(12, 4000, 3)).Build(roundToBytes: trial % 2 == 0);
            const int start = NodeHeader.ByteCount;
            var buffer = new byte[64 * 1024];
            var bset = new WritableBset(buffer, start, start, buffer.Length - 8, ReadWriteAuxTable.Build(format, buffer, start, start, capacity: trial % 5 == 0 ? 4 : int.MaxValue));
            var model = new SortedDictionary<Bpos, Bkey>();
            for (var op = 0; op < 600; op++)
            {
                var position = new Bpos((ulong)random.Next(10, 13), (ulong)random.Next(0, 4000), (uint)random.Next(0, 4));
                var where = BsetKeys.ScanForward(format, buffer, start, bset.KeysEnd, KeyFields.FromPosition(position), [], exact: false);
                var present = where < bset.KeysEnd && BsetKeys.CompareToKey(format, buffer, where, KeyFields.FromPosition(position)) == 0;
                if (present && random.Next(3) == 0)
                {
                    bset.Delete(where, BsetKeys.Length(buffer, where));
                    model.Remove(position);
                }
                else
                {
                    var key = new Bkey(position, (byte)random.Next(1, 39), random.Next(0, 12) == 0 ? random.Next(0, 30) : random.Next(0, 3), (uint)random.Next(0, 9));
                    var bytes = Encode(format, key, random);
                    Assert.True(bset.TryInsert(where, bytes, present ? BsetKeys.Length(buffer, where) : 0));
                    model[position] = key;
                }
                bset.Table.Verify(buffer, bset.KeysEnd);
                for (var probe = 0; probe < 5; probe++)
                {
                    var search = new Bpos((ulong)random.Next(9, 14), (ulong)random.Next(0, 4001), (uint)random.Next(0, 5));
                    var key = KeyFields.FromPosition(search);
                    var expected = BsetKeys.ScanForward(format, buffer, start, bset.KeysEnd, key, [], exact: false);
                    Assert.Equal(expected, BsetKeys.ScanForward(format, buffer, bset.Table.StartFor(key), bset.KeysEnd, key, [], exact: false));
                }
            }
            var keys = new Bkey[model.Count + 1];
            var count = new Packtree.Codegen.GenericKeyCodec(format).UnpackRun(buffer.AsSpan(start, bset.KeysEnd - start), keys);
            Assert.Equal(model.Values, keys[..count]);
            Assert.True(bset.Table.Count > 1 || model.Count < 4);
        }
    }

    private static byte[] Encode(BkeyFormat format, Bkey key, Random random)
    {
        var bytes = new byte[Math.Max(format.KeyBytes, Bkey.ByteCount) + key.ValueU64s * 8];
        int keyBytes;
        if (random.Next(5) != 0 && format.TryPack(key, bytes)) keyBytes = format.KeyBytes;
        else
        {
            key.Write(bytes);
            keyBytes = Bkey.ByteCount;
        }
        return bytes[..(keyBytes + key.ValueU64s * 8)];
    }
}
