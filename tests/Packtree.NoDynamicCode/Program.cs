using System.Diagnostics;
using System.IO.Compression;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Packtree.Codegen;
using Packtree.Keys;

namespace Packtree.NoDynamicCode;

/// <summary>
/// Checks, in a process that cannot compile dynamic code, that asking for compiled or automatic
/// codecs falls back to the portable path and still reproduces bcachefs's vectors.
/// Usage: <c>Packtree.NoDynamicCode VECTOR_FOLDER</c>; exit code 0 only if every record agrees.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length != 1 || !Directory.Exists(args[0]))
        {
            Console.Error.WriteLine("usage: Packtree.NoDynamicCode VECTOR_FOLDER (the folder of bkey vector files)");
            return 2;
        }
        Console.WriteLine($"dynamic code supported: {RuntimeFeature.IsDynamicCodeSupported}, compiled: {RuntimeFeature.IsDynamicCodeCompiled}, can compile: {KeyCodecFactory.CanCompile}");
        var warnings = new StringWriter();
        Trace.Listeners.Add(new TextWriterTraceListener(warnings));

        var formats = new Dictionary<string, BkeyFormat>();
        foreach (var record in Records(args[0], "formats.jsonl.gz"))
            formats[record.GetProperty("id").GetString()!] = BkeyFormat.Read(Hex(record, "format_hex"));

        var codecs = new Dictionary<(string, UnpackStrategy), KeyCodec>();
        KeyCodec Codec(JsonElement record, UnpackStrategy strategy)
        {
            var id = record.GetProperty("format_id").GetString()!;
            if (!codecs.TryGetValue((id, strategy), out var codec)) codecs[(id, strategy)] = codec = KeyCodecFactory.Create(formats[id], strategy);
            return codec;
        }

        var checkedRecords = 0;
        var mismatches = new List<string>();
        UnpackStrategy[] strategies = [UnpackStrategy.Compiled, UnpackStrategy.Auto];
        foreach (var file in new[] { "keys.jsonl.gz", "unpack_raw.jsonl.gz", "cmp.jsonl.gz" })
        {
            var line = 0;
            foreach (var record in Records(args[0], file))
            {
                line++;
                foreach (var strategy in strategies)
                {
                    var codec = Codec(record, strategy);
                    if (codec.Strategy == UnpackStrategy.Compiled || codec is CompiledKeyCodec or TieredKeyCodec)
                        mismatches.Add($"{file}:{line}: {strategy} gave a compiled codec ({codec.GetType().Name})");
                    var problem = Check(file, record, codec);
                    if (problem is not null) mismatches.Add($"{file}:{line} ({strategy}): {problem}");
                }
                checkedRecords++;
            }
        }

        Trace.Flush();
        var warned = warnings.ToString().Contains("cannot compile dynamic code", StringComparison.Ordinal);
        Console.WriteLine($"checked {checkedRecords} records, {mismatches.Count} mismatches, fallbacks counted: {CodegenMetrics.Fallbacks}, warning logged: {warned}");
        foreach (var mismatch in mismatches.Take(20)) Console.WriteLine(mismatch);
        return checkedRecords > 0 && mismatches.Count == 0 && CodegenMetrics.Compilations == 0 && CodegenMetrics.Fallbacks > 0 && warned ? 0 : 1;
    }

    private static string? Check(string file, JsonElement record, KeyCodec codec)
    {
        switch (file)
        {
            case "keys.jsonl.gz":
            {
                if (!record.TryGetProperty("packed_hex", out _)) return null;
                var packed = Hex(record, "packed_hex");
                var expected = Hex(record, "unpacked_hex");
                codec.Unpack(packed, out var key);
                var actual = new byte[Bkey.ByteCount];
                key.Write(actual);
                if (!actual.AsSpan().SequenceEqual(expected)) return $"unpack gave {Convert.ToHexStringLower(actual)}";
                return codec.UnpackPosition(packed) == Bkey.Read(expected).Position ? null : "position differs";
            }
            case "unpack_raw.jsonl.gz":
            {
                var packed = Hex(record, "packed_hex");
                if (!record.GetProperty("valid_u64s").GetBoolean())
                {
                    try
                    {
                        codec.Unpack(packed, out _);
                        return "an invalid header was unpacked";
                    }
                    catch (InvalidPackedKeyException)
                    {
                        return null;
                    }
                }
                codec.Unpack(packed, out var key);
                var actual = new byte[Bkey.ByteCount];
                key.Write(actual);
                return actual.AsSpan().SequenceEqual(Hex(record, "unpacked_hex")) ? null : $"unpack gave {Convert.ToHexStringLower(actual)}";
            }
            default:
            {
                var expected = record.GetProperty("cmp").GetInt32();
                var actual = codec.ComparePacked(Hex(record, "l_hex"), Hex(record, "r_hex"));
                return actual == expected ? null : $"compare gave {actual}, expected {expected}";
            }
        }
    }

    private static byte[] Hex(JsonElement record, string name) => Convert.FromHexString(record.GetProperty(name).GetString()!);

    private static IEnumerable<JsonElement> Records(string folder, string file)
    {
        using var reader = new StreamReader(new GZipStream(File.OpenRead(Path.Combine(folder, file)), CompressionMode.Decompress));
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0) continue;
            using var document = JsonDocument.Parse(line);
            yield return document.RootElement.Clone();
        }
    }
}
