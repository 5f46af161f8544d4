using Packtree.Bcachefs;

namespace Packtree.Tests.Bcachefs;

/// <summary>Keys as comparable text: each key's own text and its value in hex, so two listings are equal only if every key and value is.</summary>
internal static class KeyTexts
{
    public static List<string> Of(IEnumerable<BcachefsKey> keys) => [.. keys.Select(k => $"{k} {Convert.ToHexString(k.Value.Span)}")];

    /// <summary>Every key of every btree of <paramref name="image"/>, btree by btree.</summary>
    public static List<string> Of(BcachefsImage image) => Of(image.Btrees.SelectMany(b => b.Keys()));
}
