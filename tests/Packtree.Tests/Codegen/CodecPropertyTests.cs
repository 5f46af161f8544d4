using CsCheck;
using Packtree.Codegen;
using Packtree.Keys;
using Packtree.Tests.Keys;

namespace Packtree.Tests.Codegen;

/// <summary>Every strategy agrees with the generic path on random formats (aligned or not, 1 to 5 words, 0- and 64-bit fields) and keys.</summary>
public sealed class CodecPropertyTests
{
    private static readonly UnpackStrategy[] Strategies = [UnpackStrategy.ByteAligned, UnpackStrategy.Compiled];

    [Fact]
    public void EveryStrategyAgreesWithGenericOnRandomKeys()
    {
        var cache = new CompiledCodeCache(64);
        Gen.Select(KeyGenerators.FormatAndFittingKey, KeyGenerators.AnyKey).Sample((pair, other) =>
        {
            var (format, key) = pair;
            var generic = new GenericKeyCodec(format);
            var packed = new byte[format.KeyBytes];
            Assert.True(format.TryPack(key, packed));
            var second = new byte[format.KeyBytes];
            var otherFits = format.TryPack(other, second);
            foreach (var strategy in Strategies)
            {
                var codec = KeyCodecFactory.Create(format, new KeyCodecOptions { Strategy = strategy, Cache = cache });
                codec.Unpack(packed, out var unpacked);
                Assert.Equal(key, unpacked);
                Assert.Equal(key.Position, codec.UnpackPosition(packed));
                Assert.Equal(0, codec.ComparePacked(packed, packed));
                if (otherFits)
                {
                    Assert.Equal(generic.ComparePacked(packed, second), codec.ComparePacked(packed, second));
                    Assert.Equal(generic.ComparePacked(second, packed), codec.ComparePacked(second, packed));
                }
                var expected = new byte[format.KeyBytes];
                var actual = new byte[format.KeyBytes];
                Assert.Equal(generic.PackPositionLossy(other.Position, expected), codec.PackPositionLossy(other.Position, actual));
                Assert.Equal(expected, actual);
                Assert.Equal(generic.TryPackPosition(other.Position, expected), codec.TryPackPosition(other.Position, actual));
                Assert.Equal(expected, actual);
            }
        }, iter: 400);
    }
}
