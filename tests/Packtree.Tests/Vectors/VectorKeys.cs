using System.Text.Json;
using Packtree.Keys;

namespace Packtree.Tests.Vectors;

/// <summary>Builds the unpacked key a vector record describes.</summary>
internal static class VectorKeys
{
    /// <summary>The input struct bkey of a keys.jsonl record: u64s 5 + val_u64s, format 1, pad 0.</summary>
    public static Bkey FromJson(VectorRecord record, JsonElement key)
    {
        ulong Field(string name) => ulong.Parse(key.GetProperty(name).GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        var expected = new HashSet<string> { "inode", "offset", "snapshot", "size", "version_hi", "version_lo", "type", "needs_whiteout", "val_u64s" };
        var unknown = key.EnumerateObject().Select(p => p.Name).Where(n => !expected.Contains(n)).ToList();
        if (unknown.Count > 0) throw new InvalidDataException($"{record.Where}: key fields not understood: {string.Join(", ", unknown)}");
        return new Bkey(
            new Bpos(Field("inode"), Field("offset"), checked((uint)Field("snapshot"))),
            checked((byte)key.GetProperty("type").GetInt32()),
            key.GetProperty("val_u64s").GetInt32(),
            checked((uint)Field("size")),
            new Bversion(checked((uint)Field("version_hi")), Field("version_lo")),
            key.GetProperty("needs_whiteout").GetInt32() switch
            {
                0 => false,
                1 => true,
                var other => throw new InvalidDataException($"{record.Where}: needs_whiteout {other} is not 0 or 1."),
            });
    }

    public static byte[] Bytes(in Bkey key)
    {
        var bytes = new byte[Bkey.ByteCount];
        key.Write(bytes);
        return bytes;
    }
}
