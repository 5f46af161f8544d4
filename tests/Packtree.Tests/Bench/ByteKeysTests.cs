using Packtree.Bench;
using Packtree.Bench.Peers;

namespace Packtree.Tests.Bench;

/// <summary>The byte keys of the peers and node suites are db_bench's and YCSB's, distinct, and ordered as unsigned bytes.</summary>
public sealed class ByteKeysTests
{
    [Fact]
    public void DbBenchKeysAreSixteenDigitsOfEveryNumberBelowTheCountShuffled()
    {
        var keys = PeerKeys.Make("dbbench", 5000);
        Assert.All(keys, k => Assert.False(k.HasPosition));
        Assert.All(keys, k => Assert.Equal(16, k.Bytes.Length));
        var numbers = keys.Select(k => long.Parse(System.Text.Encoding.ASCII.GetString(k.Bytes), System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(Enumerable.Range(0, 5000).Select(n => (long)n), numbers.Order());
        Assert.NotEqual(numbers.Order(), numbers); // shuffled
        Assert.Equal("0000000000000042"u8.ToArray(), ByteKeys.DbBenchKey(42));
    }

    [Fact]
    public void YcsbKeysAreUserAndTheRecordNumberHashedWithFnv64()
    {
        // FNV-1a over the eight bytes of the record number, lowest first, as a non-negative signed number.
        Assert.Equal(6284781860667377211, ByteKeys.Fnv64(0));
        Assert.Equal(8517097267634966620, ByteKeys.Fnv64(1));
        Assert.Equal(1792800413050876852, ByteKeys.Fnv64(12345));
        Assert.Equal("user6284781860667377211"u8.ToArray(), ByteKeys.YcsbKey(0));
        var keys = PeerKeys.Make("ycsb", 5000);
        Assert.Equal(keys[0].Bytes, ByteKeys.YcsbKey(0));
        Assert.Equal(5000, keys.Select(k => Convert.ToHexString(k.Bytes)).Distinct().Count());
        Assert.All(keys, k => Assert.InRange(k.Bytes.Length, 5, ByteKeys.MaxBytes));
        Assert.All(keys, k => Assert.StartsWith("user", System.Text.Encoding.ASCII.GetString(k.Bytes), StringComparison.Ordinal));
    }

    [Fact]
    public void KeysOrderAsUnsignedBytesAndPositionsAsPositions()
    {
        var shorter = BenchKey.OfBytes("user1"u8.ToArray());
        var longer = BenchKey.OfBytes("user10"u8.ToArray());
        var high = BenchKey.OfBytes([0xFF]);
        Assert.True(BenchKey.Compare(shorter, longer) < 0);
        Assert.True(BenchKey.Compare(longer, high) < 0);
        Assert.True(BenchKey.Compare(new BenchKey(new global::Packtree.Keys.Bpos(1, 2, 3)), new BenchKey(new global::Packtree.Keys.Bpos(1, 3, 0))) < 0);
        Assert.Throws<InvalidOperationException>(() => shorter.Position);
        Assert.True(OrdinalBytesComparer.Instance.Compare([0x7F], [0x80]) < 0);
    }
}
