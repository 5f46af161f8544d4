using Packtree.Bcachefs;
using Packtree.Codegen;

namespace Packtree.Tests.Bcachefs;

/// <summary>Every unpack strategy reads a real image's nodes, in formats bcachefs computed, to the same keys; each format has one codec.</summary>
public sealed class UnpackStrategyTests
{
    [Theory]
    [MemberData(nameof(ImageFolder.All), MemberType = typeof(ImageFolder))]
    public void EveryStrategyReadsTheSameKeys(string name)
    {
        var path = ImageFolder.Image(name);
        List<string> Keys(UnpackStrategy strategy, out BcachefsImage opened)
        {
            opened = BcachefsImage.Open(path, strategy);
            return KeyTexts.Of(opened);
        }
        var generic = Keys(UnpackStrategy.Generic, out var genericImage);
        using (genericImage)
        {
            Assert.Equal(UnpackStrategy.Generic, genericImage.Strategy);
            Assert.True(genericImage.KeyCodeStrategies.Count > 1, "a real image's leaves come in several formats");
            if (KeyCodecFactory.ForcedStrategy is null) // PACKTREE_UNPACK overrides the strategy asked for
                Assert.All(genericImage.KeyCodeStrategies.Values, s => Assert.Equal(UnpackStrategy.Generic, s));
        }
        foreach (var strategy in new[] { UnpackStrategy.ByteAligned, UnpackStrategy.Compiled, UnpackStrategy.Auto })
        {
            var keys = Keys(strategy, out var image);
            using (image)
            {
                Assert.Equal(generic, keys);
                if (strategy == UnpackStrategy.Compiled && KeyCodecFactory.CanCompile && KeyCodecFactory.ForcedStrategy is null)
                    Assert.All(image.KeyCodeStrategies.Values, s => Assert.Equal(UnpackStrategy.Compiled, s));
            }
        }
    }
}
