using System.Globalization;

namespace Packtree.Bench.Values;

/// <summary>One case of the suite: values of one size and one kind of data, named as the report and the JSON name it (<c>64KiB-random</c>).</summary>
public readonly record struct ValueCase(int ValueBytes, ValueData Data)
{
    public string Name => $"{SizeName(ValueBytes)}-{Data.ToString().ToLowerInvariant()}";

    /// <summary>The case named <paramref name="name"/>.</summary>
    public static ValueCase Parse(string name)
    {
        var dash = name.LastIndexOf('-');
        if (dash < 1 || !Enum.TryParse<ValueData>(name[(dash + 1)..], ignoreCase: true, out var data)) throw new ArgumentException($"Not a case: '{name}'.", nameof(name));
        var size = name[..dash];
        var bytes = size.EndsWith("MiB", StringComparison.Ordinal) ? int.Parse(size[..^3], CultureInfo.InvariantCulture) << 20
            : size.EndsWith("KiB", StringComparison.Ordinal) ? int.Parse(size[..^3], CultureInfo.InvariantCulture) << 10
            : int.Parse(size.TrimEnd('B'), CultureInfo.InvariantCulture);
        return new ValueCase(bytes, data);
    }

    /// <summary>A size in the largest binary unit that divides it: 4KiB, 1MiB, 1000B.</summary>
    public static string SizeName(long bytes) =>
        bytes % (1 << 20) == 0 ? $"{bytes >> 20}MiB" : bytes % 1024 == 0 ? $"{bytes >> 10}KiB" : $"{bytes}B";

    /// <summary>Fills <paramref name="value"/> with value <paramref name="index"/> of write pass <paramref name="pass"/>.</summary>
    public void Fill(Span<byte> value, long index, int pass)
    {
        var seed = SplitMix.Seed(index, pass);
        if (Data == ValueData.Text) TextValues.Fill(value, seed);
        else new SplitMix(seed).Fill(value);
    }
}
