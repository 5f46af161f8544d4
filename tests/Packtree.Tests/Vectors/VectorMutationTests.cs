using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;

namespace Packtree.Tests.Vectors;

/// <summary>
/// Proves the vector tests would catch a single wrong bit: each case copies the vector folder,
/// flips one bit of one expected result in one record, and runs the test for that file against
/// the copy, which must fail.
/// </summary>
[Trait("Category", "Vectors")]
public sealed class VectorMutationTests
{
    public static TheoryData<string, string> Mutations => new()
    {
        { "keys.jsonl.gz", "packed_hex" },
        { "keys.jsonl.gz", "unpacked_hex" },
        { "unpack_raw.jsonl.gz", "unpacked_hex" },
        { "pack_pos.jsonl.gz", "exact_hex" },
        { "pack_pos.jsonl.gz", "lossy_hex" },
        { "cmp.jsonl.gz", "cmp" },
        { "bitops.jsonl.gz", "result" },
        { "bitops.jsonl.gz", "out_hex" },
        { "transform.jsonl.gz", "out_hex" },
        { "formats.jsonl.gz", "nr_key_bits" },
        { "formats.jsonl.gz", "format_hex" },
        { "format_invalid.jsonl.gz", "valid" },
    };

    [Theory]
    [MemberData(nameof(Mutations))]
    public void OneFlippedBitFailsTheTest(string file, string field)
    {
        var scratch = Directory.CreateTempSubdirectory("packtree-vectors-").FullName;
        try
        {
            foreach (var source in Directory.GetFiles(VectorFolder.Path))
                File.Copy(source, Path.Combine(scratch, Path.GetFileName(source)));
            var where = FlipOneBit(Path.Combine(scratch, file), field);

            using (VectorFolder.Use(scratch))
            {
                var failure = Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => RunTestFor(file));
                Assert.Contains(file, failure.Message, StringComparison.Ordinal);
                Assert.Contains($":{where}:", failure.Message, StringComparison.Ordinal);
            }
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    private static void RunTestFor(string file)
    {
        switch (file)
        {
            case "keys.jsonl.gz": new KeysVectorTests().EveryKeyPacksAndUnpacksAsInBcachefs(); break;
            case "unpack_raw.jsonl.gz": new UnpackRawVectorTests().RandomBitsUnpackAsInBcachefsAndBadHeadersAreRefused(); break;
            case "pack_pos.jsonl.gz": new PackPosVectorTests().EveryPositionPacksAsInBcachefs(); break;
            case "cmp.jsonl.gz": new CmpVectorTests().EveryComparisonAgreesWithBcachefs(); break;
            case "bitops.jsonl.gz": new BitopsVectorTests().EveryBitOperationAgreesWithBcachefs(); break;
            case "transform.jsonl.gz": new TransformVectorTests().EveryTransformAgreesWithBcachefs(); break;
            case "formats.jsonl.gz": new FormatsVectorTests().EveryFormatAgreesWithBcachefs(); break;
            case "format_invalid.jsonl.gz": new FormatInvalidVectorTests().EveryVerdictAgreesWithBcachefs(); break;
            default: throw new ArgumentOutOfRangeException(nameof(file), file, "no test reads this file");
        }
    }

    /// <summary>Flips one bit of <paramref name="field"/> in the middle record that has it; returns that record's line number.</summary>
    private static int FlipOneBit(string path, string field)
    {
        var lines = ReadLines(path);
        var candidates = Enumerable.Range(0, lines.Count)
            .Where(i => JsonNode.Parse(lines[i])![field] is { } value && value.ToString().Length > 0)
            .ToList();
        Assert.NotEmpty(candidates);
        var index = candidates[candidates.Count / 2];
        var record = JsonNode.Parse(lines[index])!.AsObject();
        var value = record[field]!;
        record[field] = value.GetValueKind() switch
        {
            System.Text.Json.JsonValueKind.String => FlipHexBit(value.GetValue<string>()),
            System.Text.Json.JsonValueKind.Number => JsonValue.Create(value.GetValue<int>() ^ 1),
            System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False => JsonValue.Create(!value.GetValue<bool>()),
            var kind => throw new InvalidOperationException($"cannot flip a bit of a {kind}"),
        };
        lines[index] = record.ToJsonString();
        WriteLines(path, lines);
        return index + 1;
    }

    private static string FlipHexBit(string hex)
    {
        var bytes = Convert.FromHexString(hex);
        bytes[bytes.Length / 2] ^= 0x10;
        return Convert.ToHexStringLower(bytes);
    }

    private static List<string> ReadLines(string path)
    {
        using var reader = new StreamReader(new GZipStream(File.OpenRead(path), CompressionMode.Decompress));
        var lines = new List<string>();
        while (reader.ReadLine() is { } line) lines.Add(line);
        return lines;
    }

    private static void WriteLines(string path, List<string> lines)
    {
        using var writer = new StreamWriter(new GZipStream(File.Create(path), CompressionLevel.Fastest), new UTF8Encoding(false));
        foreach (var line in lines) writer.WriteLine(line);
    }
}
