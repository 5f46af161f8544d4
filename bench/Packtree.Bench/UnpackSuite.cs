using System.Diagnostics;
using Packtree.Codegen;
using Packtree.Keys;
using Spectre.Console;

namespace Packtree.Bench;

/// <summary>
/// What per-node code generation buys: every unpack strategy side by side on bcachefs-like setups
/// (2^20 keys packed back to back), per-key functions and whole-run kernels, plus compile cost and
/// the number of keys after which compiling has paid for itself; then keys of other schemas (db_bench and YCSB
/// byte strings, a typed composite), a node's worth each, over key fields: unpack one key, unpack a run, find in a run.
/// </summary>
public static class UnpackSuite
{
    private const int ChunkKeys = 256;

    public static BenchDocument Run(bool quick)
    {
        var count = quick ? 1 << 14 : 1 << 20;
        var document = new BenchDocument("unpack");
        var measure = new Measure(quick);
        KeySet[] sets =
        [
            KeySet.Extents(count, roundToBytes: true),
            KeySet.Extents(count, roundToBytes: false),
            KeySet.Wide(count),
        ];
        var keys = new Bkey[ChunkKeys];
        var positions = new Bpos[ChunkKeys];

        foreach (var set in sets)
        {
            var codecs = new (string Name, KeyCodec Codec)[]
            {
                ("generic", new GenericKeyCodec(set.Format)),
                ("byte-aligned", KeyCodecFactory.Create(set.Format, UnpackStrategy.ByteAligned)),
                ("compiled", CompiledKeyCodec.Compile(set.Format)),
                ("auto", KeyCodecFactory.Create(set.Format, new KeyCodecOptions { Strategy = UnpackStrategy.Auto, CompileThreshold = 0 })),
            };
            // One untimed round of everything first, so no variant is measured while the JIT is still tiering up.
            var warmup = new Measure(quick: true);
            foreach (var (_, codec) in codecs)
            {
                warmup.NanosecondsPerOperation(() => UnpackEach(codec, set), count);
                warmup.NanosecondsPerOperation(() => UnpackPositionEach(codec, set), count);
                warmup.NanosecondsPerOperation(() => CompareAdjacent(codec, set), count - 1);
                warmup.NanosecondsPerOperation(() => PackSearchEach(codec, set), count);
                warmup.NanosecondsPerOperation(() => UnpackRun(codec, set, keys), count);
                warmup.NanosecondsPerOperation(() => PositionsRun(codec, set, positions), count);
            }
            foreach (var (name, codec) in codecs)
            {
                document.Add(set.Name, $"{name}/unpack", "ns_per_key", measure.NanosecondsPerOperation(() => UnpackEach(codec, set), count), "ns");
                document.Add(set.Name, $"{name}/unpack_position", "ns_per_key", measure.NanosecondsPerOperation(() => UnpackPositionEach(codec, set), count), "ns");
                document.Add(set.Name, $"{name}/compare", "ns_per_key", measure.NanosecondsPerOperation(() => CompareAdjacent(codec, set), count - 1), "ns");
                document.Add(set.Name, $"{name}/pack_search", "ns_per_key", measure.NanosecondsPerOperation(() => PackSearchEach(codec, set), count), "ns");
                document.Add(set.Name, $"{name}/unpack_run", "ns_per_key", measure.NanosecondsPerOperation(() => UnpackRun(codec, set, keys), count), "ns");
                document.Add(set.Name, $"{name}/positions_run", "ns_per_key", measure.NanosecondsPerOperation(() => PositionsRun(codec, set, positions), count), "ns");
            }

            var compile = CompileTime(set.Format, quick ? 5 : 25);
            document.Add(set.Name, "compiled", "compile_time_us", compile.TotalMicroseconds, "us");
            var portable = KeyCodecFactory.Create(set.Format, UnpackStrategy.ByteAligned).Strategy == UnpackStrategy.ByteAligned ? "byte-aligned" : "generic";
            var saving = document.Find(set.Name, $"{portable}/unpack", "ns_per_key")!.Value - document.Find(set.Name, "compiled/unpack_run", "ns_per_key")!.Value;
            document.Add(set.Name, "compiled", "break_even_keys", saving > 0 ? compile.TotalNanoseconds / saving : double.PositiveInfinity, "keys");
        }

        Print(document, sets, measure);
        RunSchemas(document, measure, quick);
        return document;
    }

    /// <summary>Keys of other schemas: each strategy over key fields, and the compare loop's threshold on keys differing deep inside.</summary>
    private static void RunSchemas(BenchDocument document, Measure measure, bool quick)
    {
        SchemaKeySet[] sets = [SchemaKeySet.DbBench(), SchemaKeySet.Ycsb(), SchemaKeySet.Typed(), SchemaKeySet.Deep()];
        foreach (var set in sets)
        {
            var codecs = new List<(string Name, KeyCodec Codec)> { ("generic", new GenericKeyCodec(set.Format)) };
            if (set.Format.IsByteAligned) codecs.Add(("byte-aligned", new ByteAlignedKeyCodec(set.Format)));
            codecs.Add(("compiled", CompiledKeyCodec.Compile(set.Format)));
            var unrolls = set.Name == "deep-bytes" ? new[] { 2, 4, 16, 32, int.MaxValue } : [];
            foreach (var unrolled in unrolls) codecs.Add(($"compiled-unroll-{(unrolled == int.MaxValue ? "all" : unrolled)}", CompiledKeyCodec.Compile(set.Format, unrolled)));
            var stride = set.Schema.KeyFieldCount;
            var one = new ulong[stride];
            var run = new ulong[ChunkKeys * stride];
            var warmup = new Measure(quick: true);
            foreach (var (_, codec) in codecs)
            {
                warmup.NanosecondsPerOperation(() => UnpackKeyEach(codec, set, one), set.Count);
                warmup.NanosecondsPerOperation(() => UnpackKeysRun(codec, set, run), set.Count);
                warmup.NanosecondsPerOperation(() => FindInRuns(codec, set), set.Count);
            }
            foreach (var (name, codec) in codecs)
            {
                if (!name.StartsWith("compiled-unroll", StringComparison.Ordinal))
                {
                    document.Add(set.Name, $"{name}/unpack_key", "ns_per_key", measure.NanosecondsPerOperation(() => UnpackKeyEach(codec, set, one), set.Count), "ns");
                    document.Add(set.Name, $"{name}/unpack_keys_run", "ns_per_key", measure.NanosecondsPerOperation(() => UnpackKeysRun(codec, set, run), set.Count), "ns");
                }
                document.Add(set.Name, $"{name}/find_run", "ns_per_key", measure.NanosecondsPerOperation(() => FindInRuns(codec, set), set.Count), "ns");
            }
            document.Add(set.Name, "compiled", "compile_time_us", CompileTime(set.Format, quick ? 5 : 25).TotalMicroseconds, "us");
        }
        PrintSchemas(document, sets);
    }

    private static void PrintSchemas(BenchDocument document, SchemaKeySet[] sets)
    {
        var table = new Table().Title($"Packtree.Bench unpack — keys of other schemas over key fields, a node of {SchemaKeySet.NodeKeys:N0} neighbours: ns per key (median)");
        table.AddColumn("setup");
        table.AddColumn("operation");
        foreach (var strategy in new[] { "generic", "byte-aligned", "compiled" }) table.AddColumn(strategy, c => c.RightAligned());
        table.AddColumn("generic ÷ compiled", c => c.RightAligned());
        foreach (var set in sets)
        {
            var label = $"{set.Name} ({set.Schema}, {set.Format.KeyU64s} words, {set.Format.KeyBits} key bits{(set.Format.IsByteAligned ? ", aligned" : "")})";
            foreach (var operation in new[] { "unpack_key", "unpack_keys_run", "find_run" })
            {
                string Cell(string strategy) => document.Find(set.Name, $"{strategy}/{operation}", "ns_per_key") is { } v ? $"{v:F2}" : "—";
                var ratio = document.Find(set.Name, $"generic/{operation}", "ns_per_key")!.Value / document.Find(set.Name, $"compiled/{operation}", "ns_per_key")!.Value;
                table.AddRow(label, operation, Cell("generic"), Cell("byte-aligned"), Cell("compiled"), $"{ratio:F2}×");
            }
            foreach (var variant in document.Results.Where(r => r.Case == set.Name && r.Variant.StartsWith("compiled-unroll", StringComparison.Ordinal)))
                table.AddRow(label, $"find_run, {variant.Variant["compiled-".Length..^"/find_run".Length]}", "", "", $"{variant.Value:F2}", "");
            table.AddRow(label, "compile once", "", "", $"{document.Find(set.Name, "compiled", "compile_time_us"):F0} µs", "");
        }
        AnsiConsole.Write(table);
    }

    private static ulong UnpackKeyEach(KeyCodec codec, SchemaKeySet set, ulong[] key)
    {
        var packed = set.Packed.AsSpan();
        var stride = set.Format.KeyBytes;
        ulong sum = 0;
        for (var at = 0; at < packed.Length; at += stride)
        {
            codec.UnpackKey(packed.Slice(at, stride), key);
            sum += key[0] ^ key[^1];
        }
        return sum;
    }

    /// <summary>Runs of <see cref="ChunkKeys"/> keys into one reused buffer, as for positions.</summary>
    private static ulong UnpackKeysRun(KeyCodec codec, SchemaKeySet set, ulong[] keys)
    {
        var packed = set.Packed.AsSpan();
        var chunk = ChunkKeys * set.Format.KeyBytes;
        var stride = set.Schema.KeyFieldCount;
        ulong sum = 0;
        for (var at = 0; at < packed.Length; at += chunk)
        {
            var n = codec.UnpackKeys(packed.Slice(at, Math.Min(chunk, packed.Length - at)), keys);
            sum += keys[(n - 1) * stride] + keys[n / 2 * stride + stride - 1];
        }
        return sum;
    }

    /// <summary>In each run of <see cref="ChunkKeys"/> keys, finds its last key: a walk over the whole run; time per key walked.</summary>
    private static ulong FindInRuns(KeyCodec codec, SchemaKeySet set)
    {
        var packed = set.Packed.AsSpan();
        var chunk = ChunkKeys * set.Format.KeyBytes;
        var stride = set.Schema.KeyFieldCount;
        ulong sum = 0;
        for (var at = 0; at < packed.Length; at += chunk)
        {
            var length = Math.Min(chunk, packed.Length - at);
            var last = (at + length) / set.Format.KeyBytes - 1;
            sum += (ulong)codec.FindFirstAtOrAfter(packed.Slice(at, length), set.Keys[last].AsSpan(0, stride));
        }
        return sum;
    }

    /// <summary>Median time to emit and compile all of a format's code, over fresh compiles.</summary>
    private static TimeSpan CompileTime(BkeyFormat format, int samples)
    {
        var times = new double[samples];
        for (var i = 0; i < samples; i++)
        {
            var started = Stopwatch.GetTimestamp();
            CompiledKeyCodec.Compile(format);
            times[i] = Stopwatch.GetElapsedTime(started).TotalMicroseconds;
        }
        return TimeSpan.FromMicroseconds(Spread.Of(times).Median);
    }

    private static void Print(BenchDocument document, KeySet[] sets, Measure measure)
    {
        string[] operations = ["unpack", "unpack_run", "unpack_position", "positions_run", "compare", "pack_search"];
        string[] strategies = ["generic", "byte-aligned", "compiled", "auto"];
        var table = new Table().Title("Packtree.Bench unpack — ns per key (median); auto = after its compile threshold");
        table.AddColumn("setup");
        table.AddColumn("operation");
        foreach (var strategy in strategies) table.AddColumn(strategy, c => c.RightAligned());
        table.AddColumn("generic ÷ compiled", c => c.RightAligned());
        table.AddColumn("byte-aligned ÷ compiled", c => c.RightAligned());
        foreach (var set in sets)
        {
            foreach (var operation in operations)
            {
                var values = strategies.Select(s => document.Find(set.Name, $"{s}/{operation}", "ns_per_key")!.Value).ToArray();
                table.AddRow([
                    $"{set.Name} ({KeysSuite.FormatWidths(set.Format)}{(set.Format.IsByteAligned ? ", aligned" : "")})",
                    operation,
                    .. values.Select(v => $"{v:F2}"),
                    $"{values[0] / values[2]:F2}×",
                    $"{values[1] / values[2]:F2}×",
                ]);
            }
            table.AddRow(
                set.Name, "compile once", "", "",
                $"{document.Find(set.Name, "compiled", "compile_time_us"):F0} µs", "", $"break-even {document.Find(set.Name, "compiled", "break_even_keys"):F0} keys", "");
        }
        AnsiConsole.Write(table);
        foreach (var set in sets)
        {
            double Get(string variant) => document.Find(set.Name, variant, "ns_per_key")!.Value;
            var kernel = Get("compiled/unpack_run");
            AnsiConsole.WriteLine(
                $"{set.Name}: compiled unpack kernel {kernel:F2} ns/key = {Get("generic/unpack") / kernel:F2}× faster than generic, " +
                $"{Get("byte-aligned/unpack") / kernel:F2}× faster than byte-aligned, {Get("compiled/unpack") / kernel:F2}× faster than a compiled call per key");
        }
        AnsiConsole.MarkupLine($"[grey]checksum {measure.Sink:x}[/]");
    }

    private static ulong UnpackEach(KeyCodec codec, KeySet set)
    {
        var packed = set.Packed.AsSpan();
        var stride = set.Format.KeyBytes;
        ulong sum = 0;
        for (var at = 0; at < packed.Length; at += stride)
        {
            codec.Unpack(packed.Slice(at, stride), out var key);
            sum += key.Position.Offset ^ key.Size;
        }
        return sum;
    }

    private static ulong UnpackPositionEach(KeyCodec codec, KeySet set)
    {
        var packed = set.Packed.AsSpan();
        var stride = set.Format.KeyBytes;
        ulong sum = 0;
        for (var at = 0; at < packed.Length; at += stride)
            sum += codec.UnpackPosition(packed.Slice(at, stride)).Offset;
        return sum;
    }

    private static ulong CompareAdjacent(KeyCodec codec, KeySet set)
    {
        var packed = set.Packed.AsSpan();
        var stride = set.Format.KeyBytes;
        ulong sum = 0;
        for (var at = stride; at < packed.Length; at += stride)
            sum += (ulong)(codec.ComparePacked(packed.Slice(at - stride, stride), packed.Slice(at, stride)) + 1);
        return sum;
    }

    private static ulong PackSearchEach(KeyCodec codec, KeySet set)
    {
        Span<byte> buffer = stackalloc byte[BkeyFormat.Current.KeyBytes];
        ulong sum = 0;
        foreach (var key in set.Keys)
        {
            sum += (ulong)codec.PackPositionLossy(key.Position, buffer);
            sum += buffer[5];
        }
        return sum;
    }

    /// <summary>
    /// Runs of <see cref="ChunkKeys"/> keys into one reused buffer, as a node iterator would consume
    /// them: the destination stays in cache, as bcachefs's own loop writes one struct again and again.
    /// </summary>
    private static ulong UnpackRun(KeyCodec codec, KeySet set, Bkey[] keys)
    {
        var packed = set.Packed.AsSpan();
        var chunk = ChunkKeys * set.Format.KeyBytes;
        ulong sum = 0;
        for (var at = 0; at < packed.Length; at += chunk)
        {
            var n = codec.UnpackRun(packed.Slice(at, Math.Min(chunk, packed.Length - at)), keys);
            sum += keys[n - 1].Position.Offset + keys[n / 2].Size;
        }
        return sum;
    }

    private static ulong PositionsRun(KeyCodec codec, KeySet set, Bpos[] positions)
    {
        var packed = set.Packed.AsSpan();
        var chunk = ChunkKeys * set.Format.KeyBytes;
        ulong sum = 0;
        for (var at = 0; at < packed.Length; at += chunk)
        {
            var n = codec.UnpackPositions(packed.Slice(at, Math.Min(chunk, packed.Length - at)), positions);
            sum += positions[n - 1].Offset + positions[n / 2].Offset;
        }
        return sum;
    }
}
