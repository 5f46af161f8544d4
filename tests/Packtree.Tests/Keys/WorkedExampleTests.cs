using System.Buffers.Binary;
using Packtree.Keys;

namespace Packtree.Tests.Keys;

/// <summary>Worked examples of format computation, packing and lossy packing (docs/DESIGN.md §2.2–§2.6), pinning the layout independently of the vector files.</summary>
public sealed class WorkedExampleTests
{
    private static readonly Bpos K1 = new(5000, 1UL << 62, 7);
    private static readonly Bpos K2 = new(5500, 4611686018427400000, 8);
    private static readonly Bpos K3 = new(5999, (1UL << 63) - 1, 9);

    [Fact]
    public void E1TwoWordFormatWithAStraddlingField()
    {
        var format = Build([K1, K2, K3], K1, K3);
        Assert.Equal(2, format.KeyU64s);
        Assert.Equal([16, 64, 8, 0, 0, 0], Widths(format));
        Assert.Equal([5000UL, 0, 7, 0, 0, 0], Offsets(format));
        Assert.Equal(88, format.KeyBits);

        var k1 = Pack(format, K1);
        var k2 = Pack(format, K2);
        var k3 = Pack(format, K3);
        Assert.Equal("0000000000000002 0000400000000000", Words(k1));
        Assert.Equal("2f40010000000002 01f4400000000000", Words(k2));
        Assert.Equal("ffff020000000002 03e77fffffffffff", Words(k3));
        Assert.Equal("020000000001402f00000000004" + "0f401", Convert.ToHexStringLower(k2));

        Assert.Equal(-1, format.ComparePacked(k1, k2));
        Assert.Equal(80, format.GreatestDifferingBit(k1, k2));
        Assert.Equal(70, format.FirstSetBit(k1));
        Assert.Equal(81, format.GreatestDifferingBit(k2, k3));
        Assert.Equal(0, format.FirstSetBit(k2));
        var successor = k1.ToArray();
        Assert.True(format.TryPackedSuccessor(successor));
        Assert.Equal("0000010000000002 0000400000000000", Words(successor));
    }

    [Theory]
    [InlineData(5000UL, 1UL << 62, 5U, PackPositionResult.Smaller, "ffffff0000000002 00003fffffffffff", 5000UL, (1UL << 62) - 1, 262U)]
    [InlineData(4999UL, 100UL, 100U, PackPositionResult.Fail, null, 0UL, 0UL, 0U)]
    [InlineData(6000UL, 5UL, 8U, PackPositionResult.Exact, "0005010000000002 03e8000000000000", 6000UL, 5UL, 8U)]
    [InlineData(80000UL, 0UL, 0U, PackPositionResult.Smaller, "ffffff0000000002 ffffffffffffffff", 70535UL, ulong.MaxValue, 262U)]
    [InlineData(5000UL, 0UL, 3U, PackPositionResult.Fail, null, 0UL, 0UL, 0U)]
    [InlineData(5500UL, 77UL, 300U, PackPositionResult.Smaller, "004dff0000000002 01f4000000000000", 5500UL, 77UL, 262U)]
    [InlineData(5500UL, 77UL, 7U, PackPositionResult.Exact, "004d000000000002 01f4000000000000", 5500UL, 77UL, 7U)]
    internal void E1LossyPacking(ulong inode, ulong offset, uint snapshot, PackPositionResult expected, string? words, ulong outInode, ulong outOffset, uint outSnapshot)
    {
        var format = Build([K1, K2, K3], K1, K3);
        var packed = new byte[format.KeyBytes];
        Assert.Equal(expected, format.PackPositionLossy(new Bpos(inode, offset, snapshot), packed));
        if (words is null) return;
        Assert.Equal(words, Words(packed));
        Assert.Equal(new Bpos(outInode, outOffset, outSnapshot), format.UnpackPosition(packed));
    }

    [Fact]
    public void E2FormatThatIsNotByteAligned()
    {
        Bkey[] keys =
        [
            new(new Bpos(4096, 0, 1), size: 8),
            new(new Bpos(4096, 8, 1), size: 8),
            new(new Bpos(4097, 16, uint.MaxValue), size: 16),
        ];
        var builder = new BkeyFormatBuilder();
        foreach (var key in keys) builder.AddKey(key);
        var format = builder.AddPosition(new Bpos(4096, 0, 0)).AddPosition(new Bpos(4097, ulong.MaxValue, uint.MaxValue)).Build();
        Assert.Equal([1, 64, 32, 5, 0, 0], Widths(format));
        Assert.Equal([4096UL, 0, 0, 0, 0, 0], Offsets(format));
        Assert.Equal(97, format.KeyBits);
        Assert.False(format.IsByteAligned);

        var packed = keys.Select(k => { var p = new byte[format.KeyBytes]; Assert.True(format.TryPack(k, p)); return p; }).ToArray();
        Assert.Equal("00000000a0000002 0000000000000000", Words(packed[0]));
        Assert.Equal("00000000a0000002 0000000000000004", Words(packed[1]));
        Assert.Equal("7fffffffc0000002 8000000000000008", Words(packed[2]));
        Assert.Equal(35, format.GreatestDifferingBit(packed[0], packed[1]));
        Assert.Equal(96, format.GreatestDifferingBit(packed[1], packed[2]));
    }

    [Fact]
    public void E3SingleWordFormatWithAZeroWidthField()
    {
        var a = new Bpos(10, 1000, 0);
        var b = new Bpos(10, 1001, 0);
        var format = Build([a, b], a, b);
        Assert.Equal(1, format.KeyU64s);
        Assert.Equal([0, 8, 0, 0, 0, 0], Widths(format));
        Assert.Equal([10UL, 1000, 0, 0, 0, 0], Offsets(format));
        Assert.Equal(8, format.KeyBits);
        var pa = Pack(format, a);
        var pb = Pack(format, b);
        Assert.Equal("0000000000000001", Words(pa));
        Assert.Equal("0100000000000001", Words(pb));
        Assert.Equal(0, format.GreatestDifferingBit(pa, pb));
        Assert.Equal(10UL, format.UnpackPosition(pb).Inode);
    }

    [Fact]
    public void E4EmptyRootFormat()
    {
        var format = new BkeyFormatBuilder().AddPosition(Bpos.Min).AddPosition(Bpos.Max).Build();
        Assert.Equal(3, format.KeyU64s);
        Assert.Equal([64, 64, 32, 0, 0, 0], Widths(format));
        Assert.Equal([0UL, 0, 0, 0, 0, 0], Offsets(format));
    }

    [Fact]
    public void AnEmptyStateGivesAnAllZeroOneWordFormat()
    {
        var format = new BkeyFormatBuilder().Build();
        Assert.Equal(1, format.KeyU64s);
        Assert.Equal([0, 0, 0, 0, 0, 0], Widths(format));
    }

    private static BkeyFormat Build(Bpos[] positions, Bpos min, Bpos max)
    {
        var builder = new BkeyFormatBuilder();
        foreach (var position in positions) builder.AddKey(new Bkey(position));
        return builder.AddPosition(min).AddPosition(max).Build();
    }

    private static byte[] Pack(BkeyFormat format, Bpos position)
    {
        var packed = new byte[format.KeyBytes];
        Assert.True(format.TryPack(new Bkey(position), packed));
        return packed;
    }

    private static int[] Widths(BkeyFormat format) => [.. Enumerable.Range(0, 6).Select(i => format.Fields[i].Width)];

    private static ulong[] Offsets(BkeyFormat format) => [.. Enumerable.Range(0, 6).Select(i => format.Fields[i].Offset)];

    /// <summary>The packed key as 64-bit words in hex, word 0 first.</summary>
    private static string Words(byte[] packed) =>
        string.Join(' ', Enumerable.Range(0, packed.Length / 8).Select(i => BinaryPrimitives.ReadUInt64LittleEndian(packed.AsSpan(i * 8)).ToString("x16")));
}
