using System.Globalization;
using System.Text.RegularExpressions;
using Packtree.Bcachefs;
using Packtree.Keys;

namespace Packtree.Tests.Bcachefs;

/// <summary>
/// The keys of an image's <c>raw.txt</c> ground truth: every key of every bset of every node, with its raw
/// bytes unpacked through its node's format into a <see cref="BcachefsKey"/>, and the list text bcachefs
/// printed for it (newlines as the two characters <c>\n</c>).
/// </summary>
internal static partial class RawKeyDump
{
    internal sealed record RawKey(string Btree, int Level, long ByteOffset, BcachefsKey Key, string Text);

    public static IReadOnlyList<RawKey> Read(string image)
    {
        var keys = new List<RawKey>();
        string btree = "";
        var level = 0;
        BkeyFormat? format = null;
        foreach (var line in ImageFolder.TruthLines(image, "raw.txt"))
        {
            if (NodeLine().Match(line) is { Success: true } node)
            {
                btree = node.Groups[1].Value;
                level = int.Parse(node.Groups[2].Value, CultureInfo.InvariantCulture);
                format = null;
            }
            else if (FormatLine().Match(line) is { Success: true } f)
            {
                var bits = Numbers(f.Groups[2].Value).Select(b => (byte)b).ToArray();
                var offsets = Numbers(f.Groups[3].Value).ToArray();
                format = BkeyFormat.Create(int.Parse(f.Groups[1].Value, CultureInfo.InvariantCulture), bits, offsets);
            }
            else if (KeyLine().Match(line) is { Success: true } k)
            {
                Assert.True(format is not null, $"key before its node's format: {line}");
                var raw = Convert.FromHexString(k.Groups[3].Value);
                var packed = k.Groups[2].Value == "packed";
                var header = packed ? format!.Unpack(raw) : Bkey.Read(raw);
                var keyBytes = packed ? format!.KeyBytes : Bkey.ByteCount;
                var key = new BcachefsKey(header.Position, header.Size, header.Version.Hi, header.Version.Lo, header.Type, raw.AsMemory(keyBytes));
                keys.Add(new RawKey(btree, level, long.Parse(k.Groups[1].Value, CultureInfo.InvariantCulture), key, k.Groups[4].Value));
            }
        }
        return keys;
    }

    private static IEnumerable<ulong> Numbers(string text) =>
        text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(n => ulong.Parse(n, CultureInfo.InvariantCulture));

    [GeneratedRegex(@"^=== node btree (\S+) level (\d+) ")]
    private static partial Regex NodeLine();

    [GeneratedRegex(@"^  format key_u64s (\d+) nr_fields \d+ bits_per_field \[([\d ]+)\] field_offset \[([\d ]+)\]")]
    private static partial Regex FormatLine();

    [GeneratedRegex(@"^    key byte (\d+) u64s \d+ (packed|unpacked) needs_whiteout [01] type \d+ raw ([0-9a-f]+) \| (.*)$")]
    private static partial Regex KeyLine();
}
