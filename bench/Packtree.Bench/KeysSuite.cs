using Packtree.Keys;
using Spectre.Console;

namespace Packtree.Bench;

/// <summary>
/// The key layer on its own (generic paths only): pack, unpack and packed compare, in ns per key,
/// on realistic byte-aligned formats and on formats that are not byte-aligned.
/// </summary>
public static class KeysSuite
{
    private const int KeyCount = 4096;

    public static BenchDocument Run(bool quick)
    {
        var document = new BenchDocument("keys");
        var measure = new Measure(quick);
        KeySet[] sets =
        [
            KeySet.Extents(KeyCount, roundToBytes: true),
            KeySet.Extents(KeyCount, roundToBytes: false),
            KeySet.Wide(KeyCount),
            KeySet.Inodes(KeyCount),
            KeySet.Unpacked(KeyCount),
        ];
        // One untimed pass over everything first, so the first case is not measured while the JIT is still tiering up.
        var warmup = new Measure(quick: true);
        foreach (var set in sets)
        {
            warmup.NanosecondsPerOperation(() => PackAll(set), set.Count);
            warmup.NanosecondsPerOperation(() => UnpackAll(set), set.Count);
            warmup.NanosecondsPerOperation(() => CompareAdjacent(set), set.Count - 1);
        }

        foreach (var set in sets)
        {
            document.Add(set.Name, "pack", "ns_per_key", measure.NanosecondsPerOperation(() => PackAll(set), set.Count), "ns");
            document.Add(set.Name, "unpack", "ns_per_key", measure.NanosecondsPerOperation(() => UnpackAll(set), set.Count), "ns");
            document.Add(set.Name, "compare", "ns_per_key", measure.NanosecondsPerOperation(() => CompareAdjacent(set), set.Count - 1), "ns");
            document.Add(set.Name, "key_bytes", "bytes", set.Format.KeyBytes, "bytes");
        }

        var table = new Table().Title("Packtree.Bench keys — generic key layer, ns per key (median)");
        table.AddColumns("case", "format", "key bytes", "byte-aligned", "pack", "unpack", "compare");
        foreach (var set in sets)
        {
            table.AddRow(
                set.Name,
                Markup.Escape(FormatWidths(set.Format)),
                $"{set.Format.KeyBytes} of {Bkey.ByteCount}",
                set.Format.IsByteAligned ? "yes" : "no",
                $"{document.Find(set.Name, "pack", "ns_per_key"):F2}",
                $"{document.Find(set.Name, "unpack", "ns_per_key"):F2}",
                $"{document.Find(set.Name, "compare", "ns_per_key"):F2}");
        }
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine($"[grey]checksum {measure.Sink:x}[/]");
        return document;
    }

    /// <summary>Widths in field order, e.g. <c>8/24/0/8/0/0</c>.</summary>
    internal static string FormatWidths(BkeyFormat format)
    {
        var widths = new int[BkeyFields.Count];
        for (var i = 0; i < widths.Length; i++) widths[i] = format.Fields[i].Width;
        return string.Join('/', widths);
    }

    private static ulong PackAll(KeySet set)
    {
        Span<byte> buffer = stackalloc byte[BkeyFormat.Current.KeyBytes];
        var format = set.Format;
        var keys = set.Keys;
        ulong sum = 0;
        for (var i = 0; i < keys.Length; i++)
        {
            format.TryPack(keys[i], buffer);
            sum += buffer[buffer.Length - 1 - (i & 7)];
        }
        return sum;
    }

    private static ulong UnpackAll(KeySet set)
    {
        var format = set.Format;
        var packed = set.Packed.AsSpan();
        var stride = format.KeyBytes;
        ulong sum = 0;
        for (var at = 0; at < packed.Length; at += stride)
        {
            format.Unpack(packed.Slice(at, stride), out var key);
            sum += key.Position.Offset ^ key.Size;
        }
        return sum;
    }

    private static ulong CompareAdjacent(KeySet set)
    {
        var format = set.Format;
        var packed = set.Packed.AsSpan();
        var stride = format.KeyBytes;
        ulong sum = 0;
        for (var at = stride; at < packed.Length; at += stride)
            sum += (ulong)(format.ComparePacked(packed.Slice(at - stride, stride), packed.Slice(at, stride)) + 1);
        return sum;
    }
}
