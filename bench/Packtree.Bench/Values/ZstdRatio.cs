using ZstdSharp;

namespace Packtree.Bench.Values;

/// <summary>How much zstd (level 3) shrinks a case's values, each compressed on its own as a store would: raw bytes ÷ compressed bytes over a sample.</summary>
public static class ZstdRatio
{
    public static double Of(ValueCase @case)
    {
        using var compressor = new Compressor(3);
        var value = new byte[@case.ValueBytes];
        var sample = (int)Math.Clamp((8L << 20) / @case.ValueBytes, 1, 256);
        long raw = 0, compressed = 0;
        for (var i = 0; i < sample; i++)
        {
            @case.Fill(value, i, pass: 0);
            raw += value.Length;
            compressed += compressor.Wrap(value).Length;
        }
        return (double)raw / compressed;
    }
}
