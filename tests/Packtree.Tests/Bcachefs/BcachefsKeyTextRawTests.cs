using Packtree.Bcachefs;

namespace Packtree.Tests.Bcachefs;

/// <summary>
/// Every key of every bset of every node in an image's raw dump, unpacked through its node's format and
/// formatted, equals the text bcachefs printed for it: all btrees, interior pointers and deleted keys included.
/// </summary>
public sealed class BcachefsKeyTextRawTests
{
    [Theory]
    [MemberData(nameof(ImageFolder.All), MemberType = typeof(ImageFolder))]
    public void Every_raw_key_formats_as_bcachefs_printed_it(string image)
    {
        var keys = RawKeyDump.Read(image);
        Assert.NotEmpty(keys);
        var context = new TruthTextContext(image, keys.Where(k => k.Btree == "alloc" && k.Level == 0).Select(k => k.Key));
        var mismatches = new List<string>();
        var byType = new Dictionary<string, int>();
        foreach (var raw in keys)
        {
            string text;
            try
            {
                text = BcachefsKeyText.Format(raw.Key, context).Replace("\n", "\\n", StringComparison.Ordinal);
            }
            catch (InvalidDataException e)
            {
                text = "threw " + e.Message;
            }
            if (text != raw.Text)
                mismatches.Add($"{raw.Btree} level {raw.Level} byte {raw.ByteOffset}:\n  want {raw.Text}\n  got  {text}");
            byType[raw.Key.TypeName] = byType.GetValueOrDefault(raw.Key.TypeName) + 1;
        }
        Assert.True(mismatches.Count == 0,
            $"{mismatches.Count} of {keys.Count} keys differ; first ones:\n{string.Join("\n", mismatches.Take(8))}");
        // The dump covers the value types that matter (a parse that skipped them would pass vacuously).
        foreach (var type in new[] { "extent", "btree_ptr_v2", "inode_v3", "dirent", "alloc_v4", "backpointer", "accounting" })
            Assert.True(byType.ContainsKey(type), $"{image}: no {type} key in the raw dump");
    }
}
